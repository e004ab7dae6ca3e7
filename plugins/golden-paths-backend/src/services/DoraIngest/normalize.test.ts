import {
  normalizeDoraEvents,
  toDoraRecords,
  versionOfArtifact,
} from './normalize';

const cdevent = (type: string, subject: object, extra: object = {}) => ({
  specversion: '1.0',
  id: 'e1',
  source: 'argo/prod',
  type,
  data: {
    context: {
      id: 'e1',
      source: 'argo/prod',
      type,
      timestamp: '2026-11-10T10:00:00Z',
    },
    subject,
    ...extra,
  },
});

describe('normalizeDoraEvents', () => {
  it('reads the plain JSON form', () => {
    expect(
      normalizeDoraEvents([
        {
          id: 'd1',
          type: 'deployment',
          service: 'payments',
          environment: 'production',
          finishedAt: '2026-11-10T10:00:00+01:00',
          succeeded: true,
          changeIds: ['c1'],
        },
        {
          id: 'c1',
          type: 'change',
          service: 'payments',
          mergedAt: '2026-11-10T08:00:00Z',
          firstCommitAt: '2026-11-09T08:00:00Z',
        },
        {
          id: 'i1-resolved',
          incidentId: 'i1',
          type: 'incident',
          service: 'component:default/payments',
          startedAt: '2026-11-11T08:00:00Z',
          resolvedAt: '2026-11-11T10:00:00Z',
          deploymentId: 'd1',
        },
      ]),
    ).toEqual([
      {
        id: 'json:d1',
        kind: 'deployment',
        matchKey: 'payments',
        occurredAt: '2026-11-10T09:00:00.000Z',
        record: {
          id: 'd1',
          environment: 'production',
          finishedAt: '2026-11-10T09:00:00.000Z',
          succeeded: true,
          kind: 'deploy',
          changeIds: ['c1'],
        },
      },
      {
        id: 'json:c1',
        kind: 'change',
        matchKey: 'payments',
        occurredAt: '2026-11-10T08:00:00.000Z',
        record: {
          id: 'c1',
          mergedAt: '2026-11-10T08:00:00.000Z',
          firstCommitAt: '2026-11-09T08:00:00.000Z',
        },
      },
      {
        id: 'json:i1-resolved',
        kind: 'incident',
        matchKey: 'component:default/payments',
        occurredAt: '2026-11-11T10:00:00.000Z',
        record: {
          id: 'i1',
          startedAt: '2026-11-11T08:00:00.000Z',
          resolvedAt: '2026-11-11T10:00:00.000Z',
          deploymentId: 'd1',
        },
      },
    ]);
  });

  it('reads CDEvents in structured mode', () => {
    const [rollback] = normalizeDoraEvents(
      cdevent(
        'dev.cdevents.service.rolledback.0.2.0',
        {
          id: 'payments',
          content: {
            environment: { id: 'prod' },
            artifactId: 'pkg:oci/payments@1.4.1',
          },
        },
        { customData: { resolvesIncidentIds: ['i1'] } },
      ),
    );
    expect(rollback).toEqual({
      id: 'cdevents:argo/prod:e1',
      kind: 'deployment',
      matchKey: 'payments',
      occurredAt: '2026-11-10T10:00:00.000Z',
      record: {
        id: 'e1',
        environment: 'prod',
        finishedAt: '2026-11-10T10:00:00.000Z',
        succeeded: true,
        kind: 'rollback',
        // A rollback puts the earlier version back.
        version: '1.4.1',
        resolvesIncidentIds: ['i1'],
      },
    });

    const [incident] = normalizeDoraEvents(
      cdevent('dev.cdevents.incident.detected.0.2.0', {
        id: 'INC-1',
        content: { service: { id: 'payments' } },
      }),
    );
    expect(incident).toMatchObject({
      kind: 'incident',
      matchKey: 'payments',
      record: { id: 'INC-1', startedAt: '2026-11-10T10:00:00.000Z' },
    });

    const resolved = cdevent('dev.cdevents.incident.resolved.0.2.0', {
      id: 'INC-1',
      content: { service: { id: 'payments' } },
    });
    (resolved.data.context as any).links = [
      { linkType: 'RELATION', target: { contextId: 'd7' } },
    ];
    expect(normalizeDoraEvents(resolved)[0].record).toEqual({
      id: 'INC-1',
      resolvedAt: '2026-11-10T10:00:00.000Z',
      deploymentId: 'd7',
    });

    const [change] = normalizeDoraEvents(
      cdevent('dev.cdevents.change.merged.0.2.0', {
        id: '42',
        content: { repository: { id: 'acme/payments' } },
      }),
    );
    expect(change).toMatchObject({
      kind: 'change',
      matchKey: 'acme/payments',
      record: { id: '42', mergedAt: '2026-11-10T10:00:00.000Z' },
    });
  });

  it('reads CDEvents in binary mode', () => {
    const { data } = cdevent('dev.cdevents.service.deployed.0.2.0', {
      id: 'payments',
      content: { environment: { id: 'production' } },
    });
    const [event] = normalizeDoraEvents(data, {
      'ce-specversion': '1.0',
      'ce-id': 'b1',
      'ce-source': 'flux',
      'ce-type': 'dev.cdevents.service.deployed.0.2.0',
    });
    expect(event).toMatchObject({
      id: 'cdevents:flux:b1',
      kind: 'deployment',
      record: { id: 'b1', kind: 'deploy', environment: 'production' },
    });
  });

  it('reads the deployed version from the plain form and CDEvents', () => {
    const [plain] = normalizeDoraEvents({
      id: 'd1',
      type: 'deployment',
      service: 'payments',
      environment: 'staging',
      finishedAt: '2026-11-10T10:00:00Z',
      succeeded: true,
      version: ' 1.4.2 ',
    });
    expect(plain.record).toMatchObject({ version: '1.4.2' });
    const [cd] = normalizeDoraEvents(
      cdevent('dev.cdevents.service.deployed.0.2.0', {
        id: 'payments',
        content: {
          environment: { id: 'staging' },
          artifactId: 'pkg:oci/payments@1.4.2?repository_url=ghcr.io/acme',
        },
      }),
    );
    expect(cd.record).toMatchObject({ version: '1.4.2' });
    expect(() =>
      normalizeDoraEvents({
        id: 'd1',
        type: 'deployment',
        service: 'payments',
        environment: 'staging',
        finishedAt: '2026-11-10T10:00:00Z',
        succeeded: true,
        version: 142,
      }),
    ).toThrow('version must be a non-empty string');
  });

  it('keeps the version part of a package URL when it is clear', () => {
    expect(versionOfArtifact('pkg:oci/app@1.4.2')).toBe('1.4.2');
    expect(versionOfArtifact('pkg:npm/%40acme/app@2.0.0-rc.1#dist')).toBe(
      '2.0.0-rc.1',
    );
    expect(versionOfArtifact('pkg:oci/app@sha256%3Aabc123?arch=amd64')).toBe(
      'sha256:abc123',
    );
    // No version in the purl, or not a purl at all: the whole id.
    expect(versionOfArtifact('pkg:oci/app')).toBe('pkg:oci/app');
    expect(versionOfArtifact('pkg:oci/app@')).toBe('pkg:oci/app@');
    expect(versionOfArtifact('ghcr.io/acme/app:1.4.2')).toBe(
      'ghcr.io/acme/app:1.4.2',
    );
  });

  it('writes every time as toISOString would, whatever its form', () => {
    const finishedAt = (value: string) =>
      normalizeDoraEvents({
        id: 'd1',
        type: 'deployment',
        service: 'payments',
        environment: 'production',
        finishedAt: value,
        succeeded: true,
      })[0].occurredAt;
    for (const [given, stored] of [
      // Already canonical: the same text.
      ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
      ['0999-01-01T00:00:00.000Z', '0999-01-01T00:00:00.000Z'],
      // Other forms, and days and hours the calendar rolls over.
      ['2026-11-10T10:00:00+01:00', '2026-11-10T09:00:00.000Z'],
      ['2026-11-10T10:00Z', '2026-11-10T10:00:00.000Z'],
      ['2026-02-29T10:00:00.000Z', '2026-03-01T10:00:00.000Z'],
      ['2026-02-30T10:00:00.000Z', '2026-03-02T10:00:00.000Z'],
      ['2026-11-20T24:00:00.000Z', '2026-11-21T00:00:00.000Z'],
      // A day once seen as rolled over stays so, and its neighbour is real.
      ['2026-02-29T11:00:00.000Z', '2026-03-01T11:00:00.000Z'],
      ['2026-02-28T11:00:00.000Z', '2026-02-28T11:00:00.000Z'],
    ]) {
      expect(finishedAt(given)).toBe(stored);
    }
    for (const bad of [
      '2026-11-20T10:60:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-11-20 10:00:00',
    ]) {
      expect(() => finishedAt(bad)).toThrow(
        'finishedAt must be an ISO 8601 timestamp with a time zone',
      );
    }
  });

  it('names the field of a malformed event, with its batch index', () => {
    const good = {
      id: 'c1',
      type: 'change',
      service: 'payments',
      mergedAt: '2026-11-10T08:00:00Z',
    };
    expect(() =>
      normalizeDoraEvents([
        good,
        cdevent('dev.cdevents.service.deployed.0.2.0', {
          id: 'payments',
          content: { environment: {} },
        }),
      ]),
    ).toThrow('[1].data.subject.content.environment.id is required');
    expect(() =>
      normalizeDoraEvents({ ...good, mergedAt: 'yesterday' }),
    ).toThrow('mergedAt must be an ISO 8601 timestamp');
    expect(() => normalizeDoraEvents({ ...good, type: 'deploy' })).toThrow(
      'type must be one of deployment, change, incident',
    );
    expect(() =>
      normalizeDoraEvents({
        id: 'd',
        type: 'deployment',
        service: 's',
        environment: 'prod',
        finishedAt: '2026-11-10T08:00:00Z',
      }),
    ).toThrow('succeeded is required');
    expect(() =>
      normalizeDoraEvents(
        cdevent('dev.cdevents.pipelinerun.started.0.2.0', {}),
      ),
    ).toThrow(/type dev.cdevents.pipelinerun.started.0.2.0 is not a supported/);
    expect(() => normalizeDoraEvents([])).toThrow('the batch is empty');
    expect(() => normalizeDoraEvents('x')).toThrow(
      'the request body must be an object',
    );
    // Text the databases would store as something else.
    expect(() => normalizeDoraEvents({ ...good, id: 'c\u0000' })).toThrow(
      'id must not contain NUL characters',
    );
    expect(() =>
      normalizeDoraEvents({ ...good, service: 'pay\ud800ments' }),
    ).toThrow('service must be valid Unicode text');
    expect(normalizeDoraEvents({ ...good, id: 'c-🚀' })[0].id).toBe(
      'json:c-🚀',
    );
  });
});

