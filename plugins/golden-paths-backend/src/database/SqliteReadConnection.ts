import { Knex } from 'knex';

// The few better-sqlite3 members used here. The driver is the one knex
// already loaded, so the plugin takes no dependency of its own on it.
type SqliteStatement = { get(...params: unknown[]): unknown };
type SqliteDatabase = {
  readonly open: boolean;
  prepare(sql: string): SqliteStatement;
  pragma(source: string, options: { simple: true }): unknown;
  close(): void;
};
type SqliteDriver = new (
  filename: string,
  options: {
    readonly: boolean;
    fileMustExist: boolean;
    nativeBinding?: string;
  },
) => SqliteDatabase;

/**
 * A read-only better-sqlite3 connection of its own on the SQLite file behind a
 * knex instance, for hot single-row reads. Knex prepares every statement
 * again on each call and queues on its one SQLite connection; a statement
 * prepared once here skips both. The file is in WAL mode, so this connection
 * sees every committed write without blocking the writer, and it never sees
 * a write transaction that is still open: it writes nothing itself.
 *
 * @internal
 */
export class SqliteReadConnection {
  private constructor(private readonly db: SqliteDatabase) {}

  /**
   * Opens the connection when `knex` is better-sqlite3 on a file in WAL mode;
   * otherwise (PostgreSQL, in-memory SQLite) returns undefined and reads stay
   * with knex.
   */
  static open(knex: Knex): SqliteReadConnection | undefined {
    const {
      driverName,
      driver: Driver,
      connectionSettings,
    } = knex.client as {
      driverName?: string;
      driver?: SqliteDriver;
      connectionSettings?: {
        filename?: unknown;
        options?: { nativeBinding?: string };
      };
    };
    const filename = connectionSettings?.filename;
    if (
      driverName !== 'better-sqlite3' ||
      !Driver ||
      typeof filename !== 'string' ||
      filename === '' ||
      filename === ':memory:'
    ) {
      return undefined;
    }
    const db = new Driver(filename, {
      readonly: true,
      fileMustExist: true,
      nativeBinding: connectionSettings?.options?.nativeBinding,
    });
    // Outside WAL mode a reader would take turns with the writer instead.
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
      db.close();
      return undefined;
    }
    return new SqliteReadConnection(db);
  }

  /** False once closed; reads then go back to knex. */
  get open(): boolean {
    return this.db.open;
  }

  /**
   * Returns a function that reads the first row of `sql`, prepared on the
   * first call and kept. Each call is a transaction of its own, so it sees
   * the latest commit.
   */
  prepareGet<Row>(sql: string): (...params: unknown[]) => Row | undefined {
    let statement: SqliteStatement | undefined;
    return (...params) => {
      statement ??= this.db.prepare(sql);
      return statement.get(...params) as Row | undefined;
    };
  }

  /** Closes the connection; the plugin's lifecycle calls this on shutdown. */
  close(): void {
    this.db.close();
  }
}
