import { Knex } from 'knex';

/**
 * Runs `use` with a connection of `db`'s pool, released afterwards, for the
 * statements this plugin runs on the driver itself (`runSqliteStatement`,
 * `postgresQuery`). A transaction's client hands out the
 * transaction's own connection, so statements run through it join the
 * transaction.
 *
 * @internal
 */
export async function withPooledConnection<Connection, T>(
  db: Knex,
  use: (connection: Connection) => T | Promise<T>,
): Promise<T> {
  const connection: Connection = await db.client.acquireConnection();
  try {
    return await use(connection);
  } finally {
    await db.client.releaseConnection(connection);
  }
}
