import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseDoraEventStore } from './DatabaseDoraEventStore';
import { DoraEvent } from './DoraEventStore';
import { DoraFacts } from '@paved/backstage-plugin-golden-paths-common';
import { Knex } from 'knex';

jest.setTimeout(60_000);

const deploy = (id: string, finishedAt: string): DoraEvent => ({
  id: `json:${id}`,
  kind: 'deployment',
  matchKey: 'payments',
  occurredAt: finishedAt,
  record: {
    id,
    environment: 'production',
    finishedAt,
    succeeded: true,
    kind: 'deploy',
  },
});

const window = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
};

const COLUMNS =
  'id, kind, entity_ref, match_key, occurred_at, payload, received_at';

/** How many lock requests on `table` wait, in this database. */
async function waitingFor(knex: Knex, table: string): Promise<number> {
  const { rows } = await knex.raw(
    `SELECT count(*)::int AS n FROM pg_locks
     WHERE NOT granted AND database = (
       SELECT oid FROM pg_database WHERE datname = current_database()
     ) AND relation = ?::regclass`,
    [table],
  );
  return rows[0].n;
}

describe('DatabaseDoraEventStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseDoraEventStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'stores a redelivered event once, in any order, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      // Two stores on one database stand for two replicas.
      const one = await DatabaseDoraEventStore.create({ database });
      const two = await DatabaseDoraEventStore.create({ database });
      const ref = 'component:default/payments';
      const a = { ...deploy('d1', '2026-11-10T10:00:00.000Z'), entityRef: ref };
      const b = { ...deploy('d2', '2026-11-11T10:00:00.000Z'), entityRef: ref };
      const at = new Date('2026-11-20T00:00:00Z');

      expect(await one.ingest([a, b, a], at)).toEqual({
        stored: 2,
        duplicates: 1,
      });
      expect(await two.ingest([b, a], at)).toEqual({
        stored: 0,
        duplicates: 2,
      });

      // Concurrent deliveries of one new id: exactly one stores it.
      const c = { ...deploy('d3', '2026-11-12T10:00:00.000Z'), entityRef: ref };
      const results = await Promise.all([
        one.ingest([c], at),
        two.ingest([c], at),
        one.ingest([c], at),
      ]);
      expect(results.map(r => r.stored).sort()).toEqual([0, 0, 1]);

      const events = await two.listAllForEntities([ref]);
      expect(events.map(e => e.id)).toEqual(['json:d1', 'json:d2', 'json:d3']);
      expect(events[0]).toEqual({
        ...a,
        receivedAt: at.toISOString(),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'stores a batch larger than one insert statement, each id once, on %p',
    async databaseId => {
      const store = await DatabaseDoraEventStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const ref = 'component:default/payments';
      // PostgreSQL takes 5,000 rows per statement, SQLite 500.
      const many = Array.from({ length: 6000 }, (_, i) => ({
        ...deploy(
          `many-${i}`,
          new Date(
            Date.parse('2026-11-01T00:00:00Z') + i * 60_000,
          ).toISOString(),
        ),
        entityRef: ref,
      }));
      const at = new Date('2026-11-20T00:00:00Z');
      expect(await store.ingest(many.slice(0, 5200), at)).toEqual({
        stored: 5200,
        duplicates: 0,
      });
      // Overlaps the first call across statement boundaries.
      expect(await store.ingest(many.slice(4700), at)).toEqual({
        stored: 800,
        duplicates: 500,
      });
      expect(await store.listAllForEntities([ref])).toHaveLength(6000);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps every character of an event exactly, on %p',
    async databaseId => {
      const store = await DatabaseDoraEventStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const ref = 'component:default/payments';
      const at = new Date('2026-11-20T00:00:00Z');
      // Characters a bulk insert must quote: " \\ { } , a "NULL" that is a
      // string, non-ASCII text; and, in the second batch, characters JSON
      // writes with escapes of its own (newline, tab, control characters,
      // and in the record, where it stays JSON text, a lone surrogate); in
      // the third, backslashes before the letters of JSON's escapes, which
      // are no escapes (the fast path), and a newline only in the record.
      const texts = [
        ['quoted "a", {b}, \\c\\', 'NULL', 'é 漢字 🚀', ''],
        ['line\nbreak\ttab', '\u0001', 'bell\u0007', 'back\\nslash'],
        ['C:\\new\\table', '\\\\u0041 \\\\\\b', 'tab\\t', '\\'],
      ];
      const made = texts.map((batch, b) =>
        batch.map((text, i) => {
          const event = deploy(
            `t${b}${i} ${text}`,
            '2026-11-10T10:00:00.000Z',
          ) as Extract<DoraEvent, { kind: 'deployment' }>;
          // Fields the record type does not know travel as stored JSON too.
          return {
            ...event,
            matchKey: i % 2 ? `key ${text}` : event.matchKey,
            entityRef: i % 2 ? undefined : ref,
            record: {
              ...event.record,
              note: text,
              nested: { list: [text] },
              ...(b === 1 ? { lone: '\ud800 \udc00' } : {}),
              ...(b === 2 ? { lines: 'first\nsecond\\n' } : {}),
            },
          } as DoraEvent & { entityRef?: string };
        }),
      );
      for (const events of made) {
        expect(await store.ingest(events, at)).toEqual({
          stored: events.length,
          duplicates: 0,
        });
      }
      const matched = await store.listAllForEntities([ref]);
      const { items: unmatched } = await store.listUnmatched({
        limit: 50,
        offset: 0,
      });
      const byId = new Map(
        [...matched, ...unmatched].map(e => [e.id, e] as const),
      );
      for (const event of made.flat()) {
        const stored = byId.get(event.id);
        expect(stored?.record).toEqual(event.record);
        expect(stored?.matchKey).toBe(event.matchKey);
        expect(stored?.entityRef).toBe(event.entityRef);
      }
      expect(byId.size).toBe(12);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers each caller of a shared batch as if it had come alone, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const ref = 'component:default/payments';
      const a = { ...deploy('b1', '2026-11-10T10:00:00.000Z'), entityRef: ref };
      const b = { ...deploy('b2', '2026-11-11T10:00:00.000Z'), entityRef: ref };
      const c = { ...deploy('b3', '2026-11-12T10:00:00.000Z'), entityRef: ref };
      const first = new Date('2026-11-20T00:00:00Z');
      const second = new Date('2026-11-20T00:00:05Z');
      await store.ingest([c], first);

      expect(
        await store.ingestBatch([
          { events: [a, a], receivedAt: first },
          { events: [a, b], receivedAt: second },
          { events: [c], receivedAt: second },
        ]),
      ).toEqual([
        { stored: 1, duplicates: 1 },
        { stored: 1, duplicates: 1 },
        { stored: 0, duplicates: 1 },
      ]);
      const events = await store.listAllForEntities([ref]);
      expect(events.map(e => [e.id, e.receivedAt])).toEqual([
        ['json:b1', first.toISOString()],
        ['json:b2', second.toISOString()],
        ['json:b3', first.toISOString()],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers each of many callers of one event each, some of them stored already, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const ref = 'component:default/payments';
      const event = (i: number) => ({
        ...deploy(`m${String(i).padStart(2, '0')}`, '2026-11-10T10:00:00.000Z'),
        entityRef: ref,
      });
      const at = new Date('2026-11-20T00:00:00Z');
      // Every third id is stored before: those callers store nothing.
      const before = Array.from({ length: 40 }, (_, i) => i).filter(
        i => i % 3 === 0,
      );
      await store.ingest(before.map(event), at);

      const results = await store.ingestBatch(
        Array.from({ length: 40 }, (_, i) => ({
          events: [event(i)],
          receivedAt: at,
        })),
      );
      expect(results).toEqual(
        Array.from({ length: 40 }, (_, i) =>
          i % 3 === 0
            ? { stored: 0, duplicates: 1 }
            : { stored: 1, duplicates: 0 },
        ),
      );
      expect(await store.listAllForEntities([ref])).toHaveLength(40);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists unmatched events and matches them later, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const at = new Date('2026-11-20T00:00:00Z');
      await store.ingest(
        [
          deploy('d1', '2026-11-10T10:00:00.000Z'),
          deploy('d2', '2026-11-11T10:00:00.000Z'),
          { ...deploy('d3', '2026-11-12T10:00:00.000Z'), matchKey: 'other' },
        ],
        at,
      );
      const page = await store.listUnmatched({ limit: 2, offset: 0 });
      expect(page.totalCount).toBe(3);
      expect(page.items.map(e => e.id)).toEqual(['json:d3', 'json:d2']);
      expect(page.items[0].entityRef).toBeUndefined();
      expect(await store.listUnmatchedKeys()).toEqual(['other', 'payments']);

      const ref = 'component:default/payments';
      expect(await store.rematch(new Map([['payments', ref]]))).toBe(2);
      expect(await store.listUnmatchedKeys()).toEqual(['other']);
      expect((await store.listAllForEntities([ref])).map(e => e.id)).toEqual([
        'json:d1',
        'json:d2',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'matches many keys at once, in both event tables, and marks only those services stale, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDoraEventStore.create({
        database: mockServices.database({ knex }),
        moveEventsAt: 4,
      });
      const at = new Date('2026-11-20T00:00:00Z');
      const keyed = (id: string, key: string) => ({
        ...deploy(id, '2026-11-10T10:00:00.000Z'),
        matchKey: key,
      });
      // Four unmatched events, moved into the large table by the next
      // ingest, which leaves its own two recent.
      await store.ingest(
        [
          keyed('a1', 'k0'),
          keyed('a2', 'k1'),
          keyed('a3', 'k1'),
          keyed('a4', 'kx'),
        ],
        at,
      );
      await store.ingest([keyed('b1', 'k1'), keyed('b2', 'k599')], at);
      const [{ n }] = await knex('golden_paths_dora_recent_events').count({
        n: '*',
      });
      expect(Number(n)).toBe(2);
      // Unmatched events mark no service stale.
      expect(await store.listStale()).toEqual([]);

      // More keys than one statement takes; most match nothing.
      const keys = new Map(
        Array.from({ length: 600 }, (_, i) => [
          `k${i}`,
          `component:default/s-${i}`,
        ]),
      );
      expect(await store.rematch(keys)).toBe(5);
      expect(await store.listUnmatchedKeys()).toEqual(['kx']);
      expect((await store.listStale()).map(s => s.entityRef).sort()).toEqual([
        'component:default/s-0',
        'component:default/s-1',
        'component:default/s-599',
      ]);
      expect(
        (
          await store.listAllForEntities([
            'component:default/s-0',
            'component:default/s-1',
            'component:default/s-599',
          ])
        )
          .map(e => `${e.id} ${e.entityRef}`)
          .sort(),
      ).toEqual([
        'json:a1 component:default/s-0',
        'json:a2 component:default/s-1',
        'json:a3 component:default/s-1',
        'json:b1 component:default/s-1',
        'json:b2 component:default/s-599',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists every deployment of one service, however old, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const ref = 'component:default/payments';
      const change: DoraEvent = {
        id: 'json:c1',
        kind: 'change',
        matchKey: 'payments',
        occurredAt: '2026-11-01T00:00:00.000Z',
        record: { id: 'c1', mergedAt: '2026-11-01T00:00:00.000Z' },
      };
      await store.ingest(
        [
          { ...deploy('d2', '2026-11-11T10:00:00.000Z'), entityRef: ref },
          { ...deploy('d1', '2024-01-01T10:00:00.000Z'), entityRef: ref },
          { ...change, entityRef: ref },
          {
            ...deploy('x', '2026-11-11T10:00:00.000Z'),
            entityRef: 'component:default/other',
          },
          deploy('unmatched', '2026-11-11T10:00:00.000Z'),
        ],
        new Date('2026-11-20T00:00:00Z'),
      );
      expect((await store.listDeployments(ref)).map(e => e.id)).toEqual([
        'json:d1',
        'json:d2',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks services stale when their events change and replaces facts only under an unchanged mark, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const one = await DatabaseDoraEventStore.create({ database });
      const two = await DatabaseDoraEventStore.create({ database });
      const ref = 'component:default/payments';
      const at = new Date('2026-11-20T00:00:00Z');
      const ms = (iso: string) => Date.parse(iso);
      const facts: DoraFacts = {
        deployments: [
          {
            entityRef: ref,
            finishedMs: ms('2026-11-10T10:00:00Z'),
            failed: true,
            rework: false,
          },
          {
            entityRef: ref,
            finishedMs: ms('2026-10-10T10:00:00Z'),
            failed: false,
            rework: true,
          },
        ],
        leadTimes: [
          {
            entityRef: ref,
            deployedMs: ms('2026-11-10T10:00:00Z'),
            leadMs: 5_400_000,
          },
        ],
        recoveries: [
          {
            entityRef: ref,
            startedMs: ms('2026-11-10T12:00:00Z'),
            recoveryMs: 7_200_000,
          },
        ],
      };
      const inWindow: DoraFacts = {
        ...facts,
        deployments: [facts.deployments[0]],
      };

      await one.ingest(
        [
          { ...deploy('d1', '2026-11-10T10:00:00.000Z'), entityRef: ref },
          deploy('unmatched', '2026-11-10T10:00:00.000Z'),
        ],
        at,
      );
      const [mark] = await one.listStale();
      expect(await one.listStale()).toEqual([
        { entityRef: ref, token: expect.any(String) },
      ]);
      expect(await one.listStale(['component:default/other'])).toEqual([]);

      // Two replicas replace the same mark at once: one of them does.
      const results = await Promise.all([
        one.replaceFacts([{ ...mark, facts }]),
        two.replaceFacts([{ ...mark, facts }]),
      ]);
      expect(results.flat()).toEqual([ref]);
      expect(await one.listStale()).toEqual([]);
      expect(await two.listFacts([ref], window)).toEqual(inWindow);
      expect(await two.listFacts(undefined, window)).toEqual(inWindow);
      expect(await one.listFacts(['component:default/other'], window)).toEqual({
        deployments: [],
        leadTimes: [],
        recoveries: [],
      });

      // A redelivered event changes nothing, so marks nothing.
      await one.ingest(
        [{ ...deploy('d1', '2026-11-10T10:00:00.000Z'), entityRef: ref }],
        at,
      );
      expect(await one.listStale()).toEqual([]);

      // Facts worked out from an older read never replace a newer mark.
      await one.ingest(
        [{ ...deploy('d2', '2026-11-11T10:00:00.000Z'), entityRef: ref }],
        at,
      );
      const [read] = await one.listStale();
      await two.ingest(
        [{ ...deploy('d3', '2026-11-12T10:00:00.000Z'), entityRef: ref }],
        at,
      );
      expect(await one.replaceFacts([{ ...read, facts: inWindow }])).toEqual(
        [],
      );
      const [newer] = await one.listStale();
      expect(newer.token).not.toBe(read.token);
      expect(await one.listFacts([ref], window)).toEqual(inWindow);
      const none = { deployments: [], leadTimes: [], recoveries: [] };
      expect(await one.replaceFacts([{ ...newer, facts: none }])).toEqual([
        ref,
      ]);
      expect(await one.listFacts([ref], window)).toEqual(none);

      // Matching events to a service marks it.
      const other = 'component:default/other';
      expect(await one.rematch(new Map([['payments', other]]))).toBe(1);
      expect((await one.listStale()).map(s => s.entityRef)).toEqual([other]);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks every service stale when the fact settings change, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const ref = 'component:default/payments';
      await store.ingest(
        [
          { ...deploy('d1', '2026-11-10T10:00:00.000Z'), entityRef: ref },
          deploy('unmatched', '2026-11-10T10:00:00.000Z'),
        ],
        new Date('2026-11-20T00:00:00Z'),
      );
      const none = { deployments: [], leadTimes: [], recoveries: [] };
      const refreshAll = async () =>
        store.replaceFacts(
          (await store.listStale()).map(s => ({ ...s, facts: none })),
        );
      await refreshAll();
      expect(await store.useFactSettings('{"production":["prod"]}')).toBe(true);
      expect((await store.listStale()).map(s => s.entityRef)).toEqual([ref]);
      await refreshAll();
      expect(await store.useFactSettings('{"production":["prod"]}')).toBe(
        false,
      );
      expect(await store.listStale()).toEqual([]);
      expect(await store.useFactSettings('{"production":["live"]}')).toBe(true);
      expect((await store.listStale()).map(s => s.entityRef)).toEqual([ref]);
    },
  );

  it.each(databases.eachSupportedId())(
    'remembers webhook deliveries until they are forgotten, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const t = (h: number) => new Date(Date.UTC(2026, 10, 20, h));
      expect(await store.hasDelivery('a')).toBe(false);
      await store.recordDelivery('a', t(0), t(0));
      await store.recordDelivery('a', t(1), t(0));
      expect(await store.hasDelivery('a')).toBe(true);
      await store.recordDelivery('b', t(3), t(2));
      expect(await store.hasDelivery('a')).toBe(false);
      expect(await store.hasDelivery('b')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps each event once and readable while recent events move into the large table, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      // A move is due once 3 events are recent; `other` never moves on its
      // own, as a replica whose count is behind.
      const store = await DatabaseDoraEventStore.create({
        database,
        moveEventsAt: 3,
      });
      const other = await DatabaseDoraEventStore.create({ database });
      const ref = 'component:default/payments';
      const at = new Date('2026-11-20T00:00:00Z');
      const rowsIn = async (table: string) =>
        (await knex(table).select('id').orderBy('id')).map(r => r.id);
      const matched = (id: string, day: number) => ({
        ...deploy(id, `2026-11-${day}T10:00:00.000Z`),
        entityRef: ref,
      });

      expect(
        await store.ingest(
          [
            matched('d1', 11),
            matched('d2', 12),
            deploy('u1', '2026-11-13T10:00:00.000Z'),
          ],
          at,
        ),
      ).toEqual({ stored: 3, duplicates: 0 });
      expect(await rowsIn('golden_paths_dora_events')).toEqual([]);

      // Three are recent: this ingest moves them first, then stores its own.
      // On PostgreSQL they may still be on their way, in the moving table.
      expect(
        await store.ingest([matched('d3', 14), matched('d1', 11)], at),
      ).toEqual({ stored: 1, duplicates: 1 });
      // One statement, one snapshot: the copy may commit between two.
      expect(
        await knex
          .unionAll([
            knex('golden_paths_dora_events').select('id'),
            knex('golden_paths_dora_moving_events').select('id'),
          ])
          .then(rows => rows.map(r => r.id).sort()),
      ).toEqual(['json:d1', 'json:d2', 'json:u1']);
      expect(await rowsIn('golden_paths_dora_recent_events')).toEqual([
        'json:d3',
      ]);

      // An id in either table is a duplicate, for any store on the database.
      expect(
        await other.ingest([matched('d2', 12), matched('d3', 14)], at),
      ).toEqual({ stored: 0, duplicates: 2 });

      // Reads see both tables, each event once.
      expect((await store.listAllForEntities([ref])).map(e => e.id)).toEqual([
        'json:d1',
        'json:d2',
        'json:d3',
      ]);
      expect((await store.listDeployments(ref)).map(e => e.id)).toEqual([
        'json:d1',
        'json:d2',
        'json:d3',
      ]);
      await store.ingest([deploy('u2', '2026-11-15T10:00:00.000Z')], at);
      const unmatched = await store.listUnmatched({ limit: 10, offset: 0 });
      expect(unmatched.totalCount).toBe(2);
      expect(unmatched.items.map(e => e.id)).toEqual(['json:u2', 'json:u1']);
      expect(
        (await store.listUnmatched({ limit: 1, offset: 1 })).items.map(
          e => e.id,
        ),
      ).toEqual(['json:u1']);

      // Moving is no change to a service's events: facts stay current.
      const stale = await store.listStale();
      expect(stale.map(s => s.entityRef)).toEqual([ref]);
      await store.replaceFacts(
        stale.map(s => ({
          ...s,
          facts: { deployments: [], leadTimes: [], recoveries: [] },
        })),
      );
      expect(await other.moveRecentEvents()).toBe(2);
      expect(await rowsIn('golden_paths_dora_recent_events')).toEqual([]);
      expect(await rowsIn('golden_paths_dora_moving_events')).toEqual([]);
      expect(await rowsIn('golden_paths_dora_events')).toHaveLength(5);
      expect(await store.listStale()).toEqual([]);

      // Matching later reaches events in both tables and marks the service.
      await store.ingest([deploy('u3', '2026-11-16T10:00:00.000Z')], at);
      expect(await store.rematch(new Map([['payments', ref]]))).toBe(3);
      expect(await store.listUnmatchedKeys()).toEqual([]);
      expect((await store.listStale()).map(s => s.entityRef)).toEqual([ref]);
      expect((await store.listAllForEntities([ref])).map(e => e.id)).toEqual([
        'json:d1',
        'json:d2',
        'json:u1',
        'json:d3',
        'json:u2',
        'json:u3',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores an id once when ingest and a move run at once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const one = await DatabaseDoraEventStore.create({
        database,
        moveEventsAt: 1,
      });
      const two = await DatabaseDoraEventStore.create({ database });
      const ref = 'component:default/payments';
      const at = new Date('2026-11-20T00:00:00Z');
      const events = Array.from({ length: 40 }, (_, i) => ({
        ...deploy(`c${i}`, '2026-11-10T10:00:00.000Z'),
        entityRef: ref,
      }));
      // Each id sent by both stores, while `one` moves before each ingest
      // and `two` moves on its own in between.
      const results = await Promise.all(
        events.flatMap(e => [
          one.ingest([e], at),
          two.ingest([e], at),
          two.moveRecentEvents(),
        ]),
      );
      const stored = results
        .filter(
          (r): r is { stored: number; duplicates: number } =>
            typeof r === 'object',
        )
        .reduce((sum, r) => sum + r.stored, 0);
      expect(stored).toBe(40);
      const [{ n }] = await knex('golden_paths_dora_all_events').count({
        n: '*',
      });
      expect(Number(n)).toBe(40);
    },
  );

  // Ingest on PostgreSQL takes no lock of its own: its insert locks the
  // tables it names before it takes the snapshot it looks for ids with. So
  // an insert that has to wait for the end of a copy sees what the copy put
  // into the large table, and stores none of it again.
  it('stores nothing again that a move committed while its insert waited, on POSTGRES_16', async () => {
    const { knex, store } = await createStore('POSTGRES_16');
    const ref = 'component:default/payments';
    const at = new Date('2026-11-20T00:00:00Z');
    const event = {
      ...deploy('w1', '2026-11-10T10:00:00.000Z'),
      entityRef: ref,
    };
    expect(await store.ingest([event], at)).toEqual({
      stored: 1,
      duplicates: 0,
    });

    // A move as another replica runs it: the recent tables swapped, then
    // the copy held open just before its commit.
    await knex.transaction(async tx => {
      for (const [from, to] of [
        ['recent', 'swapping'],
        ['moving', 'recent'],
        ['swapping', 'moving'],
      ]) {
        await tx.raw(
          `ALTER TABLE golden_paths_dora_${from}_events RENAME TO golden_paths_dora_${to}_events`,
        );
      }
    });
    const copy = await knex.transaction();
    await copy.raw(
      'LOCK TABLE golden_paths_dora_moving_events IN EXCLUSIVE MODE',
    );
    await copy.raw(
      `INSERT INTO golden_paths_dora_events (${COLUMNS})
       SELECT ${COLUMNS} FROM golden_paths_dora_moving_events`,
    );
    await copy.raw('TRUNCATE golden_paths_dora_moving_events');
    const again = store.ingest([event], at);
    const read = store.listAllForEntities([ref]);
    // Wait until the insert and the read wait for the copy's lock.
    while ((await waitingFor(knex, 'golden_paths_dora_moving_events')) < 2) {
      await new Promise(r => setTimeout(r, 10));
    }
    await copy.commit();

    expect(await again).toEqual({ stored: 0, duplicates: 1 });
    // The read that waited finds the event once, in the large table.
    expect((await read).map(e => e.id)).toEqual(['json:w1']);
    expect(await knex('golden_paths_dora_all_events').pluck('id')).toEqual([
      'json:w1',
    ]);
  });

  it('goes on storing events while a move copies into the large table, on POSTGRES_16', async () => {
    const knex = await databases.init('POSTGRES_16');
    const database = mockServices.database({ knex });
    const store = await DatabaseDoraEventStore.create({
      database,
      moveEventsAt: 1,
    });
    const other = await DatabaseDoraEventStore.create({ database });
    const ref = 'component:default/payments';
    const at = new Date('2026-11-20T00:00:00Z');
    const event = (id: string) => ({
      ...deploy(id, '2026-11-10T10:00:00.000Z'),
      entityRef: ref,
    });
    const rowsIn = async (table: string) =>
      (await knex(table).select('id').orderBy('id')).map(r => r.id);
    await store.ingest([event('e1')], at);

    // The large table held, so that a copy into it waits.
    const hold = await knex.transaction();
    await hold.raw('LOCK TABLE golden_paths_dora_events IN SHARE MODE');
    // A move is due: this ingest swaps the recent tables, stores its own
    // event and answers without waiting for the copy.
    expect(await store.ingest([event('e2')], at)).toEqual({
      stored: 1,
      duplicates: 0,
    });
    while ((await waitingFor(knex, 'golden_paths_dora_events')) < 1) {
      await new Promise(r => setTimeout(r, 10));
    }
    // While the copy waits, ingest and reads go on, each event once.
    expect(await other.ingest([event('e1'), event('e3')], at)).toEqual({
      stored: 1,
      duplicates: 1,
    });
    expect(await rowsIn('golden_paths_dora_moving_events')).toEqual([
      'json:e1',
    ]);
    expect(await rowsIn('golden_paths_dora_recent_events')).toEqual([
      'json:e2',
      'json:e3',
    ]);
    expect((await other.listAllForEntities([ref])).map(e => e.id)).toEqual([
      'json:e1',
      'json:e2',
      'json:e3',
    ]);
    await hold.commit();

    // A whole move waits for the copy under way, then moves the rest.
    expect(await store.moveRecentEvents()).toBe(2);
    expect(await rowsIn('golden_paths_dora_events')).toEqual([
      'json:e1',
      'json:e2',
      'json:e3',
    ]);
    expect(await rowsIn('golden_paths_dora_moving_events')).toEqual([]);
    expect(await rowsIn('golden_paths_dora_recent_events')).toEqual([]);
  });

  it('reports a failed copy and copies its events at the next move, on POSTGRES_16', async () => {
    const knex = await databases.init('POSTGRES_16');
    const logger = mockServices.logger.mock();
    const store = await DatabaseDoraEventStore.create({
      database: mockServices.database({ knex }),
      moveEventsAt: 2,
      logger,
    });
    const ref = 'component:default/payments';
    const at = new Date('2026-11-20T00:00:00Z');
    const event = (id: string) => ({
      ...deploy(id, '2026-11-10T10:00:00.000Z'),
      entityRef: ref,
    });
    const ids = async () =>
      (await store.listAllForEntities([ref])).map(e => e.id);
    await store.ingest([event('f1'), event('f2')], at);
    // A row the copy cannot write: the large table holds its id already.
    const blocker = {
      ...(await knex('golden_paths_dora_recent_events')
        .where({ id: 'json:f1' })
        .first()),
      entity_ref: 'component:default/other',
    };
    await knex('golden_paths_dora_events').insert(blocker);

    // The move due swaps and answers; its copy fails on its own.
    await store.ingest([event('f3')], at);
    while (logger.warn.mock.calls.length === 0) {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(String(logger.warn.mock.calls[0][0])).toContain('copy');
    // The events wait in the moving table, readable and counted once.
    expect(
      (await knex('golden_paths_dora_moving_events').pluck('id')).sort(),
    ).toEqual(['json:f1', 'json:f2']);
    expect(await ids()).toEqual(['json:f1', 'json:f2', 'json:f3']);

    // Once the copy can write, the next move copies them first.
    await knex('golden_paths_dora_events').where({ id: 'json:f1' }).delete();
    expect(await store.moveRecentEvents()).toBe(3);
    expect((await knex('golden_paths_dora_events').pluck('id')).sort()).toEqual(
      ['json:f1', 'json:f2', 'json:f3'],
    );
    expect(await ids()).toEqual(['json:f1', 'json:f2', 'json:f3']);
  });

  // Without autovacuum (as on this project's CI server), rows a move
  // deleted one by one would stay in the recent table's pages for good.
  it('leaves the recent table empty on disk after a move, on POSTGRES_16', async () => {
    const { knex, store } = await createStore('POSTGRES_16');
    const ref = 'component:default/payments';
    const at = new Date('2026-11-20T00:00:00Z');
    // Both recent tables: a move swaps their names.
    const size = async () => {
      const { rows } = await knex.raw(
        `SELECT sum(pg_relation_size(t)) AS heap, sum(pg_indexes_size(t)) AS indexes
         FROM unnest(ARRAY['golden_paths_dora_recent_events',
           'golden_paths_dora_moving_events']::regclass[]) AS t`,
      );
      return { heap: Number(rows[0].heap), indexes: Number(rows[0].indexes) };
    };
    const events = Array.from({ length: 300 }, (_, i) => ({
      ...deploy(`e${i}`, '2026-11-10T10:00:00.000Z'),
      entityRef: ref,
    }));
    await store.ingest(events, at);
    const before = await size();
    expect(before.heap).toBeGreaterThan(0);

    expect(await store.moveRecentEvents()).toBe(300);
    const after = await size();
    expect(after.heap).toBe(0);
    // Each index is down to its metapage.
    expect(after.indexes).toBeLessThan(before.indexes);
    expect(await knex('golden_paths_dora_events').count({ n: '*' })).toEqual([
      { n: '300' },
    ]);
  });
});
