import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { clockServiceRef } from './clock';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';
import {
  deploymentStatus,
  issue,
  pullRequestClosed,
} from './services/GithubWebhook/__fixtures__/payloads';

jest.setTimeout(60_000);

const SECRET = 'It’s a Secret to Everybody';
const TABLE = 'golden_paths_dora_all_events';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'github.com/project-slug': 'acme/payments' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  },
];

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

// payments on GitHub: PR 42 merged at 09:00; v1.4.2 reaches staging at 10:00;
// a production attempt fails at 11:00 and succeeds at 12:00; an incident
// issue is opened at 13:00 (labelled again at 13:05) and closed at 15:00.
const deliveries = [
  {
    event: 'pull_request',
    payload: pullRequestClosed({
      id: 1834567890,
      number: 42,
      merged: true,
      createdAt: '2026-11-19T16:00:00Z',
      closedAt: '2026-11-20T09:00:00Z',
    }),
  },
  {
    event: 'deployment_status',
    payload: deploymentStatus({
      statusId: 9001,
      deploymentId: 801,
      state: 'success',
      environment: 'staging',
      ref: 'v1.4.2',
      sha: SHA,
      at: '2026-11-20T10:00:00Z',
    }),
  },
  {
    event: 'deployment_status',
    payload: deploymentStatus({
      statusId: 9002,
      deploymentId: 802,
      state: 'failure',
      environment: 'production',
      ref: 'v1.4.2',
      sha: SHA,
      at: '2026-11-20T11:00:00Z',
    }),
  },
  {
    event: 'deployment_status',
    payload: deploymentStatus({
      statusId: 9003,
      deploymentId: 803,
      state: 'success',
      environment: 'production',
      ref: 'v1.4.2',
      sha: SHA,
      at: '2026-11-20T12:00:00Z',
    }),
  },
  {
    event: 'issues',
    payload: issue({
      action: 'opened',
      id: 2001,
      number: 7,
      labels: ['incident', 'sev2'],
      createdAt: '2026-11-20T13:00:00Z',
      updatedAt: '2026-11-20T13:00:00Z',
    }),
  },
  {
    event: 'issues',
    payload: issue({
      action: 'labeled',
      id: 2001,
      number: 7,
      labels: ['sev2', 'Incident'],
      createdAt: '2026-11-20T13:00:00Z',
      updatedAt: '2026-11-20T13:05:00Z',
    }),
  },
  {
    event: 'issues',
    payload: issue({
      action: 'closed',
      id: 2001,
      number: 7,
      labels: ['incident', 'sev2'],
      createdAt: '2026-11-20T13:00:00Z',
      updatedAt: '2026-11-20T15:00:00Z',
      closedAt: '2026-11-20T15:00:00Z',
    }),
  },
];

/** When each delivery's payload says it happened. */
const timestampOf = (payload: any): string =>
  payload.deployment_status?.updated_at ??
  payload.pull_request?.updated_at ??
  payload.issue?.updated_at;

