import { Knex } from 'knex';

// The few node-postgres client members used here.
type PgConnection = {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: unknown[] }>;
};

/**
 * Returns a function that reads the first row of `sql` (with `?`
 * placeholders) on PostgreSQL as a named prepared statement, on a connection
 * of the knex pool; undefined on other engines. The query builder and its
 * runner cost the gate's one read more than the database does: taking a
 * pooled connection and running the statement by name skips both, and
 * PostgreSQL parses and plans it once per connection. The pool's
 * connections carry its settings (search path, timeouts), and one that
 * fails is discarded by the pool as usual.
 *
 * Name the columns in `sql`: a prepared `SELECT *` fails once a migration
 * adds a column.
 *
 * @internal
 */
export function preparePostgresGet<Row>(
  knex: Knex,
  name: string,
  sql: string,
): ((...params: unknown[]) => Promise<Row | undefined>) | undefined {
  if ((knex.client as { dialect?: string }).dialect !== 'postgresql') {
    return undefined;
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return async (...values) => {
    const connection: PgConnection = await knex.client.acquireConnection();
    try {
      const { rows } = await connection.query({ name, text, values });
      return rows[0] as Row | undefined;
    } finally {
      await knex.client.releaseConnection(connection);
    }
  };
}
