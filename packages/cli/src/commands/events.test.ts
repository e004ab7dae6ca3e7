import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import goldenPathsPlugin from '@paved/backstage-plugin-golden-paths-backend';
import fs from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../index';
import { derivedEventId, eventFromFlags } from './events';

jest.setTimeout(60_000);

const component = (name: string, annotations = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
});

describe('paved events send', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;
  let dir: string;
  const token = mockCredentials.service.token();

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        goldenPathsPlugin,
        catalogServiceMock.factory({
          entities: [
            component('payments-api'),
            component('search', { 'paved.dev/dora-id': 'search-id' }),
          ],
        }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }`;
    stop = () => backend.stop();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-cli-events-'));
  });

  afterAll(async () => {
    await stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  async function paved(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [...args, '--url', baseUrl],
      { out: l => out.push(l), err: l => err.push(l) },
      { PAVED_TOKEN: token },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  async function get(route: string) {
    const res = await fetch(`${baseUrl}/api/golden-paths${route}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  const window = 'from=2026-11-01&to=2026-12-01';

  it('stores a deployment sent twice once, with a derived id', async () => {
    const deploy = [
      'events',
      'send',
      'deployment',
      '--entity',
      'component:default/payments-api',
      '--environment',
      'production',
      '--version',
      '1.4.2',
      '--at',
      '2026-11-20T10:00:00Z',
    ];
    const first = await paved(...deploy);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(
      /^stored: deployment deployment-[0-9a-f]{24} of component:default\/payments-api$/,
    );

    // A retried pipeline step: same flags, the timestamp written differently.
    deploy[deploy.length - 1] = '2026-11-20T11:00:00.000+01:00';
    const retry = await paved(...deploy);
    expect(retry.code).toBe(0);
    expect(retry.out).toMatch(/^duplicate: deployment deployment-/);
    expect(retry.out.split(' ')[2]).toBe(first.out.split(' ')[2]);

    const dora = await get(
      `/dora?entityRef=component:default/payments-api&${window}`,
    );
    expect(dora.metrics.deploymentFrequency.sample).toBe(1);
  });

  it('sends a file of events as one batch and reports what was new', async () => {
    const file = path.join(dir, 'events.json');
    const events = [
      {
        id: 'search-c1',
        type: 'change',
        service: 'search-id',
        mergedAt: '2026-11-10T00:00:00Z',
      },
      ...['search-d1', 'search-d2'].map((id, i) => ({
        id,
        type: 'deployment',
        service: 'search-id',
        environment: 'production',
        finishedAt: `2026-11-1${i + 1}T00:00:00Z`,
        succeeded: true,
        changeIds: i === 0 ? ['search-c1'] : [],
      })),
      {
        id: 'elsewhere-d1',
        type: 'deployment',
        service: 'not-in-catalog',
        environment: 'production',
        finishedAt: '2026-11-11T00:00:00Z',
        succeeded: true,
      },
    ];
    await fs.writeFile(file, JSON.stringify(events));

    const first = await paved('events', 'send', '--file', file);
    expect(first.code).toBe(0);
    expect(first.out).toBe(`stored 4, duplicate 0 (4 events from ${file})`);
    expect(first.err).toMatch(/1 of the stored events name a service not in/);

    const again = await paved('events', 'send', '--file', file);
    expect(again.out).toBe(`stored 0, duplicate 4 (4 events from ${file})`);

    const dora = await get(
      `/dora?entityRef=component:default/search&${window}`,
    );
    expect(dora.metrics.deploymentFrequency.sample).toBe(2);
    expect(dora.metrics.changeLeadTime.sample).toBe(1);
  });

  it('reports an incident opened then resolved as one incident', async () => {
    const incident = [
      'events',
      'send',
      'incident',
      '--entity',
      'search-id',
      '--id',
      'inc-7',
      '--started-at',
      '2026-11-11T02:00:00Z',
      '--deployment',
      'search-d1',
    ];
    expect((await paved(...incident)).out).toBe(
      'stored: incident inc-7 of search-id',
    );
    const resolved = await paved(
      ...incident,
      '--resolved-at',
      '2026-11-11T05:00:00Z',
    );
    expect(resolved.out).toBe('stored: incident inc-7 of search-id');

    const dora = await get(
      `/dora?entityRef=component:default/search&${window}`,
    );
    expect(dora.metrics.changeFailRate.sample).toBe(2);
    expect(dora.metrics.changeFailRate.failedDeployments).toBe(1);
    // One incident: from search-d1's finish (00:00) to its resolution (05:00).
    expect(dora.metrics.failedDeploymentRecoveryTime).toMatchObject({
      sample: 1,
      medianHours: 5,
    });
  });

  it('sends nothing when a flag is missing or wrong, and names it (exit 2)', async () => {
    const fetchSpy = jest.spyOn(global, 'fetch');
    const base = [
      'events',
      'send',
      'deployment',
      '--entity',
      'component:default/lost',
    ];
    const cases: [string[], RegExp][] = [
      [base, /--environment is required/],
      [
        [...base, '--environment', 'production', '--at', '2026-11-20 10:00'],
        /--at must be an ISO 8601 timestamp/,
      ],
      [
        [...base, '--environment', 'production', '--merged-at', 'x'],
        /--merged-at does not apply to a deployment event/,
      ],
      [
        [...base, '--environment', 'production', '--enviroment', 'prod'],
        /--enviroment/,
      ],
      [
        ['events', 'send', 'change', '--entity', 'x', '--merged-at', 'y'],
        /--id is required/,
      ],
      [['events', 'send', 'release', '--entity', 'x'], /unknown event kind/],
      [
        ['events', 'send', '--file', path.join(dir, 'missing.json')],
        /--file: cannot read/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await paved(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.err).toMatch(message);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();

    const unmatched = await get('/events/unmatched');
    expect(JSON.stringify(unmatched)).not.toMatch(/lost/);
  });

  it("prints the backend's message and exits 1 when it rejects the events", async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(
      file,
      JSON.stringify([
        {
          id: 'fine',
          type: 'change',
          service: 'search-id',
          mergedAt: '2026-11-10T00:00:00Z',
        },
        {
          id: 'not-a-boolean',
          type: 'deployment',
          service: 'search-id',
          environment: 'production',
          finishedAt: '2026-11-12T00:00:00Z',
          succeeded: 'yes',
        },
      ]),
    );
    const result = await paved('events', 'send', '--file', file);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^paved events send: 400 from .*\/events: /);
    expect(result.err).toMatch(/\[1\]\.succeeded/);

    // All or nothing: the valid change of the batch was not stored either.
    const good = path.join(dir, 'good.json');
    await fs.writeFile(
      good,
      JSON.stringify({
        id: 'fine',
        type: 'change',
        service: 'search-id',
        mergedAt: '2026-11-10T00:00:00Z',
      }),
    );
    expect((await paved('events', 'send', '--file', good)).out).toBe(
      `stored 1, duplicate 0 (1 event from ${good})`,
    );
  });

  it('exits 1 when the token is refused, 2 when the backend is unreachable', async () => {
    const args = [
      'events',
      'send',
      'change',
      '--entity',
      'search-id',
      '--id',
      'c9',
      '--merged-at',
      '2026-11-10T00:00:00Z',
    ];
    const lines: string[] = [];
    const output = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
    };
    expect(
      await main([...args, '--url', baseUrl, '--token', 'nope'], output, {}),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/401/);
    expect(
      await main([...args, '--url', 'http://127.0.0.1:9'], output, {}),
    ).toBe(2);
    expect(lines.join('\n')).toMatch(/cannot reach/);
  });
});

