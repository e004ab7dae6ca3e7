import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
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
const CLIENTS = 10;

type Server = Parameters<typeof request>[0];

/** Posts batches one after the other; returns the summed ingest summaries. */
async function deliver(server: Server, groups: object[][]) {
  const { postEvents } = apiClient(server);
  const total = { stored: 0, duplicates: 0 };
  for (const group of groups) {
    const res = await postEvents(group.length === 1 ? group[0] : group);
    expect(res.status).toBe(200);
    total.stored += res.body.stored;
    total.duplicates += res.body.duplicates;
  }
  return total;
}

async function storedIds(knex: Knex): Promise<string[]> {
  const rows = await knex('golden_paths_dora_all_events').select('id');
  return rows.map(r => r.id).sort();
}

describe('DORA ingest is idempotent and order-independent', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
  const summary: string[] = [];
  afterAll(() => printSummary(summary));

  it.each(databases.eachSupportedId())(
    'gives the metrics of one ordered delivery after 3 deliveries, a shuffle and 10 concurrent clients, on %p',
    async databaseId => {
      // A backend on a fresh database of this engine.
      const fresh = async () => {
        const knex = await databases.init(databaseId);
        return { ...(await startReliabilityBackend({ knex })), knex };
      };

      // (a) Once, in order, one event per request: the reference.
      const once = await fresh();
      const first = await deliver(
        once.server,
        EVENTS.map(e => [e]),
      );
      expect(first).toEqual({ stored: EVENTS.length, duplicates: 0 });
      const expected = await observedMetrics(once.server, once.api.user);
      // The reference is not empty: each team has deployments and incidents.
      expect(expected['/dora?owner=team-a']).toMatchObject({
        metrics: {
          deploymentFrequency: { sample: 12 },
          changeFailRate: { failedDeployments: 3 },
          failedDeploymentRecoveryTime: { sample: 2 },
        },
      });
      const uniqueIds = await storedIds(once.knex);
      expect(uniqueIds).toHaveLength(EVENTS.length);
      await once.stop();

      let delivered = EVENTS.length;
      let duplicates = 0;

      // (b) Three times, in batches of varying sizes.
      const thrice = await fresh();
      const three = await deliver(thrice.server, [
        ...batches(EVENTS, 1),
        ...batches(EVENTS, 2),
        ...batches(EVENTS, 3),
      ]);
      expect(three).toEqual({
        stored: EVENTS.length,
        duplicates: 2 * EVENTS.length,
      });
      delivered += 3 * EVENTS.length;
      duplicates += three.duplicates;
      expect(await observedMetrics(thrice.server, thrice.api.user)).toEqual(
        expected,
      );
      expect(await storedIds(thrice.knex)).toEqual(uniqueIds);
      await thrice.stop();

      // (c) Shuffled (seeded), resolutions before detections included.
      for (const seed of [7, 42, 20261201]) {
        const mixed = await fresh();
        const result = await deliver(
          mixed.server,
          batches(shuffled(EVENTS, seed), seed),
        );
        expect(result).toEqual({ stored: EVENTS.length, duplicates: 0 });
        delivered += EVENTS.length;
        expect(await observedMetrics(mixed.server, mixed.api.user)).toEqual(
          expected,
        );
        expect(await storedIds(mixed.knex)).toEqual(uniqueIds);
        await mixed.stop();
      }

      // (d) Ten clients at once, each sending every event in its own order.
      const busy = await fresh();
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, (_, client) =>
          deliver(busy.server, batches(shuffled(EVENTS, client + 1), client)),
        ),
      );
      const sum = results.reduce(
        (a, b) => ({
          stored: a.stored + b.stored,
          duplicates: a.duplicates + b.duplicates,
        }),
        { stored: 0, duplicates: 0 },
      );
      // Each event stored by exactly one of the clients.
      expect(sum).toEqual({
        stored: EVENTS.length,
        duplicates: (CLIENTS - 1) * EVENTS.length,
      });
      delivered += CLIENTS * EVENTS.length;
      duplicates += sum.duplicates;
      expect(await observedMetrics(busy.server, busy.api.user)).toEqual(
        expected,
      );
      expect(await storedIds(busy.knex)).toEqual(uniqueIds);
      await busy.stop();

      summary.push(
        `idempotency on ${databaseId}: ${EVENTS.length} events, ${delivered} delivered (3x, 3 shuffles, ${CLIENTS} concurrent clients), duplicates delivered ${duplicates}, stored once, metrics identical`,
      );
    },
  );
});