describe('toDoraRecords', () => {
  it('merges the events of one incident', () => {
    const base = { matchKey: 'p', receivedAt: '2026-11-12T00:00:00.000Z' };
    const { incidents } = toDoraRecords([
      {
        ...base,
        id: 'a',
        kind: 'incident',
        entityRef: 'component:default/p',
        occurredAt: '2026-11-11T10:00:00.000Z',
        record: { id: 'INC-1', resolvedAt: '2026-11-11T10:00:00.000Z' },
      },
      {
        ...base,
        id: 'b',
        kind: 'incident',
        entityRef: 'component:default/p',
        occurredAt: '2026-11-11T08:00:00.000Z',
        record: { id: 'INC-1', startedAt: '2026-11-11T08:00:00.000Z' },
      },
      {
        ...base,
        id: 'c',
        kind: 'incident',
        entityRef: 'component:default/p',
        occurredAt: '2026-11-11T08:00:00.000Z',
        record: { id: 'INC-2', resolvedAt: '2026-11-11T08:00:00.000Z' },
      },
    ]);
    expect(incidents).toEqual([
      {
        id: 'INC-1',
        entityRef: 'component:default/p',
        startedAt: '2026-11-11T08:00:00.000Z',
        resolvedAt: '2026-11-11T10:00:00.000Z',
      },
    ]);
  });
});
