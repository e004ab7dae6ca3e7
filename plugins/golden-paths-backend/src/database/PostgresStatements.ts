import { Knex } from 'knex';
import { withPooledConnection } from './PooledConnection';

// The few node-postgres client members used here.
type PgConnection = {
  query(config: {
    text: string;
    values: unknown[];
  }): Promise<{ rows: unknown[] }>;
};

/**
 * Returns a function that runs `sql` (with `?` placeholders) on PostgreSQL
 * and returns its rows; undefined on other engines. The function takes the
 * database to run on: the knex instance, or a transaction, whose own
 * connection it then uses.
 *
 * The query builder and its runner cost a small statement more than the
 * database does: taking a pooled connection and running the statement
 * directly skips both. The pool's connections carry its settings (search
 * path, timeouts), and one that fails is discarded by the pool as usual.
 *
 * The statement is not prepared, so it is planned at each run for the
 * tables as they are. A prepared statement may, after five runs, keep one
 * generic plan until its tables are next analyzed, and growth alone does
 * not replace it: a plan made while a table was empty (a sequential scan, a
 * hash join that reads all of it) stays when it has millions of rows, for
 * as long as no ANALYZE runs (with autovacuum off, forever). Parsing and
 * planning again costs far less than one such run.
 *
 * @internal
 */
export function postgresQuery<Row>(
  knex: Knex,
  sql: string,
): ((db: Knex, values: unknown[]) => Promise<Row[]>) | undefined {
  if ((knex.client as { dialect?: string }).dialect !== 'postgresql') {
    return undefined;
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (db, values) =>
    withPooledConnection(db, async (connection: PgConnection) => {
      const { rows } = await connection.query({ text, values });
      return rows as Row[];
    });
}