describe('eventFromFlags', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('builds the plain JSON form of a deployment', () => {
    expect(
      eventFromFlags(
        'deployment',
        {
          entity: 'component:default/payments-api',
          environment: 'production',
          version: '1.4.2',
          id: 'run-881',
          failed: true,
          rollback: true,
          changes: 'pr-1, pr-2',
          resolves: 'inc-1',
        },
        now,
      ),
    ).toEqual({
      id: 'run-881',
      type: 'deployment',
      service: 'component:default/payments-api',
      environment: 'production',
      finishedAt: '2026-11-21T12:00:00.000Z',
      succeeded: false,
      kind: 'rollback',
      version: '1.4.2',
      changeIds: ['pr-1', 'pr-2'],
      resolvesIncidentIds: ['inc-1'],
    });
  });

  it('derives different ids for different services, environments and times', () => {
    const id = (entity: string, environment: string, at: string) =>
      eventFromFlags('deployment', { entity, environment, at }, now).id;
    const a = id('a', 'production', '2026-11-20T10:00:00Z');
    expect(a).toBe(
      derivedEventId('deployment', [
        'a',
        'production',
        '2026-11-20T10:00:00.000Z',
      ]),
    );
    expect(
      new Set([
        a,
        id('b', 'production', '2026-11-20T10:00:00Z'),
        id('a', 'staging', '2026-11-20T10:00:00Z'),
        id('a', 'production', '2026-11-20T10:00:01Z'),
      ]).size,
    ).toBe(4);
  });

  it('rejects a resolution before the start', () => {
    expect(() =>
      eventFromFlags(
        'incident',
        {
          entity: 'x',
          id: 'i',
          'started-at': '2026-11-20T10:00:00Z',
          'resolved-at': '2026-11-20T09:00:00Z',
        },
        now,
      ),
    ).toThrow('--resolved-at must not be before --started-at');
  });
});
