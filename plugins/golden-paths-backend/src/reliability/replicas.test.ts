import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import {
  apiClient,
  printSummary,
  startReliabilityBackend,
} from './__testUtils__/backend';
import {
  batches,
  doraHistory,
  observedMetrics,
  shuffled,
} from './__testUtils__/doraHistory';

jest.setTimeout(120_000);

const EVENTS = doraHistory();
const CLIENTS_PER_REPLICA = 5;

type Server = Parameters<typeof request>[0];

/** Several clients posting their share of batches to one replica at once. */
async function deliverConcurrently(
  server: Server,
  events: object[],
  seed: number,
) {
  const { postEvents } = apiClient(server);
  const groups = batches(shuffled(events, seed), seed, 5);
  const clients = Array.from({ length: CLIENTS_PER_REPLICA }, (_, c) =>
    groups.filter((_g, i) => i % CLIENTS_PER_REPLICA === c),
  );
  const totals = await Promise.all(
    clients.map(async mine => {
      let stored = 0;
      for (const group of mine) {
        const res = await postEvents(group);
        expect(res.status).toBe(200);
        stored += res.body.stored;
      }
      return stored;
    }),
  );
  return totals.reduce((a, b) => a + b, 0);
}

describe('two replicas on one PostgreSQL database', () => {
  // PostgreSQL only: SQLite databases are per process, so replicas cannot
  // share one. Without a PostgreSQL server this test fails rather than skips.
  const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });
  const summary: string[] = [];
  afterAll(() => printSummary(summary));

  it('stores every event exactly once and loses none', async () => {
    // The reference: one replica, one ordered delivery.
    const single = await startReliabilityBackend({
      knex: await databases.init('POSTGRES_16'),
    });
    for (const event of EVENTS) {
      expect((await single.api.postEvents(event)).status).toBe(200);
    }
    const expected = await observedMetrics(single.server, single.api.user);
    await single.stop();

    const knex = await databases.init('POSTGRES_16');
    // One after the other, so their migrations do not race for the lock.
    const first = await startReliabilityBackend({ knex });
    const second = await startReliabilityBackend({ knex });

    // Disjoint and overlapping: the first 60% through one replica, the last
    // 60% through the other, the middle 20% through both, all at once.
    const cut = Math.round(EVENTS.length * 0.4);
    const upTo = Math.round(EVENTS.length * 0.6);
    const [storedByFirst, storedBySecond] = await Promise.all([
      deliverConcurrently(first.server, EVENTS.slice(0, upTo), 1),
      deliverConcurrently(second.server, EVENTS.slice(cut), 2),
    ]);
    const overlap = upTo - cut;

    const rows = await knex('golden_paths_dora_all_events')
      .select('id')
      .orderBy('id');
    const ids = rows.map(r => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(EVENTS.length);
    // Each event stored by one replica only.
    expect(storedByFirst + storedBySecond).toBe(EVENTS.length);

    // Both replicas answer with the metrics of the single delivery.
    expect(await observedMetrics(first.server, first.api.user)).toEqual(
      expected,
    );
    expect(await observedMetrics(second.server, second.api.user)).toEqual(
      expected,
    );
    await first.stop();
    await second.stop();

    summary.push(
      `replicas on POSTGRES_16: ${
        upTo + EVENTS.length - cut
      } events delivered through 2 replicas x ${CLIENTS_PER_REPLICA} clients (${overlap} through both), ${
        ids.length
      } stored, rows lost ${EVENTS.length - ids.length}, duplicates stored 0`,
    );
  });

  it('sends one notification per service when both replicas sync at once', async () => {
    const NODE = 'template:default/node-service';
    const changelog = (latest: string) => `
- version: ${latest}
  changes:
    - Structured logging
- version: 1.0.0
  changes:
    - First release
`;
    const template: Entity = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: {
        name: 'node-service',
        annotations: {
          'backstage.io/template-version': '2.0.0',
          'paved.dev/changelog': changelog('2.0.0'),
        },
      },
      spec: { type: 'service', steps: [] },
    };
    const service = (name: string, owner: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: {
          'backstage.io/template-version': '1.0.0',
          'backstage.io/source-template': NODE,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner,
        scaffoldedFrom: NODE,
      },
    });
    const entities = [template, service('a', 'team-a'), service('b', 'team-b')];
    const send = jest.fn(async (_options: NotificationSendOptions) => {});
    const knex = await databases.init('POSTGRES_16');
    // Each replica's sync runs when the test triggers it: both at once.
    const replica = async () => {
      const scheduler = mockServices.scheduler();
      const backend = await startReliabilityBackend({
        knex,
        catalog: catalogServiceMock({ entities }),
        features: [
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send }),
          }),
        ],
      });
      return {
        ...backend,
        sync: () => scheduler.triggerTask('golden-paths-template-version-sync'),
      };
    };
    const first = await replica();
    const second = await replica();
    await Promise.all([first.sync(), second.sync()]);

    template.metadata.annotations!['backstage.io/template-version'] = '2.1.0';
    template.metadata.annotations!['paved.dev/changelog'] = changelog('2.1.0');
    await Promise.all([first.sync(), second.sync(), first.sync()]);
    await Promise.all([first.sync(), second.sync()]);

    const recipients = send.mock.calls
      .map(([options]) => JSON.stringify(options.recipients))
      .sort();
    expect(recipients).toEqual([
      JSON.stringify({ type: 'entity', entityRef: 'group:default/team-a' }),
      JSON.stringify({ type: 'entity', entityRef: 'group:default/team-b' }),
    ]);
    const versions = await knex('golden_paths_template_versions')
      .where({ template_ref: NODE })
      .select('version')
      .orderBy('version');
    expect(versions.map(v => v.version)).toEqual(['1.0.0', '2.0.0', '2.1.0']);
    await first.stop();
    await second.stop();
    summary.push(
      `replicas on POSTGRES_16: a new version synced 5 times across 2 replicas at once, notifications sent ${send.mock.calls.length} for 2 services, duplicates 0`,
    );
  });
});
