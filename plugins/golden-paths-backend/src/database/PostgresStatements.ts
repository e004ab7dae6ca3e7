import { Knex } from 'knex';
import { withPooledConnection } from './PooledConnection';

// The few node-postgres client members used here.
type PgConnection = {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: unknown[] }>;
};

/**
 * Returns a function that runs `sql` (with `?` placeholders) on PostgreSQL
 * as a named prepared statement and returns its rows; undefined on other
 * engines. The function takes the database to run on: the knex instance, or
 * a transaction, whose own connection it then uses.
 *
 * The query builder and its runner cost a small statement more than the
 * database does: taking a pooled connection and running the statement by
 * name skips both, and PostgreSQL parses and plans it once per connection.
 * The pool's connections carry its settings (search path, timeouts), and
 * one that fails is discarded by the pool as usual.
 *
 * Name the columns in `sql`: a prepared `SELECT *` fails once a migration
 * adds a column.
 *
 * @internal
 */
export function preparePostgresQuery<Row>(
  knex: Knex,
  name: string,
  sql: string,
): ((db: Knex, values: unknown[]) => Promise<Row[]>) | undefined {
  if ((knex.client as { dialect?: string }).dialect !== 'postgresql') {
    return undefined;
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (db, values) =>
    withPooledConnection(db, async (connection: PgConnection) => {
      const { rows } = await connection.query({ name, text, values });
      return rows as Row[];
    });
}
