import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseDoraEventStore } from '../../database/DatabaseDoraEventStore';
import { DoraEvent } from '../../database/DoraEventStore';
import { IngestQueue } from './IngestQueue';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_16'] });
const ref = 'component:default/payments';
const at = new Date('2026-11-20T00:00:00Z');

const deploy = (id: string): DoraEvent & { entityRef: string } => ({
  id: `json:${id}`,
  kind: 'deployment',
  matchKey: 'payments',
  occurredAt: '2026-11-19T10:00:00.000Z',
  entityRef: ref,
  record: {
    id,
    environment: 'production',
    finishedAt: '2026-11-19T10:00:00.000Z',
    succeeded: true,
    kind: 'deploy',
  },
});

describe('IngestQueue', () => {
  it.each(databases.eachSupportedId())(
    'writes callers that arrive during a write together, each answered on its own, on %p',
    async databaseId => {
      const store = await DatabaseDoraEventStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const ingestBatch = jest.spyOn(store, 'ingestBatch');
      const queue = new IngestQueue(store);

      const results = await Promise.all([
        queue.ingest([deploy('a')], at),
        queue.ingest([deploy('b')], at),
        queue.ingest([deploy('c'), deploy('a')], at),
        queue.ingest([deploy('b')], at),
      ]);

      expect(results).toEqual([
        { stored: 1, duplicates: 0 },
        { stored: 1, duplicates: 0 },
        { stored: 1, duplicates: 1 },
        { stored: 0, duplicates: 1 },
      ]);
      // The first caller is written at once; the three that came during
      // that write share the next transaction.
      expect(ingestBatch.mock.calls.map(([batch]) => batch.length)).toEqual([
        1, 3,
      ]);
      const stored = await store.listAllForEntities([ref]);
      expect(stored.map(e => e.id)).toEqual(['json:a', 'json:b', 'json:c']);
    },
  );

  it('keeps each transaction within the event limit', async () => {
    const sizes: number[] = [];
    const queue = new IngestQueue(
      {
        ingestBatch: async batch => {
          sizes.push(batch.reduce((n, p) => n + p.events.length, 0));
          return batch.map(p => ({ stored: p.events.length, duplicates: 0 }));
        },
      },
      3,
    );
    await Promise.all([
      queue.ingest([deploy('a')], at),
      queue.ingest([deploy('b'), deploy('c')], at),
      queue.ingest([deploy('d')], at),
      queue.ingest([deploy('e'), deploy('f'), deploy('g'), deploy('h')], at),
    ]);
    // One caller over the limit still goes alone rather than never.
    expect(sizes).toEqual([1, 3, 4]);
  });

  it('fails only the caller whose events fail when a shared write fails', async () => {
    const poison = new Error('value too long for column');
    const queue = new IngestQueue({
      ingestBatch: async batch => {
        if (batch.some(p => p.events.some(e => e.id === 'json:bad'))) {
          throw poison;
        }
        return batch.map(p => ({ stored: p.events.length, duplicates: 0 }));
      },
    });
    const results = await Promise.allSettled([
      queue.ingest([deploy('first')], at),
      queue.ingest([deploy('good')], at),
      queue.ingest([deploy('bad')], at),
      queue.ingest([deploy('also-good')], at),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: { stored: 1, duplicates: 0 } },
      { status: 'fulfilled', value: { stored: 1, duplicates: 0 } },
      { status: 'rejected', reason: poison },
      { status: 'fulfilled', value: { stored: 1, duplicates: 0 } },
    ]);
  });
});
