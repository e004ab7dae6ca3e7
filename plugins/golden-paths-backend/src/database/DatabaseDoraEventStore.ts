import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import {
  DoraFacts,
  DoraWindow,
} from '@paved/backstage-plugin-golden-paths-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';
import { postgresQuery } from './PostgresStatements';
import { runSqliteStatement, runSqliteWrites } from './SqliteStatements';
import {
  DoraEvent,
  DoraEventStore,
  StaleDoraService,
  StoredDoraEvent,
} from './DoraEventStore';

// Events live in three tables, each event in one of them: new ones in
// RECENT, small, moved in bulk into TABLE (see `moveRecentEvents`); on
// PostgreSQL by way of MOVING, whose name RECENT's swaps with at a move.
// ALL_EVENTS is the view of all three that every read goes through.
const TABLE = 'golden_paths_dora_events';
const RECENT = 'golden_paths_dora_recent_events';
const MOVING = 'golden_paths_dora_moving_events';
/** A name the swap of RECENT and MOVING passes through. */
const SWAPPING = 'golden_paths_dora_swapping_events';
/**
 * The PostgreSQL advisory lock that moves hold, one at a time on a
 * database: the bytes of "paved_mv" as a bigint.
 */
const MOVE_LOCK = '8097883782836612470';
const ALL_EVENTS = 'golden_paths_dora_all_events';
const EVENT_COLUMNS = [
  'id',
  'kind',
  'entity_ref',
  'match_key',
  'occurred_at',
  'payload',
  'received_at',
].join(', ');
const DELIVERIES = 'golden_paths_dora_webhook_deliveries';
const FACTS = 'golden_paths_dora_facts';
const STALE = 'golden_paths_dora_stale';
const FACT_SETTINGS = 'golden_paths_dora_fact_settings';
// Rows per insert statement: fewer, larger statements make batches fast. On
// PostgreSQL each column travels as one array parameter (see `insertRows`),
// so a group commit's 5,000 events are one statement. On SQLite they go in
// one VALUES list; 500 rows are 3,500 of its 32,766 parameters.
const PG_CHUNK = 5000;
const SQLITE_CHUNK = 500;
/** The sizes of SQLite's event inserts, the largest `SQLITE_CHUNK`. */
const SQLITE_CHUNKS = [SQLITE_CHUNK, 100, 25, 5, 1];
/**
 * Recent events that make a move into the large table due. Each move rewrites
 * every page of the large table's entity index that one of them lands on, up
 * to all of them: the more it moves, the fewer rewrites per event. The recent
 * table's own indexes stay small enough (about 10 MB at this size) for a commit
 * to rewrite few of their pages.
 */
const MOVE_EVENTS_AT = 200_000;
/** PostgreSQL's memory for sorting a move (its default is 4 MB). */
const MOVE_WORK_MEM = '256MB';

/**
 * PostgreSQL column types of the tables written in bulk, in insert order,
 * for the array parameters of `pgInsertSql`.
 */
const PG_COLUMNS: Record<string, Record<string, string>> = {
  [RECENT]: {
    id: 'text',
    kind: 'text',
    entity_ref: 'text',
    match_key: 'text',
    occurred_at: 'timestamptz',
    payload: 'text',
    received_at: 'timestamptz',
  },
  [FACTS]: {
    entity_ref: 'text',
    kind: 'text',
    at_ms: 'float8',
    value_ms: 'float8',
    failed: 'bool',
    rework: 'bool',
  },
};

// An escape JSON writes but a PostgreSQL array literal does not know: a
// backslash before b, f, n, r, t or u that is not itself escaped (an even
// run of backslashes before it). A value holding a backslash and an n,
// which JSON writes as \\n (a stored payload that escapes a newline,
// say), keeps the fast path.
const JSON_ONLY_ESCAPE = /(?<!\\)(?:\\\\)*\\[bfnrtu]/;

/**
 * A PostgreSQL array literal of `values`. JSON and an array literal quote a
 * string alike, with a backslash before " and \, and both read an unquoted
 * null as NULL; so JSON.stringify, which is native and fast, writes the
 * whole column at once. Only a value JSON would write with an escape of its
 * own (a control character, a lone surrogate) sends the column the slow way,
 * each value quoted here.
 */
