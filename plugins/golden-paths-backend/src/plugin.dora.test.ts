import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { deflateSync, gzipSync } from 'node:zlib';
import { clockServiceRef } from './clock';
import { goldenPathsPlugin } from './plugin';

jest.setTimeout(60_000);

const NOW = new Date('2026-12-01T00:00:00.000Z');

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
});

const entities = [
  component('payments', { 'paved.dev/dora-id': 'payments-id' }),
  component('search', { 'github.com/project-slug': 'acme/search' }),
];

const json = (event: object) => ({ service: 'payments-id', ...event });
const cdevent = (id: string, type: string, at: string, subject: object) => ({
  specversion: '1.0',
  id,
  source: 'argo',
  type,
  data: {
    context: { id, source: 'argo', type, timestamp: at },
    subject,
  },
});

// payments (plain JSON): c1 shipped by d1 (24 h), c2 by d2 (6 h), i1 caused
// by d2 and resolved 4 h after it, d3 a rollback; staging and failed
// deployments do not count. search (CDEvents): change 42 shipped by s1 (24 h).
const batch = [
  json({
    id: 'c1',
    type: 'change',
    firstCommitAt: '2026-11-02T00:00:00Z',
    mergedAt: '2026-11-02T12:00:00Z',
  }),
  json({
    id: 'd1',
    type: 'deployment',
    environment: 'production',
    finishedAt: '2026-11-03T00:00:00Z',
    succeeded: true,
    changeIds: ['c1'],
  }),
  json({ id: 'c2', type: 'change', mergedAt: '2026-11-04T00:00:00Z' }),
  json({
    id: 'd2',
    type: 'deployment',
    environment: 'production',
    finishedAt: '2026-11-04T06:00:00Z',
    succeeded: true,
  }),
  json({
    id: 'i1',
    type: 'incident',
    startedAt: '2026-11-04T08:00:00Z',
    resolvedAt: '2026-11-04T10:00:00Z',
  }),
  json({
    id: 'd3',
    type: 'deployment',
    kind: 'rollback',
    environment: 'production',
    finishedAt: '2026-11-04T09:00:00Z',
    succeeded: true,
  }),
  json({
    id: 'd4',
    type: 'deployment',
    environment: 'staging',
    finishedAt: '2026-11-05T00:00:00Z',
    succeeded: true,
  }),
  json({
    id: 'd5',
    type: 'deployment',
    environment: 'production',
    finishedAt: '2026-11-06T00:00:00Z',
    succeeded: false,
  }),
  cdevent(
    '42-merged',
    'dev.cdevents.change.merged.0.2.0',
    '2026-11-09T00:00:00Z',
    { id: '42', content: { repository: { id: 'acme/search' } } },
  ),
  cdevent('s1', 'dev.cdevents.service.deployed.0.2.0', '2026-11-10T00:00:00Z', {
    id: 'acme/search',
    content: { environment: { id: 'prod' } },
  }),
  cdevent('s2', 'dev.cdevents.service.deployed.0.2.0', '2026-11-11T00:00:00Z', {
    id: 'acme/search',
    content: { environment: { id: 'prod' } },
  }),
  json({
    id: 'x1',
    service: 'not-in-catalog',
    type: 'deployment',
    environment: 'production',
    finishedAt: '2026-11-12T00:00:00Z',
    succeeded: true,
  }),
];

