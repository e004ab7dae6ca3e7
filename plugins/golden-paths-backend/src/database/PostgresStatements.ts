import { Knex } from 'knex';
import { withPooledConnection } from './PooledConnection';

// The few node-postgres client members used here.
type PgConnection = {
  query(config: {
    name?: string;
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
 * With a `name`, the statement is prepared: PostgreSQL parses it once per
 * connection, and after five runs may keep one plan for it until the
 * tables it reads are next analyzed. Growth alone does not replan it, so a
 * plan made while a table was empty (a hash join over all of it, say)
 * stays when the table has millions of rows and no ANALYZE has run. Pass
 * `undefined` for a statement whose best plan depends on the size of a
 * table that grows: it is then planned at each run, for the table as it is.
 *
 * Name the columns in `sql`: a prepared `SELECT *` fails once a migration
 * adds a column.
 *
 * @internal
 */
export function preparePostgresQuery<Row>(
  knex: Knex,
  name: string | undefined,
  sql: string,
): ((db: Knex, values: unknown[]) => Promise<Row[]>) | undefined {
  if ((knex.client as { dialect?: string }).dialect !== 'postgresql') {
    return undefined;
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (db, values) =>
    withPooledConnection(db, async (connection: PgConnection) => {
      const { rows } = await connection.query(
        name ? { name, text, values } : { text, values },
      );
      return rows as Row[];
    });
}