function pgArrayLiteral(values: Knex.Value[]): string {
  const json = JSON.stringify(values);
  if (!JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  return `{${values
    .map(value => {
      if (value === null || value === undefined) return 'NULL';
      const text = value instanceof Date ? value.toISOString() : String(value);
      return `"${text.replace(/["\\]/g, '\\$&')}"`;
    })
    .join(',')}}`;
}

/**
 * Appends in a loop: `push(...items)` passes every item as an argument and
 * overflows the stack at around a hundred thousand.
 */
function append<T>(target: T[], items: readonly T[]) {
  for (const item of items) target.push(item);
}

/**
 * A SQLite insert of `rows` (all with the same columns) as one VALUES list;
 * knex would write a compound SELECT, slow to prepare and limited to 500
 * terms. Table and column names are this file's constants, quoted as SQLite
 * quotes identifiers.
 */
function sqliteInsert(
  table: string,
  rows: Array<Record<string, Knex.Value>>,
  options: { ignoreConflictOn?: string; unlessIn?: string; returning?: string },
): { sql: string; bindings: unknown[] } {
  const { ignoreConflictOn, unlessIn, returning } = options;
  const columns = Object.keys(rows[0]);
  const row = `(${columns.map(() => '?').join(',')})`;
  const values = `values ${rows.map(() => row).join(',')}`;
  let source = values;
  if (unlessIn && ignoreConflictOn) {
    // A VALUES list read as a table names its columns column1, column2, ...
    const key = `column${columns.indexOf(ignoreConflictOn) + 1}`;
    source = `select * from (${values}) as v where not exists (select 1 from "${unlessIn}" as o where o."${ignoreConflictOn}" = v.${key})`;
  }
  const sql = [
    `insert into "${table}" (${columns.map(c => `"${c}"`).join(',')})`,
    source,
    ignoreConflictOn ? `on conflict ("${ignoreConflictOn}") do nothing` : '',
    returning ? `returning "${returning}"` : '',
  ].join(' ');
  const bindings: unknown[] = [];
  for (const r of rows) for (const c of columns) bindings.push(r[c] ?? null);
  return { sql, bindings };
}

/**
 * `rows` in consecutive chunks of the sizes of `SQLITE_CHUNKS`, largest
 * first: any number of rows goes in a few statements of a few texts.
 */
function sqliteChunks<T>(rows: T[]): T[][] {
  const chunks: T[][] = [];
  let i = 0;
  for (const size of SQLITE_CHUNKS) {
    for (; rows.length - i >= size; i += size) {
      chunks.push(rows.slice(i, i + size));
    }
  }
  return chunks;
}

/**
 * The text of a PostgreSQL insert into one of the tables of `PG_COLUMNS`,
 * each column one array parameter, unnested. With `unlessIn` (and
 * `ignoreConflictOn`), a row whose key one of those tables holds is
 * skipped too. Table and column names are this file's constants.
 */
function pgInsertSql(
  table: string,
  options: {
    ignoreConflictOn?: string;
    unlessIn?: string[];
    returning?: string[];
  },
): string {
  const types = PG_COLUMNS[table];
  const columns = Object.keys(types);
  const { ignoreConflictOn, unlessIn = [], returning = [] } = options;
  const names = (list: string[]) => list.map(c => `"${c}"`).join(', ');
  const unnest = `unnest(${columns.map(c => `?::${types[c]}[]`).join(', ')})`;
  const notIn = unlessIn.map(
    other => `NOT EXISTS (SELECT 1 FROM "${other}" AS o
      WHERE o."${ignoreConflictOn}" = v."${ignoreConflictOn}")`,
  );
  return [
    `INSERT INTO "${table}" (${names(columns)})`,
    notIn.length && ignoreConflictOn
      ? `SELECT * FROM ${unnest} AS v (${names(columns)})
         WHERE ${notIn.join(' AND ')}`
      : `SELECT * FROM ${unnest}`,
    ignoreConflictOn ? `ON CONFLICT ("${ignoreConflictOn}") DO NOTHING` : '',
    returning.length ? `RETURNING ${names(returning)}` : '',
  ].join(' ');
}

/**
 * The array parameters of `pgInsertSql` for `rows`: one array literal per
 * column of the table in `PG_COLUMNS`.
 */
function pgColumnArrays(
  table: string,
  rows: Array<Record<string, Knex.Value>>,
): string[] {
  const types = PG_COLUMNS[table];
  const unknown = Object.keys(rows[0]).find(c => !types?.[c]);
  if (!types || unknown) {
    throw new Error(`No PostgreSQL type for ${table}.${unknown}`);
  }
  return Object.keys(types).map(c =>
    pgArrayLiteral(rows.map(r => r[c] ?? null)),
  );
}

function byId(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Services per IN list when reading events. */
const READ_CHUNK = 500;
/** From this many services on, the window is read whole and filtered here. */
const WHOLE_TABLE_ABOVE = 2000;
/** Services whose facts are replaced per claim. */
const CLAIM_CHUNK = 500;

type FactKind = 'deployment' | 'lead_time' | 'recovery';

type DoraFactRow = {
  entity_ref: string;
  kind: FactKind;
  at_ms: number;
  value_ms: number | null;
  failed: boolean | number;
  rework: boolean | number;
};

type DoraEventRow = {
  id: string;
  kind: string;
  entity_ref: string | null;
  match_key: string;
  occurred_at: Date | string | number;
  payload: string;
  received_at: Date | string | number;
};

/**
 * Knex implementation of {@link DoraEventStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseDoraEventStore implements DoraEventStore {
  static async create(options: {
    database: DatabaseService;
    /** Recent events that make a move into the large table due. */
    moveEventsAt?: number;
    /** Where a move's copy that no caller waits for reports its failure. */
    logger?: LoggerService;
  }): Promise<DatabaseDoraEventStore> {
    return new DatabaseDoraEventStore(
      await migrateGoldenPathsDatabase(options.database),
      { moveEventsAt: options.moveEventsAt, logger: options.logger },
    );
  }

  private readonly chunk: number;
  private readonly sqlite: boolean;
  /**
   * SQLite has one writer. On PostgreSQL a second transaction is sent while
   * the first commits; ids and marks are locked in one order (see
   * `ingestBatch`), so the two never deadlock.
   */
  readonly concurrentWrites: number;

  /**
   * On PostgreSQL, the insert of events, one text for any number of rows
   * (the rows go as one array per column). An id already stored is ignored
   * (the primary key decides) and returns nothing; the insert feeds the
   * upsert that marks the services of the events stored stale, in
   * code-point order as `markStale` locks them. Returns the ids stored.
   */
  private readonly insertEventsStatement?: (
    db: Knex,
    values: unknown[],
  ) => Promise<Array<{ id: string }>>;

  private readonly moveEventsAt: number;
  private readonly logger?: LoggerService;
  /** Events in the recent table, as far as this store knows; read at first. */
  private recentEvents?: number;
  /** The move under way: callers while it runs share it, one at a time. */
  private moving?: Promise<number>;
  /** On PostgreSQL, the start of a move under way (see `startMove`). */
  private starting?: Promise<void>;
  /**
   * On PostgreSQL, the copy of the moving table into the large one that a
   * move due during ingest started and ingest does not wait for.
   */
  private copying?: Promise<number>;

  constructor(
    private readonly db: Knex,
    options: { moveEventsAt?: number; logger?: LoggerService } = {},
  ) {
    this.sqlite = String(db.client.config.client).includes('sqlite');
    this.moveEventsAt = options.moveEventsAt ?? MOVE_EVENTS_AT;
    this.logger = options.logger;
    // Not prepared: whether it looks up ids in the large table through its
    // key or reads all of it depends on that table's size at each run.
    this.insertEventsStatement = postgresQuery(
      db,
      `WITH inserted AS (${pgInsertSql(RECENT, {
        ignoreConflictOn: 'id',
        unlessIn: [TABLE, MOVING],
        returning: ['id', 'entity_ref'],
      })}),
       marked AS (
         INSERT INTO "${STALE}" (entity_ref, token)
         SELECT DISTINCT entity_ref COLLATE "C", ? FROM inserted
         WHERE entity_ref IS NOT NULL
         ORDER BY 1
         ON CONFLICT (entity_ref) DO UPDATE SET token = excluded.token
       )
       SELECT id FROM inserted`,
    );
    this.chunk = this.sqlite ? SQLITE_CHUNK : PG_CHUNK;
    this.concurrentWrites = this.sqlite ? 1 : 2;
  }

  async ingest(
    events: Array<DoraEvent & { entityRef?: string }>,
    receivedAt: Date,
  ): Promise<{ stored: number; duplicates: number }> {
    const [result] = await this.ingestBatch([{ events, receivedAt }]);
    return result;
  }

  async ingestBatch(
    batch: Array<{
      events: Array<DoraEvent & { entityRef?: string }>;
      receivedAt: Date;
    }>,
  ): Promise<Array<{ stored: number; duplicates: number }>> {
    // Each id is offered once, by the first caller that sent it; within one
    // caller's events the last copy of an id is the one offered.
    const offered = new Set<string>();
    // Times as each engine takes them, so none is converted per value in
    // the statement: SQLite stores milliseconds, PostgreSQL reads ISO text
    // (an event's time is ISO already, and toISOString costs a microsecond).
    const time = this.sqlite
      ? (iso: string) => Date.parse(iso)
      : (iso: string) => iso;
    const byCaller = batch.map(({ events, receivedAt }) => {
      const rows: DoraEventRow[] = [];
      const received = this.sqlite
        ? receivedAt.getTime()
        : receivedAt.toISOString();
      for (const e of new Map(events.map(ev => [ev.id, ev])).values()) {
        if (offered.has(e.id)) continue;
        offered.add(e.id);
        rows.push({
          id: e.id,
          kind: e.kind,
          entity_ref: e.entityRef ?? null,
          match_key: e.matchKey,
          occurred_at: time(e.occurredAt),
          payload: JSON.stringify(e.record),
          received_at: received,
        });
      }
      return rows;
    });
    // A move due goes first: should it fail, nothing of this batch is stored.
    // On PostgreSQL only its first, short step does (see `startMove`).
    this.recentEvents ??= await this.countRecentEvents();
    if (this.recentEvents >= this.moveEventsAt) {
      if (this.sqlite) await this.moveRecentEvents();
      else await this.startMove();
    }
    const stored = await this.insertEvents(byCaller);
    for (const n of stored) this.recentEvents += n;
    return batch.map(({ events }, caller) => ({
      stored: stored[caller],
      duplicates: events.length - stored[caller],
    }));
  }

  /**
   * Inserts all callers' rows in id order, in one transaction, and returns
   * how many each caller stored. In id order, the primary key's index is
   * written in order, and on PostgreSQL concurrent writers of the same ids
   * wait for each other instead of deadlocking. The services of the events
   * stored are marked stale: on SQLite by a trigger, on PostgreSQL by the
   * insert statement itself.
   */
  private async insertEvents(byCaller: DoraEventRow[][]): Promise<number[]> {
    const callerOf = new Map<string, number>();
    const rows: DoraEventRow[] = [];
    byCaller.forEach((own, caller) => {
      for (const row of own) {
        callerOf.set(row.id, caller);
        rows.push(row);
      }
    });
    rows.sort((a, b) => byId(a.id, b.id));
    const stored = byCaller.map(() => 0);
    const count = (ids: string[]) => {
      for (const id of ids) stored[callerOf.get(id)!]++;
    };
    if (this.sqlite) {
      // Many callers of one event each share a few statements, not one
      // each, and the statements come in a few sizes, each prepared once.
      // A statement of one caller's rows counts them; one of several
      // callers' rows returns their ids, which costs more per row.
      const writes = sqliteChunks(rows).map(chunk => {
        const caller = callerOf.get(chunk[0].id)!;
        const own = chunk.every(row => callerOf.get(row.id) === caller);
        return {
          caller: own ? caller : undefined,
          ...sqliteInsert(RECENT, chunk, {
            ignoreConflictOn: 'id',
            unlessIn: TABLE,
            returning: own ? undefined : 'id',
          }),
        };
      });
      const results = await runSqliteWrites(this.db, writes);
      results.forEach(({ changes, returned }, i) => {
        const caller = writes[i].caller;
        if (caller === undefined) count(returned as string[]);
        else stored[caller] += changes;
      });
      return stored;
    }
    const token = randomUUID();
    const write = async (db: Knex) => {
      for (let i = 0; i < rows.length; i += this.chunk) {
        const inserted = await this.insertEventsStatement!(db, [
          ...pgColumnArrays(RECENT, rows.slice(i, i + this.chunk)),
          token,
        ]);
        count(inserted.map(row => row.id));
      }
    };
    // No lock of its own: each insert locks the tables it names before it
    // takes the snapshot it looks for its ids with. A swap of the recent
    // tables and the end of a copy (its TRUNCATE) lock them too, so each has
    // committed before that snapshot or waits for this to commit: an insert
    // finds an id in the moving table or in the large one, and never misses
    // one a move put there (tested). A group commit is one statement, its
    // own transaction.
    if (rows.length <= this.chunk) await write(this.db);
    else await this.db.transaction(write);
    return stored;
  }

  /**
   * Moves every recent event into the large events table, sorted by service
   * and time: the large table's entity index is written page after page,
   * each page once for all its events. Moving is no change to a service's
   * events: no service is marked stale. Returns how many events moved.
   * Ingest starts a move, before its own insert, when enough events are
   * recent.
   *
   * On SQLite, with one writer, a move is one transaction. On PostgreSQL it
   * takes two (see `swapRecentTables` and `copyMovingEvents`): the first, an
   * instant, makes the recent table the moving one and an empty one the
   * recent one; the second copies the moving table into the large one while
   * ingest goes on into the recent one.
   */
  async moveRecentEvents(): Promise<number> {
    this.moving ??= (
      this.sqlite ? this.moveSqlite() : this.movePostgres()
    ).finally(() => {
      this.moving = undefined;
    });
    return this.moving;
  }

  private async moveSqlite(): Promise<number> {
    // One writer: nothing is stored between the copy and the delete.
    const [{ changes }] = await runSqliteWrites(this.db, [
      {
        sql: `insert into "${TABLE}" (${EVENT_COLUMNS})
              select ${EVENT_COLUMNS} from "${RECENT}"
              order by entity_ref, occurred_at`,
        bindings: [],
      },
      { sql: `delete from "${RECENT}"`, bindings: [] },
    ]);
    this.recentEvents = 0;
    return changes;
  }

  /** The whole move on PostgreSQL: events a failed copy left go first. */
  private async movePostgres(): Promise<number> {
    await this.copying;
    let moved = 0;
    for (;;) {
      const state = await this.swapRecentTables({ wait: true });
      if (state === 'leftover') {
        moved += await this.copyMovingEvents();
      } else {
        if (state === 'swapped') moved += await this.copyMovingEvents();
        return moved;
      }
    }
  }

  /**
   * The part of a move that ingest waits for, on PostgreSQL: the swap of
   * the two recent tables. The copy then runs on its own; a move due while
   * it runs waits for it. A copy that fails leaves its events in the moving
   * table, where reads and ingest still find them, and the next move due
   * copies them first, with ingest waiting and failing with it.
   */
  private startMove(): Promise<void> {
    this.starting ??= (async () => {
      await this.copying;
      const state = await this.swapRecentTables({ wait: false });
      if (state === 'leftover') await this.copyMovingEvents();
      if (state === 'swapped') {
        const copy = this.copyMovingEvents().finally(() => {
          this.copying = undefined;
        });
        // Its events stay readable in the moving table; the next move due
        // copies them first.
        copy.catch(error =>
          this.logger?.warn(
            `DORA events: a move's copy into ${TABLE} failed; the next move copies its events again`,
            error,
          ),
        );
        this.copying = copy;
      }
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Makes the recent table the moving one, on PostgreSQL, by swapping the
   * two tables' names: in an instant, whatever the tables hold. Every
   * statement that names either table waits for the swap's lock and then
   * finds the table by its new name; the view of all events reads both
   * tables whatever their names. No swap while the moving table still holds
   * events: `leftover`. With `wait: false`, `busy` when another move holds
   * the move lock (another replica's, say).
   */
  private async swapRecentTables({
    wait,
  }: {
    wait: boolean;
  }): Promise<'swapped' | 'empty' | 'leftover' | 'busy'> {
    const state = await this.db.transaction(async tx => {
      if (wait) {
        await tx.raw(`SELECT pg_advisory_xact_lock(${MOVE_LOCK})`);
      } else {
        const { rows } = await tx.raw(
          `SELECT pg_try_advisory_xact_lock(${MOVE_LOCK}) AS locked`,
        );
        if (!rows[0].locked) return 'busy';
      }
      // In the order ingest locks them: the recent table, then the moving.
      await tx.raw(
        `LOCK TABLE "${RECENT}", "${MOVING}" IN ACCESS EXCLUSIVE MODE`,
      );
      const holds = async (table: string) =>
        (await tx.raw(`SELECT EXISTS (SELECT 1 FROM "${table}") AS found`))
          .rows[0].found as boolean;
      if (await holds(MOVING)) return 'leftover';
      if (!(await holds(RECENT))) return 'empty';
      await tx.raw(`ALTER TABLE "${RECENT}" RENAME TO "${SWAPPING}"`);
      await tx.raw(`ALTER TABLE "${MOVING}" RENAME TO "${RECENT}"`);
      await tx.raw(`ALTER TABLE "${SWAPPING}" RENAME TO "${MOVING}"`);
      return 'swapped';
    });
    if (state === 'swapped' || state === 'empty') this.recentEvents = 0;
    return state;
  }

  /**
   * Copies the moving table into the large one and empties it, on
   * PostgreSQL, in one transaction; returns how many events it copied.
   * Ingest and reads go on meanwhile, and find the events in the moving
   * table until the commit, in the large table after it.
   */
  private async copyMovingEvents(): Promise<number> {
    return this.db.transaction(async tx => {
      // After any swap under way; no swap until this commits.
      await tx.raw(`SELECT pg_advisory_xact_lock(${MOVE_LOCK})`);
      // Holds writers of the moving table (a rematch) off; reads go on.
      await tx.raw(`LOCK TABLE "${MOVING}" IN EXCLUSIVE MODE`);
      // The sort of a move's events in memory, not in temporary files.
      await tx.raw(`SET LOCAL work_mem = '${MOVE_WORK_MEM}'`);
      const result = await tx.raw(
        `INSERT INTO "${TABLE}" (${EVENT_COLUMNS})
         SELECT ${EVENT_COLUMNS} FROM "${MOVING}"
         ORDER BY entity_ref, occurred_at`,
      );
      // Emptied, not deleted row by row: a DELETE leaves every moved row
      // dead in the table and its indexes until a VACUUM, and without
      // autovacuum the table would grow by a move's worth each time.
      // TRUNCATE waits for the statements under way that read the table and
      // holds new ones for the instant until the commit; one that waited
      // takes its snapshot after it, so it finds the events in the large
      // table.
      await tx.raw(`TRUNCATE "${MOVING}"`);
      return result.rowCount as number;
    });
  }

  private async countRecentEvents(): Promise<number> {
    const [{ count }] = await this.db(RECENT).count({ count: '*' });
    return Number(count);
  }

  async listAllForEntities(entityRefs: string[]): Promise<StoredDoraEvent[]> {
    // Never the whole table: events are the largest table by far.
    const rows = await this.rowsOf<DoraEventRow>(
      entityRefs,
      () => this.db<DoraEventRow>(ALL_EVENTS),
      { wholeAbove: Infinity },
    );
    // Oldest first, ties by id: the same order however the rows were read.
    // Each row's time is parsed once, not once per comparison.
    const timed = rows.map(row => ({
      row,
      at: new Date(row.occurred_at).getTime(),
    }));
    timed.sort((a, b) => a.at - b.at || byId(a.row.id, b.row.id));
    return timed.map(({ row }) => toEvent(row));
  }

  async listStale(entityRefs?: string[]): Promise<StaleDoraService[]> {
    const rows = await this.rowsOf<{ entity_ref: string; token: string }>(
      entityRefs,
      () => this.db(STALE).select('entity_ref', 'token'),
    );
    return rows.map(r => ({ entityRef: r.entity_ref, token: r.token }));
  }

  async replaceFacts(
    entries: Array<StaleDoraService & { facts: DoraFacts }>,
  ): Promise<string[]> {
    const replaced: string[] = [];
    await this.db.transaction(async tx => {
      for (let i = 0; i < entries.length; i += CLAIM_CHUNK) {
        const chunk = entries.slice(i, i + CLAIM_CHUNK);
        // Claim first, locking the marks in entity order as ingest does (no
        // deadlock): a mark changed since it was read is left alone, and a
        // replica claiming the same marks at once waits for this transaction
        // and then finds them gone.
        const tokens = new Map(chunk.map(e => [e.entityRef, e.token]));
        const current = tx(STALE)
          .select('entity_ref', 'token')
          .whereIn('entity_ref', [...tokens.keys()]);
        // SQLite has one writer, so what this transaction reads stays true
        // until it commits. On PostgreSQL the rows are locked in code-point
        // order, the order `markStale` writes them in.
        const claimed: Array<{ entity_ref: string; token: string }> = (
          await (this.sqlite
            ? current
            : current.orderByRaw('entity_ref COLLATE "C"').forUpdate())
        ).filter(
          (r: { entity_ref: string; token: string }) =>
            tokens.get(r.entity_ref) === r.token,
        );
        const refs = new Set(claimed.map(r => r.entity_ref));
        if (refs.size === 0) continue;
        await tx(STALE)
          .whereIn('entity_ref', [...refs])
          .delete();
        await tx(FACTS)
          .whereIn('entity_ref', [...refs])
          .delete();
        const rows: DoraFactRow[] = [];
        for (const { entityRef, facts } of chunk) {
          if (refs.has(entityRef)) append(rows, factRows(facts));
        }
        for (let j = 0; j < rows.length; j += this.chunk) {
          await this.insertRows(tx, FACTS, rows.slice(j, j + this.chunk));
        }
        append(replaced, [...refs]);
      }
    });
    return replaced;
  }

  async listFacts(
    entityRefs: string[] | undefined,
    window: DoraWindow,
  ): Promise<DoraFacts> {
    const facts: DoraFacts = { deployments: [], leadTimes: [], recoveries: [] };
    const rows = await this.rowsOf<DoraFactRow>(entityRefs, () =>
      this.db<DoraFactRow>(FACTS)
        .select('entity_ref', 'kind', 'at_ms', 'value_ms', 'failed', 'rework')
        .where('at_ms', '>=', Date.parse(window.from))
        .where('at_ms', '<', Date.parse(window.to)),
    );
    for (const row of rows) {
      const entityRef = row.entity_ref;
      const atMs = Number(row.at_ms);
      if (row.kind === 'deployment') {
        facts.deployments.push({
          entityRef,
          finishedMs: atMs,
          failed: Boolean(row.failed),
          rework: Boolean(row.rework),
        });
      } else if (row.kind === 'lead_time') {
        facts.leadTimes.push({
          entityRef,
          deployedMs: atMs,
          leadMs: Number(row.value_ms),
        });
      } else {
        facts.recoveries.push({
          entityRef,
          startedMs: atMs,
          recoveryMs: Number(row.value_ms),
        });
      }
    }
    return facts;
  }

  async useFactSettings(settings: string): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx(FACT_SETTINGS)
        .where({ name: 'facts' })
        .first('value');
      if (row?.value === settings) return false;
      await tx(FACT_SETTINGS)
        .insert({ name: 'facts', value: settings })
        .onConflict('name')
        .merge(['value']);
      const services = await tx<DoraEventRow>(ALL_EVENTS)
        .distinct('entity_ref')
        .whereNotNull('entity_ref');
      await this.markStale(
        tx,
        services.map(r => r.entity_ref!),
      );
      return true;
    });
  }

  /**
   * The rows of these services that `query` (a new builder at each call)
   * selects: all rows with `undefined`; for up to `wholeAbove` services, IN
   * lists of `READ_CHUNK`; above, one read filtered here, which beats
   * hundreds of IN lists.
   */
  private async rowsOf<R extends { entity_ref: string | null }>(
    entityRefs: string[] | undefined,
    query: () => Knex.QueryBuilder,
    { wholeAbove = WHOLE_TABLE_ABOVE }: { wholeAbove?: number } = {},
  ): Promise<R[]> {
    if (!entityRefs) return query();
    if (entityRefs.length > wholeAbove) {
      const wanted = new Set(entityRefs);
      return (await query()).filter((r: R) => wanted.has(r.entity_ref!));
    }
    const rows: R[] = [];
    for (let i = 0; i < entityRefs.length; i += READ_CHUNK) {
      append(
        rows,
        await query().whereIn(
          'entity_ref',
          entityRefs.slice(i, i + READ_CHUNK),
        ),
      );
    }
    return rows;
  }

  /**
   * Inserts rows (all with the same columns) in one statement, within `tx`.
   * On PostgreSQL each column is one array parameter, unnested: thousands of
   * bound values, or a JSON document read row by row, cost more to parse
   * than the insert itself. On SQLite, which binds values cheaply, the rows
   * are one VALUES list (`sqliteInsert`), run as a statement prepared once
   * per connection and row count (`runSqliteStatement`).
   */
  private async insertRows(
    tx: Knex,
    table: string,
    rows: Array<Record<string, Knex.Value>>,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.sqlite) {
      const { sql, bindings } = sqliteInsert(table, rows, {});
      await runSqliteStatement(tx, sql, bindings);
    } else {
      await tx.raw(pgInsertSql(table, {}), pgColumnArrays(table, rows));
    }
  }

  /**
   * Marks services stale with a new token, within the caller's transaction,
   * in entity order: concurrent writers lock the marks in the same order.
   */
  private async markStale(tx: Knex.Transaction, unsorted: string[]) {
    const token = randomUUID();
    const entityRefs = [...unsorted].sort(byId);
    for (let i = 0; i < entityRefs.length; i += this.chunk) {
      await tx(STALE)
        .insert(
          entityRefs
            .slice(i, i + this.chunk)
            .map(entityRef => ({ entity_ref: entityRef, token })),
        )
        .onConflict('entity_ref')
        .merge(['token']);
    }
  }

  async listDeployments(entityRef: string): Promise<StoredDoraEvent[]> {
    const rows = await this.db<DoraEventRow>(ALL_EVENTS)
      .where({ entity_ref: entityRef, kind: 'deployment' })
      .orderBy([{ column: 'occurred_at' }, { column: 'id' }]);
    return rows.map(toEvent);
  }

  async hasDelivery(deliveryId: string): Promise<boolean> {
    const row = await this.db(DELIVERIES)
      .where({ delivery_id: deliveryId })
      .first('delivery_id');
    return row !== undefined;
  }

  async recordDelivery(
    deliveryId: string,
    receivedAt: Date,
    forgetBefore: Date,
  ): Promise<void> {
    await this.db(DELIVERIES)
      .insert({ delivery_id: deliveryId, received_at: receivedAt })
      .onConflict('delivery_id')
      .ignore();
    await this.db(DELIVERIES).where('received_at', '<', forgetBefore).delete();
  }

  async listUnmatched(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: StoredDoraEvent[]; totalCount: number }> {
    const [{ count }] = await this.db(ALL_EVENTS)
      .whereNull('entity_ref')
      .count({ count: '*' });
    const rows = await this.db<DoraEventRow>(ALL_EVENTS)
      .whereNull('entity_ref')
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(toEvent), totalCount: Number(count) };
  }

  async listUnmatchedKeys(): Promise<string[]> {
    const rows = await this.db<DoraEventRow>(ALL_EVENTS)
      .distinct('match_key')
      .whereNull('entity_ref')
      .orderBy('match_key');
    return rows.map(r => r.match_key);
  }

  async rematch(entityRefByMatchKey: Map<string, string>): Promise<number> {
    return this.db.transaction(async tx => {
      // No swap or copy in between: either could take events from one table
      // to another after that one was matched.
      if (!this.sqlite) {
        await tx.raw(
          `LOCK TABLE "${RECENT}", "${MOVING}" IN ROW EXCLUSIVE MODE`,
        );
      }
      let matched = 0;
      const changed = new Set<string>();
      const keys = [...entityRefByMatchKey.keys()];
      for (let i = 0; i < keys.length; i += this.chunk) {
        for (const table of [TABLE, MOVING, RECENT]) {
          // The keys this table holds unmatched events of (through its
          // index of them); only those are updated, so every event matched
          // is of a service marked stale below.
          const found = (
            await tx<DoraEventRow>(table)
              .distinct('match_key')
              .whereNull('entity_ref')
              .whereIn('match_key', keys.slice(i, i + this.chunk))
          ).map(row => row.match_key);
          if (found.length === 0) continue;
          matched += await this.matchUnmatched(
            tx,
            table,
            found.map(key => [key, entityRefByMatchKey.get(key)!]),
          );
          for (const key of found) changed.add(entityRefByMatchKey.get(key)!);
        }
      }
      await this.markStale(tx, [...changed]);
      return matched;
    });
  }

  /**
   * Sets the service of the unmatched events of `table` with these match
   * keys, in one statement; returns how many events it matched.
   */
  private async matchUnmatched(
    tx: Knex.Transaction,
    table: string,
    pairs: Array<[matchKey: string, entityRef: string]>,
  ): Promise<number> {
    const update = (source: string) =>
      `update "${table}" as e set entity_ref = v.column2 from ${source}
       where e.entity_ref is null and e.match_key = v.column1`;
    if (this.sqlite) {
      // A VALUES list read as a table names its columns column1, column2.
      const [{ changes }] = await runSqliteWrites(tx, [
        {
          sql: update(`(values ${pairs.map(() => '(?, ?)').join(', ')}) as v`),
          bindings: pairs.flat(),
        },
      ]);
      return changes;
    }
    const result = await tx.raw(
      update('unnest(?::text[], ?::text[]) as v (column1, column2)'),
      [pairs.map(([key]) => key), pairs.map(([, ref]) => ref)],
    );
    return result.rowCount as number;
  }
}

function factRows(facts: DoraFacts): DoraFactRow[] {
  const fact = (
    entityRef: string,
    kind: FactKind,
    atMs: number,
    valueMs: number | null,
    failed = false,
    rework = false,
  ): DoraFactRow => ({
    entity_ref: entityRef,
    kind,
    at_ms: atMs,
    value_ms: valueMs,
    failed,
    rework,
  });
  return [
    ...facts.deployments.map(d =>
      fact(d.entityRef, 'deployment', d.finishedMs, null, d.failed, d.rework),
    ),
    ...facts.leadTimes.map(l =>
      fact(l.entityRef, 'lead_time', l.deployedMs, l.leadMs),
    ),
    ...facts.recoveries.map(r =>
      fact(r.entityRef, 'recovery', r.startedMs, r.recoveryMs),
    ),
  ];
}

function toEvent(row: DoraEventRow): StoredDoraEvent {
  return {
    id: row.id,
    kind: row.kind,
    matchKey: row.match_key,
    occurredAt: new Date(row.occurred_at).toISOString(),
    record: JSON.parse(row.payload),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    receivedAt: new Date(row.received_at).toISOString(),
  } as StoredDoraEvent;
}
