import { Knex } from 'knex';
import { boundedMemo } from '../boundedMemo';
import { withPooledConnection } from './PooledConnection';

// The few better-sqlite3 members used here, on the connection knex holds.
type SqliteStatement = {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  pluck(toggle?: boolean): SqliteStatement;
};
type SqliteConnection = {
  prepare(sql: string): SqliteStatement;
  transaction<F extends () => unknown>(fn: F): F;
};

/** Statements kept per connection; a bulk insert has one per row count. */
const MAX_STATEMENTS = 64;
const statements = new WeakMap<
  SqliteConnection,
  (sql: string) => SqliteStatement
>();

/**
 * Runs `sql` on the better-sqlite3 connection of `db` (inside its transaction
 * when `db` is one), with a statement prepared once per connection and kept.
 * Knex prepares every statement again on each call, and formats thousands of
 * bindings into it: for a 500-row insert that costs about a tenth of the
 * write. Returns the rows of a statement that returns rows, else `[]`.
 * Bindings are converted as knex's better-sqlite3 client does: dates to epoch
 * milliseconds, booleans to 0 and 1.
 *
 * @internal
 */
export async function runSqliteStatement(
  db: Knex,
  sql: string,
  bindings: unknown[],
): Promise<any[]> {
  return withPooledConnection(
    db,
    (connection: SqliteConnection) =>
      execute(connection, sql, bindings, { pluck: false }).rows,
  );
}

/**
 * Runs the writes in one transaction of their own (a savepoint when `db` is
 * a transaction), as {@link runSqliteStatement} runs one, and returns for
 * each how many rows it inserted, updated or deleted itself (rows written
 * by its triggers, and rows an `on conflict do nothing` skipped, do not
 * count) and, for a write with a `returning` clause, the values of the
 * first column it returned, one per row.
 * better-sqlite3 is synchronous, so nothing else runs on the connection
 * between the first write and the commit. Counting is cheaper than a
 * `returning` clause, whose rows are built and copied into JavaScript one
 * by one.
 *
 * @internal
 */
export async function runSqliteWrites(
  db: Knex,
  writes: Array<{ sql: string; bindings: unknown[] }>,
): Promise<Array<{ changes: number; returned: unknown[] }>> {
  return withPooledConnection(db, (connection: SqliteConnection) =>
    connection.transaction(() =>
      writes.map(({ sql, bindings }) => {
        // Values, not row objects: cheaper to build and to read.
        const { changes, rows } = execute(connection, sql, bindings, {
          pluck: true,
        });
        return { changes, returned: rows };
      }),
    )(),
  );
}

/**
 * Runs `sql` with its statement prepared once per connection: a statement
 * that returns rows gives them (each row's first value with `pluck`, set on
 * every run, since the statement is shared), any other how many rows it
 * changed.
 */
function execute(
  connection: SqliteConnection,
  sql: string,
  bindings: unknown[],
  options: { pluck: boolean },
): { changes: number; rows: any[] } {
  const statement = prepared(connection, sql);
  const values = bindings.map(toSqliteValue);
  if (statement.reader) {
    const rows = statement.pluck(options.pluck).all(...values);
    return { changes: rows.length, rows };
  }
  return { changes: statement.run(...values).changes, rows: [] };
}

/** The statement for `sql` on this connection, prepared on first use. */
function prepared(connection: SqliteConnection, sql: string): SqliteStatement {
  let prepare = statements.get(connection);
  if (!prepare) {
    prepare = boundedMemo(text => connection.prepare(text), MAX_STATEMENTS);
    statements.set(connection, prepare);
  }
  return prepare(sql);
}

function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.valueOf();
  if (typeof value === 'boolean') return Number(value);
  return value;
}
