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
    'writes callers of one turn together, and those that come during a write in the next, each answered on its own, on %p',
    async databaseId => {
      const store = await DatabaseDoraEventStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      // The first write is held open until the later callers have queued.
      let release!: () => void;
      const held = new Promise<void>(resolve => {
        release = resolve;
      });
      const sizes: number[] = [];
      const queue = new IngestQueue({
        ingestBatch: async batch => {
          sizes.push(batch.length);
          if (sizes.length === 1) await held;
          return store.ingestBatch(batch);
        },
      });

      // Two callers in the same turn of the event loop share a write.
      const first = [
        queue.ingest([deploy('a')], at),
        queue.ingest([deploy('b')], at),
      ];
      while (sizes.length === 0) {
        await new Promise(resolve => setImmediate(resolve));
      }
      // Two that come while it is being written share the next one.
      const later = [
        queue.ingest([deploy('c'), deploy('a')], at),
        queue.ingest([deploy('b')], at),
      ];
      release();
      const results = await Promise.all([...first, ...later]);

      expect(results).toEqual([
        { stored: 1, duplicates: 0 },
        { stored: 1, duplicates: 0 },
        { stored: 1, duplicates: 1 },
        { stored: 0, duplicates: 1 },
      ]);
      expect(sizes).toEqual([2, 2]);
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
      { maxEvents: 3 },
    );
    await Promise.all([
      queue.ingest([deploy('a')], at),
      queue.ingest([deploy('b'), deploy('c')], at),
      queue.ingest([deploy('d')], at),
      queue.ingest([deploy('e'), deploy('f'), deploy('g'), deploy('h')], at),
    ]);
    // One caller over the limit still goes alone rather than never.
    expect(sizes).toEqual([3, 1, 4]);
  });

  it.each([
    [1, [1]],
    [2, [1, 1]],
  ])(
    'with %p writer(s), starts that many writes at once',
    async (writers, startedWhileHeld) => {
      let release!: () => void;
      const held = new Promise<void>(resolve => {
        release = resolve;
      });
      const sizes: number[] = [];
      const queue = new IngestQueue(
        {
          ingestBatch: async batch => {
            sizes.push(batch.length);
            await held;
            return batch.map(p => ({ stored: p.events.length, duplicates: 0 }));
          },
        },
        { writers },
      );
      const turns = async (n: number) => {
        for (let i = 0; i < n; i++) {
          await new Promise(resolve => setImmediate(resolve));
        }
      };
      const first = queue.ingest([deploy('a')], at);
      await turns(3);
      const second = queue.ingest([deploy('b')], at);
      await turns(3);
      expect(sizes).toEqual(startedWhileHeld);
      release();
      await expect(Promise.all([first, second])).resolves.toEqual([
        { stored: 1, duplicates: 0 },
        { stored: 1, duplicates: 0 },
      ]);
      expect(sizes).toEqual([1, 1]);
    },
  );

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