describe('DORA routes', () => {
  async function startBackend(
    options: { catalog?: Entity[]; dora?: object; liveCatalog?: boolean } = {},
  ) {
    const catalog = options.catalog ?? entities;
    const { server } = await startTestBackend({
      features: [
        goldenPathsPlugin,
        createServiceFactory({
          service: clockServiceRef,
          deps: {},
          factory: () => ({ now: () => NOW }),
        }),
        options.liveCatalog
          ? // Every call reads the array as it is now: entities can appear.
            createServiceFactory({
              service: catalogServiceRef,
              deps: {},
              factory: () =>
                new Proxy({} as Record<string, Function>, {
                  // Not a thenable: the backend awaits what a factory returns.
                  get: (_, method) =>
                    method === 'then' || typeof method === 'symbol'
                      ? undefined
                      : (...args: unknown[]) =>
                          (catalogServiceMock({ entities: catalog }) as any)[
                            method
                          ](...args),
                }) as any,
            })
          : catalogServiceMock.factory({ entities: catalog }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
              },
              sweep: {
                schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
              },
              ...(options.dora ? { dora: options.dora } : {}),
            },
          },
        }),
      ],
    });
    const auth = mockCredentials.service.header();
    return {
      post: (body: unknown) =>
        request(server)
          .post('/api/golden-paths/events')
          .set('Authorization', auth)
          .send(body as object),
      sweep: () =>
        request(server)
          .post('/api/golden-paths/admin/sweep')
          .set('Authorization', auth),
      get: (path: string) =>
        request(server)
          .get(`/api/golden-paths${path}`)
          .set('Authorization', auth),
      server,
    };
  }

  it('computes metrics and bands from ingested events, once per event id', async () => {
    const api = await startBackend();
    const first = await api.post(batch);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ stored: 12, duplicates: 0, unmatched: 1 });

    const payments = await api.get('/dora?entityRef=payments');
    expect(payments.status).toBe(200);
    expect(payments.body.window).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    expect(payments.body.metrics).toMatchObject({
      deploymentFrequency: {
        perDay: 0.1,
        sample: 3,
        band: 'medium',
      },
      changeLeadTime: { medianHours: 15, sample: 2, band: 'unknown' },
      changeFailRate: { failedDeployments: 1, sample: 3, band: 'unknown' },
      failedDeploymentRecoveryTime: { medianHours: 4, sample: 1, band: 'high' },
      deploymentReworkRate: { reworkDeployments: 1, band: 'unknown' },
    });
    expect(
      payments.body.metrics.deploymentFrequency.deployDaysPerWeek,
    ).toBeCloseTo(2 / (30 / 7));

    const owner = await api.get('/dora?owner=team-a');
    expect(owner.status).toBe(200);
    expect(owner.body.entityRefs.sort()).toEqual([
      'component:default/payments',
      'component:default/search',
    ]);
    expect(owner.body.metrics).toMatchObject({
      deploymentFrequency: { sample: 5, band: 'high' },
      changeLeadTime: { medianHours: 24, sample: 3, band: 'high' },
      changeFailRate: { rate: 0.2, sample: 5, band: 'medium' },
      failedDeploymentRecoveryTime: { medianHours: 4, band: 'high' },
      deploymentReworkRate: { rate: 0.2, band: 'low' },
    });

    // The same batch again: nothing new, identical metrics.
    const again = await api.post(batch);
    expect(again.body).toEqual({ stored: 0, duplicates: 12, unmatched: 1 });
    expect((await api.get('/dora?owner=team-a')).body).toEqual(owner.body);

    const unmatched = await api.get('/events/unmatched');
    expect(unmatched.status).toBe(200);
    expect(unmatched.body.totalCount).toBe(1);
    expect(unmatched.body.items[0]).toMatchObject({
      id: 'json:x1',
      matchKey: 'not-in-catalog',
    });

    // A narrower window counts only what finished in it.
    const early = await api.get(
      '/dora?entityRef=component:default/payments&from=2026-11-01&to=2026-11-04',
    );
    expect(early.body.metrics.deploymentFrequency.sample).toBe(1);
  });

  it('matches events that came before their service once a sweep sees it', async () => {
    const catalog = [...entities];
    const api = await startBackend({ catalog, liveCatalog: true });
    const early = json({
      id: 'early',
      service: 'orders-id',
      type: 'deployment',
      environment: 'production',
      finishedAt: '2026-11-20T10:00:00Z',
      succeeded: true,
    });
    expect((await api.post([early])).body).toMatchObject({ unmatched: 1 });

    catalog.push(component('orders', { 'paved.dev/dora-id': 'orders-id' }));
    expect((await api.sweep()).status).toBe(200);

    expect((await api.get('/events/unmatched')).body.totalCount).toBe(0);
    const orders = await api.get('/dora?entityRef=orders');
    expect(orders.body.metrics.deploymentFrequency.sample).toBe(1);
  });

  it('rejects a batch with one bad event, storing nothing', async () => {
    const api = await startBackend();
    const bad = cdevent(
      'bad',
      'dev.cdevents.service.deployed.0.2.0',
      '2026-11-10T00:00:00Z',
      { id: 'acme/search', content: { environment: {} } },
    );
    const res = await api.post([batch[0], batch[11], bad]);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      '[2].data.subject.content.environment.id is required',
    );
    expect((await api.get('/events/unmatched')).body.totalCount).toBe(0);
    // The good events in it were not stored either: they count as new now.
    expect((await api.post([batch[0], batch[11]])).body).toEqual({
      stored: 2,
      duplicates: 0,
      unmatched: 1,
    });
  });

  it('reads the events body as JSON of any JSON type, plain or compressed, and refuses other bodies with their status', async () => {
    const api = await startBackend();
    const auth = mockCredentials.service.header();
    const send = (body: string | Buffer, headers: Record<string, string>) => {
      let req = request(api.server)
        .post('/api/golden-paths/events')
        .set('Authorization', auth);
      for (const [name, value] of Object.entries(headers)) {
        req = req.set(name, value);
      }
      // The bytes as they are: superagent would write a Buffer out as JSON.
      return req.serialize((bytes: unknown) => bytes as string).send(body);
    };
    const one = JSON.stringify(batch[0]);

    const gzipped = await send(gzipSync(Buffer.from(`\uFEFF${one}`)), {
      'content-type': 'application/json; charset=UTF-8',
      'content-encoding': 'gzip',
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.body).toMatchObject({ stored: 1 });
    const deflated = await send(deflateSync(Buffer.from(one)), {
      'content-type': 'application/cloudevents-batch+json',
      'content-encoding': 'deflate',
    });
    expect(deflated.body).toMatchObject({ stored: 0, duplicates: 1 });

    const refused = async (
      body: string | Buffer,
      headers: Record<string, string>,
    ) => {
      const res = await send(body, headers);
      return [res.status, res.body.error?.message];
    };
    expect(await refused(one, { 'content-type': 'text/plain' })).toEqual([
      415,
      'content-type must be application/json or application/*+json, not text/plain',
    ]);
    expect(
      await refused(one, {
        'content-type': 'application/json; charset=latin1',
      }),
    ).toEqual([415, 'charset latin1 is not supported; send UTF-8']);
    expect(
      await refused(one, {
        'content-type': 'application/json',
        'content-encoding': 'br',
      }),
    ).toEqual([
      415,
      'content-encoding br is not supported; send gzip, deflate or none',
    ]);
    const [status, message] = await refused('{"id": "x",', {
      'content-type': 'application/json',
    });
    expect(status).toBe(400);
    expect(message).toMatch(/^the request body is not valid JSON: /);
    // The limit holds for the decoded bytes, however small the upload.
    const bomb = gzipSync(Buffer.from(`[${' '.repeat(2 * 1024 * 1024)}]`));
    expect(bomb.length).toBeLessThan(10_000);
    expect(
      await refused(bomb, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      }),
    ).toEqual([413, 'the payload is larger than 1 MiB']);
    expect(
      await refused(`[${' '.repeat(1024 * 1024)}]`, {
        'content-type': 'application/json',
      }),
    ).toEqual([413, 'the payload is larger than 1 MiB']);
    // Nothing of the refused bodies was stored.
    expect((await api.get('/events/unmatched')).body.totalCount).toBe(0);
  });

  it('names the bad parameter of GET /dora', async () => {
    const api = await startBackend();
    const cases: Array<[string, string]> = [
      ['/dora', 'one of entityRef, owner or groupBy is required'],
      ['/dora?owner=team-a&from=later', 'from must be an ISO 8601 timestamp'],
      [
        '/dora?owner=team-a&from=2026-11-05&to=2026-11-01',
        'from must be before to',
      ],
      ['/dora?groupBy=owner', 'groupBy must be templateVersion'],
      [
        '/dora?entityRef=payments&owner=team-a',
        'give either entityRef or owner',
      ],
    ];
    for (const [path, message] of cases) {
      const res = await api.get(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.error.message).toContain(message);
    }
    expect((await api.get('/dora?entityRef=nope')).status).toBe(404);
    expect((await api.get('/dora?groupBy=templateVersion')).body).toEqual({
      window: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
      },
      groups: [],
    });
  });

  it('requires credentials', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .post('/api/golden-paths/events')
      .set('Authorization', mockCredentials.none.header())
      .send(batch);
    expect(res.status).toBe(401);
  });

  it('reads production environments and bands from config', async () => {
    const api = await startBackend({
      dora: {
        productionEnvironments: ['live'],
        bands: {
          failedDeploymentRecoveryTime: {
            eliteBelowHours: 12,
            highBelowHours: 48,
            mediumBelowHours: 168,
          },
        },
      },
    });
    const deployment = (id: string, environment: string, at: string) =>
      json({
        id,
        type: 'deployment',
        environment,
        finishedAt: at,
        succeeded: true,
      });
    const res = await api.post([
      deployment('live-1', 'Live', '2026-11-03T00:00:00Z'),
      // Production by default, but not in this portal.
      deployment('prod-1', 'production', '2026-11-04T00:00:00Z'),
      json({
        id: 'inc-1',
        type: 'incident',
        startedAt: '2026-11-03T02:00:00Z',
        resolvedAt: '2026-11-03T10:00:00Z',
      }),
    ]);
    expect(res.status).toBe(200);
    const { metrics } = (await api.get('/dora?entityRef=payments')).body;
    expect(metrics.deploymentFrequency.sample).toBe(1);
    // 10 hours: `high` by the DORA defaults, `elite` under 12 hours here.
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({
      medianHours: 10,
      band: 'elite',
    });
    const environments = await api.get('/environments?entityRef=payments');
    expect(
      environments.body.environments.map((e: any) => [e.name, e.production]),
    ).toEqual([
      ['production', false],
      ['Live', true],
    ]);
  });

  it('computes metrics per template version from the catalog provenance', async () => {
    const scaffolded = (name: string, version?: string): Entity => ({
      ...component(
        name,
        version
          ? {
              'backstage.io/template-version': version,
              'paved.dev/dora-id': name,
            }
          : { 'paved.dev/dora-id': name },
      ),
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-a',
        ...(version ? { scaffoldedFrom: 'template:default/node-service' } : {}),
      },
    });
    const api = await startBackend({
      catalog: [
        scaffolded('svc-a', '1.0.0'),
        scaffolded('svc-b', '2.0.0'),
        scaffolded('svc-c', '2.0.0'),
        scaffolded('legacy'),
      ],
    });
    const deploy = (
      service: string,
      id: string,
      at: string,
      extra: object = {},
    ) => ({
      service,
      id,
      type: 'deployment',
      environment: 'production',
      finishedAt: at,
      succeeded: true,
      ...extra,
    });
    const change = (service: string, id: string, mergedAt: string) => ({
      service,
      id,
      type: 'change',
      mergedAt,
    });
    const res = await api.post([
      // svc-a on 1.0.0: ca1 (first commit 31 Oct 12:00) ships with a1 after
      // 48 h; ia1 links to a2 (latest before it), resolved 22 h after a2.
      {
        ...change('svc-a', 'ca1', '2026-11-01T12:00:00Z'),
        firstCommitAt: '2026-10-31T12:00:00Z',
      },
      deploy('svc-a', 'a1', '2026-11-02T12:00:00Z'),
      deploy('svc-a', 'a2', '2026-11-10T12:00:00Z'),
      {
        service: 'svc-a',
        id: 'ia1',
        type: 'incident',
        startedAt: '2026-11-10T14:00:00Z',
        resolvedAt: '2026-11-11T10:00:00Z',
      },
      // svc-b on 2.0.0: cb1 listed by b1 (6 h), cb2 shipped by b2 (12 h),
      // then a rollback.
      change('svc-b', 'cb1', '2026-11-02T18:00:00Z'),
      deploy('svc-b', 'b1', '2026-11-03T00:00:00Z', { changeIds: ['cb1'] }),
      change('svc-b', 'cb2', '2026-11-03T12:00:00Z'),
      deploy('svc-b', 'b2', '2026-11-04T00:00:00Z', { changeIds: ['cb2'] }),
      deploy('svc-b', 'b3', '2026-11-04T06:00:00Z', { kind: 'rollback' }),
      // svc-c on 2.0.0: cc1 ships with c1 (2 h); ic1 names c1 explicitly
      // and is resolved 8 h after it.
      change('svc-c', 'cc1', '2026-11-04T22:00:00Z'),
      deploy('svc-c', 'c1', '2026-11-05T00:00:00Z'),
      {
        service: 'svc-c',
        id: 'ic1',
        type: 'incident',
        startedAt: '2026-11-05T04:00:00Z',
        resolvedAt: '2026-11-05T08:00:00Z',
        deploymentId: 'c1',
      },
      // Not scaffolded: in no group.
      deploy('legacy', 'l1', '2026-11-05T00:00:00Z'),
    ]);
    expect(res.body).toEqual({ stored: 13, duplicates: 0, unmatched: 0 });
    // The sweep records each service's template version.
    expect((await api.sweep()).status).toBe(200);

    const byVersion = await api.get('/dora?groupBy=templateVersion');
    expect(byVersion.status).toBe(200);
    expect(
      byVersion.body.groups.map((g: any) => [g.templateRef, g.templateVersion]),
    ).toEqual([
      ['template:default/node-service', '1.0.0'],
      ['template:default/node-service', '2.0.0'],
    ]);
    const [v1, v2] = byVersion.body.groups.map((g: any) => g.metrics);
    expect(v1).toMatchObject({
      deploymentFrequency: { sample: 2, band: 'medium' },
      changeLeadTime: { medianHours: 48, sample: 1, band: 'unknown' },
      changeFailRate: { failedDeployments: 1, rate: 0.5, sample: 2 },
      failedDeploymentRecoveryTime: {
        medianHours: 22,
        sample: 1,
        band: 'high',
      },
      deploymentReworkRate: { reworkDeployments: 0, rate: 0, sample: 2 },
    });
    expect(v1.deploymentFrequency.perDay).toBeCloseTo(2 / 30);
    expect(v2).toMatchObject({
      deploymentFrequency: { sample: 4, band: 'medium' },
      // 6, 12 and 2 hours: the median of an odd count.
      changeLeadTime: { medianHours: 6, sample: 3, band: 'elite' },
      changeFailRate: { failedDeployments: 1, rate: 0.25, sample: 4 },
      failedDeploymentRecoveryTime: { medianHours: 8, sample: 1, band: 'high' },
      deploymentReworkRate: { reworkDeployments: 1, rate: 0.25, sample: 4 },
    });
    expect(v2.deploymentFrequency.perDay).toBeCloseTo(4 / 30);

    const v2only = await api.get(
      '/dora?groupBy=templateVersion&templateRef=node-service&owner=team-a',
    );
    expect(v2only.body.groups).toHaveLength(2);
    const otherTemplate = await api.get(
      '/dora?groupBy=templateVersion&templateRef=python-service',
    );
    expect(otherTemplate.body.groups).toEqual([]);
  });
});
