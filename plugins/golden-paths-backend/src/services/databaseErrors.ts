import { ServiceUnavailableError } from '@backstage/errors';

// Socket-level failures, as Node and the pg driver report them.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // SQLite: another connection holds the lock past the busy timeout.
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator
// intervention: shutdown, restart, cannot connect now), and 53300 (too many
// connections).
const SQLSTATE = /^(08\d{3}|57P0[1-4]|53300)$/;

// What knex, pg and better-sqlite3 say when the server went away; their
// errors do not always carry a code.
const MESSAGES = [
  /Connection terminated/i,
  /Timeout acquiring a connection/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /Client was closed and is not queryable/i,
  /server closed the connection unexpectedly/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down)/i,
  /database is locked/i,
];

/**
 * Whether an error means the database could not be reached (refused, reset,
 * timed out waiting for a connection, busy), rather than that the query or
 * the data was wrong. Looks through `cause` chains and AggregateErrors.
 *
 * @internal
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const check = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return false;
    seen.add(e);
    const { code, name, message, cause, errors } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (
      typeof code === 'string' &&
      (CONNECTION_CODES.has(code) || SQLSTATE.test(code))
    ) {
      return true;
    }
    if (name === 'KnexTimeoutError') return true;
    if (
      typeof message === 'string' &&
      MESSAGES.some(pattern => pattern.test(message))
    ) {
      return true;
    }
    return check(cause) || (Array.isArray(errors) && errors.some(check));
  };
  return check(error);
}

/**
 * Turns a database-unreachable error into a `ServiceUnavailableError` (503),
 * so a client knows to retry; any other error is returned as it was. The
 * cause is left out: its message names the database's host and port, which
 * callers have no business knowing.
 *
 * @internal
 */
export function asServiceUnavailable(error: unknown): unknown {
  if (!isDatabaseUnavailableError(error)) return error;
  return new ServiceUnavailableError(
    'The database is unavailable; try again later',
  );
}
