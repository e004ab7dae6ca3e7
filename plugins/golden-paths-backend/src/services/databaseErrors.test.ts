import { InputError, NotFoundError } from '@backstage/errors';
import {
  asServiceUnavailable,
  isDatabaseUnavailableError,
} from './databaseErrors';

const withCode = (message: string, code: string) =>
  Object.assign(new Error(message), { code });

describe('isDatabaseUnavailableError', () => {
  it.each([
    [
      'refused',
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    ],
    ['reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pg, server gone', new Error('Connection terminated unexpectedly')],
    [
      'pg, through knex',
      new Error(
        'insert into "golden_paths_dora_events" ... - Connection terminated unexpectedly',
      ),
    ],
    [
      'knex pool timeout',
      Object.assign(
        new Error(
          'Knex: Timeout acquiring a connection. The pool is probably full.',
        ),
        { name: 'KnexTimeoutError' },
      ),
    ],
    [
      'pg, a closed client',
      new Error('Client was closed and is not queryable'),
    ],
    ['pg admin shutdown', withCode('terminating connection', '57P01')],
    ['pg cannot connect now', withCode('starting up', '57P03')],
    ['pg connection failure', withCode('connection failure', '08006')],
    ['pg too many clients', withCode('sorry, too many clients', '53300')],
    ['sqlite busy', withCode('database is locked', 'SQLITE_BUSY')],
    ['a cause', new Error('wrapped', { cause: withCode('x', 'ECONNREFUSED') })],
    [
      'an AggregateError (IPv4 and IPv6 both refused)',
      new AggregateError([
        withCode('connect ECONNREFUSED ::1', 'ECONNREFUSED'),
      ]),
    ],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a constraint violation', withCode('duplicate key value', '23505')],
    ['a value too long', withCode('value too long', '22001')],
    ['a syntax error', withCode('syntax error at or near', '42601')],
    ['an InputError', new InputError('entityRef is required')],
    ['a plain TypeError', new TypeError('x is undefined')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('leaves %s alone', (_name, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });

  it('does not loop on a cyclic cause', () => {
    const error = new Error('a') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});

describe('asServiceUnavailable', () => {
  it('maps an unreachable database to a 503 that does not name the database', () => {
    const cause = withCode(
      'connect ECONNREFUSED 10.1.2.3:5432',
      'ECONNREFUSED',
    );
    const mapped = asServiceUnavailable(cause) as Error;
    expect(mapped).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'The database is unavailable; try again later',
    });
    expect(JSON.stringify(mapped)).not.toContain('10.1.2.3');
  });

  it('returns any other error as it was', () => {
    const error = new NotFoundError('No exemption x');
    expect(asServiceUnavailable(error)).toBe(error);
  });
});
