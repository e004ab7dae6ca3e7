import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import { DatabaseDoraEventStore } from './DatabaseDoraEventStore';

jest.setTimeout(60_000);

// A prepared statement may keep one generic plan, made for the tables as
// they were, until they are next analyzed; growth alone never replaces it.
// Made while a table is empty, that plan reads all of it (a sequential scan,
// a hash join) at every run once it holds millions of rows. So the stores'
// own statements must not leave such a plan behind on a connection.
describe('the stores on PostgreSQL', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });
  let single: Knex | undefined;

  afterEach(async () => {
    await single?.destroy();
    single = undefined;
  });

  it('keep no plan made while their tables were empty', async () => {
    const shared = await databases.init('POSTGRES_16');
    // One connection, so the statements run here are the ones this reads.
    single = knexFactory({
      client: shared.client.config.client,
      connection: shared.client.config.connection,
      pool: { min: 1, max: 1 },
    });
    const database = mockServices.database({ knex: single });
    const compliance = await DatabaseComplianceStore.create({ database });
    const events = await DatabaseDoraEventStore.create({ database });

    // The gate asked before the first sweep, and ingest into empty tables:
    // more runs than PostgreSQL takes before it considers a generic plan.
    for (let i = 0; i < 8; i++) {
      expect(
        await compliance.getEvaluation(`component:default/s-${i}`),
      ).toBeUndefined();
      expect(
        await events.ingest(
          [
            {
              id: `json:d${i}`,
              kind: 'deployment',
              matchKey: 'payments',
              entityRef: 'component:default/payments',
              occurredAt: '2026-11-10T10:00:00.000Z',
              record: {
                id: `d${i}`,
                environment: 'production',
                finishedAt: '2026-11-10T10:00:00.000Z',
                succeeded: true,
                kind: 'deploy',
              },
            },
          ],
          new Date('2026-11-20T00:00:00Z'),
        ),
      ).toEqual({ stored: 1, duplicates: 0 });
    }

    const { rows } = await single.raw(
      'SELECT statement, generic_plans FROM pg_prepared_statements WHERE generic_plans > 0',
    );
    expect(rows).toEqual([]);
  });
});