describe('POST /webhooks/github', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  async function startBackend(knex: Knex, github?: object) {
    let now = new Date('2026-11-20T09:00:30Z');
    const { server } = await startTestBackend({
      features: [
        goldenPathsPlugin,
        mockServices.database.factory({ knex }),
        createServiceFactory({
          service: clockServiceRef,
          deps: {},
          factory: () => ({ now: () => now }),
        }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: { schedule: NEVER_DURING_TEST },
              sweep: { schedule: NEVER_DURING_TEST },
              dora: {
                rematchSchedule: NEVER_DURING_TEST,
                factsSchedule: NEVER_DURING_TEST,
              },
              ...(github ? { github } : {}),
            },
          },
        }),
      ],
    });
    let delivery = 0;
    return {
      server,
      setNow: (at: string) => {
        now = new Date(at);
      },
      /** A delivery as GitHub sends it: no Backstage token, signed. */
      deliver: (
        event: string,
        payload: unknown,
        options: {
          signature?: string | null;
          deliveryId?: string;
          contentType?: string;
          body?: string;
        } = {},
      ) => {
        const body = options.body ?? JSON.stringify(payload);
        const req = request(server)
          .post('/api/golden-paths/webhooks/github')
          .set('Content-Type', options.contentType ?? 'application/json')
          // No Backstage credentials (the test backend would otherwise act
          // as a default user when the header is missing).
          .set('Authorization', mockCredentials.none.header())
          .set('User-Agent', 'GitHub-Hookshot/a1b2c3d')
          .set('X-GitHub-Event', event)
          .set(
            'X-GitHub-Delivery',
            options.deliveryId ?? `72d3162e-cc78-11e3-81ab-${delivery++}`,
          );
        if (options.signature !== null) {
          req.set('X-Hub-Signature-256', options.signature ?? sign(body));
        }
        return req.send(body);
      },
      get: (path: string) =>
        request(server)
          .get(`/api/golden-paths${path}`)
          .set('Authorization', mockCredentials.service.header()),
    };
  }

  const rows = async (knex: Knex) =>
    Number((await knex(TABLE).count({ n: '*' }))[0].n);

  it.each(databases.eachSupportedId())(
    'stores signed deployment, pull request and incident events, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex, {
        webhookSecret: SECRET,
        webhookTolerance: { minutes: 10 },
      });
      for (const { event, payload } of deliveries) {
        // Delivered a few seconds after it happened, as GitHub does.
        api.setNow(
          new Date(Date.parse(timestampOf(payload)) + 5_000).toISOString(),
        );
        const res = await api.deliver(event, payload);
        expect([event, res.status]).toEqual([event, 200]);
      }
      // The second start of issue 7 (labelled again) is the same event.
      expect(await rows(knex)).toBe(6);

      const window = 'from=2026-11-01&to=2026-12-01';
      const dora = await api.get(`/dora?entityRef=payments&${window}`);
      expect(dora.status).toBe(200);
      expect(dora.body.metrics).toMatchObject({
        // The failed attempt at 11:00 does not count.
        deploymentFrequency: { sample: 1 },
        // PR 42: merged 09:00 → production 12:00.
        changeLeadTime: { medianHours: 3, sample: 1 },
        // The incident (13:00) links to the 12:00 deployment.
        changeFailRate: { failedDeployments: 1, rate: 1, sample: 1 },
        // Resolved 15:00 − deployment finished 12:00.
        failedDeploymentRecoveryTime: { medianHours: 3, sample: 1 },
      });

      const environments = await api.get('/environments?entityRef=payments');
      expect(environments.status).toBe(200);
      expect(environments.body).toEqual({
        entityRef: 'component:default/payments',
        environments: [
          {
            name: 'staging',
            version: 'v1.4.2',
            deployedAt: '2026-11-20T10:00:00.000Z',
            production: false,
          },
          {
            name: 'production',
            version: 'v1.4.2',
            deployedAt: '2026-11-20T12:00:00.000Z',
            production: true,
          },
        ],
        promotions: [
          {
            version: 'v1.4.2',
            steps: [
              { environment: 'staging', at: '2026-11-20T10:00:00.000Z' },
              { environment: 'production', at: '2026-11-20T12:00:00.000Z' },
            ],
          },
        ],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'ignores what is not a DORA event, storing nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex, { webhookSecret: SECRET });
      api.setNow('2026-11-20T12:00:00Z');
      const ignored: Array<[string, unknown, string]> = [
        ['ping', { zen: 'Design for failure.', hook_id: 1 }, 'ping'],
        [
          'pull_request',
          pullRequestClosed({
            id: 1,
            number: 1,
            merged: false,
            createdAt: '2026-11-20T10:00:00Z',
            closedAt: '2026-11-20T11:59:00Z',
          }),
          'not a merge',
        ],
        [
          'deployment_status',
          deploymentStatus({
            statusId: 1,
            deploymentId: 1,
            state: 'in_progress',
            environment: 'production',
            ref: 'main',
            sha: SHA,
            at: '2026-11-20T11:59:00Z',
          }),
          'in_progress is not a finished deployment',
        ],
        [
          'issues',
          issue({
            action: 'opened',
            id: 5,
            number: 5,
            labels: ['bug'],
            createdAt: '2026-11-20T11:59:00Z',
            updatedAt: '2026-11-20T11:59:00Z',
          }),
          'not labelled incident',
        ],
        [
          'issues',
          issue({
            action: 'edited',
            id: 5,
            number: 5,
            labels: ['incident'],
            createdAt: '2026-11-20T11:59:00Z',
            updatedAt: '2026-11-20T11:59:00Z',
          }),
          'edited does not start or end an incident',
        ],
      ];
      for (const [event, payload, reason] of ignored) {
        const res = await api.deliver(event, payload);
        expect([event, res.status]).toEqual([event, 202]);
        expect(res.body.ignored).toBe(true);
        expect(res.body.reason).toContain(reason);
      }
      expect(await rows(knex)).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses bad signatures and replays, storing nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex, {
        webhookSecret: SECRET,
        webhookTolerance: '10 minutes',
      });
      const { event, payload } = deliveries[3]; // production at 12:00
      const body = JSON.stringify(payload);
      api.setNow('2026-11-20T12:00:05Z');

      const refused: Array<[string, Parameters<typeof api.deliver>[2]]> = [
        ['unsigned', { signature: null }],
        ['wrong secret', { signature: sign(body, 'guess') }],
        ['not hex', { signature: 'sha256=not-a-signature' }],
        ['sha1', { signature: sign(body).replace('sha256=', 'sha1=') }],
        // Signed, but not this body: one byte differs.
        ['tampered', { body: body.replace('"production"', '"Production"') }],
      ];
      for (const [name, options] of refused) {
        const res = await api.deliver(event, payload, {
          ...options,
          ...(name === 'tampered' ? { signature: sign(body) } : {}),
        });
        expect([name, res.status]).toEqual([name, 401]);
        expect(res.body.error.message).toMatch(/X-Hub-Signature-256/);
      }
      expect(await rows(knex)).toBe(0);

      // The real delivery is stored; GitHub redelivering it is a duplicate.
      const first = await api.deliver(event, payload, { deliveryId: 'd-1' });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ stored: 1, duplicates: 0, unmatched: 0 });
      const again = await api.deliver(event, payload, { deliveryId: 'd-1' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ duplicate: true });
      // The same event under a new delivery id still counts once.
      const copy = await api.deliver(event, payload, { deliveryId: 'd-2' });
      expect(copy.body).toEqual({ stored: 0, duplicates: 1, unmatched: 0 });
      expect(await rows(knex)).toBe(1);

      // Eleven minutes later the same signed delivery is a replay.
      api.setNow('2026-11-20T12:11:00Z');
      const replay = await api.deliver(event, payload, { deliveryId: 'd-1' });
      expect(replay.status).toBe(401);
      expect(replay.body.error.message).toContain(
        'Refused as a replay: deployment_status.updated_at',
      );
      const later = deliveries[4].payload; // the incident at 13:00
      const stale = await api.deliver('issues', later, { deliveryId: 'd-3' });
      expect(stale.status).toBe(400);
      expect(stale.body.error.message).toContain(
        'issue.updated_at 2026-11-20T13:00:00.000Z is more than 10 minutes in the future',
      );
      expect(await rows(knex)).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'names bad input and reads form-encoded deliveries, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const api = await startBackend(knex, { webhookSecret: SECRET });
      api.setNow('2026-11-20T10:00:05Z');
      const notJson = await api.deliver('deployment_status', undefined, {
        body: '{"action": "created",',
      });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toBe('the payload must be JSON');

      const payload = deliveries[1].payload as ReturnType<
        typeof deploymentStatus
      >;
      const { environment: _, ...noEnvironment } = payload.deployment;
      const missing = await api.deliver('deployment_status', {
        ...payload,
        deployment: noEnvironment,
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toBe(
        'deployment.environment is required',
      );

      const huge = await api.deliver('deployment_status', {
        ...payload,
        padding: 'x'.repeat(1_100_000),
      });
      expect(huge.status).toBe(413);
      expect(huge.body.error.message).toContain('larger than 1 MiB');
      expect(await rows(knex)).toBe(0);

      const form = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const res = await api.deliver('deployment_status', undefined, {
        body: form,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(200);
      expect(res.body.stored).toBe(1);
      expect(await rows(knex)).toBe(1);
    },
  );

  it('answers 503 until a secret is configured, and never stores unsigned events', async () => {
    const knex = await databases.init('SQLITE_3');
    const api = await startBackend(knex);
    const { event, payload } = deliveries[1];
    for (const signature of [null, sign(JSON.stringify(payload))]) {
      const res = await api.deliver(event, payload, { signature });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain(
        'set goldenPaths.github.webhookSecret',
      );
    }
    expect(await rows(knex)).toBe(0);
    // Every other route still wants Backstage credentials.
    const events = await request(api.server)
      .post('/api/golden-paths/events')
      .set('Authorization', mockCredentials.none.header())
      .send({});
    expect(events.status).toBe(401);
  });
});
