import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { clockServiceRef } from './clock';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';

jest.setTimeout(60_000);

const NOW = new Date('2026-12-01T00:00:00.000Z');

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'paved.dev/dora-id': name },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
});

const deployment = (
  id: string,
  environment: string,
  finishedAt: string,
  version?: string,
  extra: object = {},
) => ({
  id,
  type: 'deployment',
  service: 'payments',
  environment,
  finishedAt,
  succeeded: true,
  ...(version ? { version } : {}),
  ...extra,
});

const deployed = (
  id: string,
  environment: string,
  at: string,
  artifactId: string,
) => ({
  specversion: '1.0',
  id,
  source: 'argocd',
  type: 'dev.cdevents.service.deployed.0.2.0',
  data: {
    context: {
      id,
      source: 'argocd',
      type: 'dev.cdevents.service.deployed.0.2.0',
      timestamp: at,
    },
    subject: {
      id: 'payments',
      content: { environment: { id: environment }, artifactId },
    },
  },
});

describe('GET /environments and GET /dora/trend', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        goldenPathsPlugin,
        createServiceFactory({
          service: clockServiceRef,
          deps: {},
          factory: () => ({ now: () => NOW }),
        }),
        catalogServiceMock.factory({
          entities: [component('payments'), component('search')],
        }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: { schedule: NEVER_DURING_TEST },
              sweep: { schedule: NEVER_DURING_TEST },
              dora: {
                rematchSchedule: NEVER_DURING_TEST,
                factsSchedule: NEVER_DURING_TEST,
              },
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
      get: (path: string) =>
        request(server)
          .get(`/api/golden-paths${path}`)
          .set('Authorization', auth),
    };
  }

  it('shows the version in each environment and how versions were promoted', async () => {
    const api = await startBackend();
    // 1.4.1 goes staging → production in June (outside any DORA window:
    // still what counts for "what runs where"); 1.4.2 follows in November,
    // sent as CDEvents with package URLs; 1.5.0 fails in production.
    const res = await api.post([
      deployment('p1', 'staging', '2026-06-01T09:00:00Z', '1.4.1'),
      deployment('p2', 'production', '2026-06-01T15:00:00Z', '1.4.1'),
      deployed(
        'p3',
        'staging',
        '2026-11-20T09:00:00Z',
        'pkg:oci/payments@1.4.2',
      ),
      deployed(
        'p4',
        'production',
        '2026-11-21T10:00:00Z',
        'pkg:oci/payments@1.4.2?repository_url=ghcr.io/acme',
      ),
      deployment('p5', 'staging', '2026-11-25T09:00:00Z', '1.5.0'),
      deployment('p6', 'production', '2026-11-25T12:00:00Z', '1.5.0', {
        succeeded: false,
      }),
    ]);
    expect(res.status).toBe(200);

    const environments = await api.get(
      '/environments?entityRef=component:default/payments',
    );
    expect(environments.status).toBe(200);
    expect(environments.body).toEqual({
      entityRef: 'component:default/payments',
      environments: [
        {
          name: 'staging',
          version: '1.5.0',
          deployedAt: '2026-11-25T09:00:00.000Z',
          production: false,
        },
        {
          name: 'production',
          version: '1.4.2',
          deployedAt: '2026-11-21T10:00:00.000Z',
          production: true,
        },
      ],
      promotions: [
        {
          version: '1.5.0',
          steps: [{ environment: 'staging', at: '2026-11-25T09:00:00.000Z' }],
        },
        {
          version: '1.4.2',
          steps: [
            { environment: 'staging', at: '2026-11-20T09:00:00.000Z' },
            { environment: 'production', at: '2026-11-21T10:00:00.000Z' },
          ],
        },
        {
          version: '1.4.1',
          steps: [
            { environment: 'staging', at: '2026-06-01T09:00:00.000Z' },
            { environment: 'production', at: '2026-06-01T15:00:00.000Z' },
          ],
        },
      ],
    });

    const limited = await api.get('/environments?entityRef=payments&limit=1');
    expect(limited.body.promotions.map((p: any) => p.version)).toEqual([
      '1.5.0',
    ]);
    // A service without deployments has nothing to show, which is no error.
    expect((await api.get('/environments?entityRef=search')).body).toEqual({
      entityRef: 'component:default/search',
      environments: [],
      promotions: [],
    });
  });

  it('names the bad parameter of GET /environments', async () => {
    const api = await startBackend();
    const cases: Array<[string, number, string]> = [
      ['/environments', 400, 'entityRef is required'],
      [
        '/environments?entityRef=payments&limit=0',
        400,
        'limit must be an integer from 1 to 100',
      ],
      [
        '/environments?entityRef=payments&limit=101',
        400,
        'limit must be an integer from 1 to 100',
      ],
      ['/environments?entityRef=nope', 404, 'No entity component:default/nope'],
    ];
    for (const [path, status, message] of cases) {
      const res = await api.get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.body.error.message).toContain(message);
    }
  });

  it('gives the metrics per bucket from one window', async () => {
    const api = await startBackend();
    await api.post([
      deployment('t1', 'production', '2026-11-02T12:00:00Z'),
      deployment('t2', 'production', '2026-11-03T12:00:00Z'),
      deployment('t3', 'production', '2026-11-10T12:00:00Z'),
      {
        id: 'i1',
        type: 'incident',
        service: 'payments',
        startedAt: '2026-11-09T00:00:00Z',
        resolvedAt: '2026-11-09T06:00:00Z',
      },
    ]);
    const res = await api.get(
      '/dora/trend?entityRef=payments&from=2026-11-01&to=2026-11-17',
    );
    expect(res.status).toBe(200);
    expect(res.body.window).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-17T00:00:00.000Z',
    });
    expect(res.body.bucketDays).toBe(7);
    expect(res.body.buckets.map((b: any) => b.window)).toEqual([
      { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' },
      { from: '2026-11-08T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z' },
      { from: '2026-11-15T00:00:00.000Z', to: '2026-11-17T00:00:00.000Z' },
    ]);
    const [week1, week2, rest] = res.body.buckets.map((b: any) => b.metrics);
    // i1 (9 Nov) links to t2 (3 Nov), in the first week.
    expect(week1).toMatchObject({
      deploymentFrequency: { sample: 2, perDay: 2 / 7 },
      changeFailRate: { failedDeployments: 1, rate: 0.5 },
    });
    expect(week2).toMatchObject({
      deploymentFrequency: { sample: 1 },
      changeFailRate: { failedDeployments: 0 },
      // Counted where the incident started: 9 Nov 06:00 − 3 Nov 12:00.
      failedDeploymentRecoveryTime: { medianHours: 138, sample: 1 },
    });
    expect(rest.deploymentFrequency).toMatchObject({
      sample: 0,
      perDay: 0,
      band: 'unknown',
    });

    // Each bucket is what GET /dora says for its window.
    const single = await api.get(
      '/dora?entityRef=payments&from=2026-11-08&to=2026-11-15',
    );
    expect(single.body.metrics).toEqual(week2);

    // An owner's trend, with the default window (30 days to now) in days.
    const owner = await api.get('/dora/trend?owner=team-a&bucketDays=30');
    expect(owner.body.buckets).toHaveLength(1);
    expect(owner.body.buckets[0].metrics.deploymentFrequency.sample).toBe(3);
  });

  it('names the bad parameter of GET /dora/trend', async () => {
    const api = await startBackend();
    const cases: Array<[string, string]> = [
      ['/dora/trend', 'one of entityRef or owner is required'],
      [
        '/dora/trend?entityRef=payments&owner=team-a',
        'give either entityRef or owner',
      ],
      [
        '/dora/trend?owner=team-a&bucketDays=0',
        'bucketDays must be an integer from 1 to 92',
      ],
      [
        '/dora/trend?owner=team-a&bucketDays=93',
        'bucketDays must be an integer from 1 to 92',
      ],
      [
        '/dora/trend?owner=team-a&bucketDays=1.5',
        'bucketDays must be an integer',
      ],
      [
        '/dora/trend?owner=team-a&from=2026-01-01&to=2026-12-01&bucketDays=2',
        'bucketDays 2 makes 167 buckets over the window; at most 120',
      ],
      [
        '/dora/trend?owner=team-a&from=2025-01-01&to=2026-12-01',
        'from must be at most 366 days before to',
      ],
    ];
    for (const [path, message] of cases) {
      const res = await api.get(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.error.message).toContain(message);
    }
    expect((await api.get('/dora/trend?entityRef=nope')).status).toBe(404);
  });
});
