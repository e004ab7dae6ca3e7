import { TestDatabases } from '@backstage/backend-test-utils';
import { runSqliteStatement, runSqliteWrites } from './SqliteStatements';

jest.setTimeout(60_000);

// The helper reaches into better-sqlite3, so it only runs on SQLite.
describe('runSqliteStatement', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function init() {
    const knex = await databases.init('SQLITE_3');
    await knex.schema.createTable('t', table => {
      table.string('id').primary();
      table.bigInteger('at');
      table.integer('flag');
    });
    return knex;
  }

  const insert =
    'insert into "t" ("id","at","flag") values (?,?,?) on conflict ("id") do nothing returning "id"';

  it('returns the rows a statement returns, each time it runs again', async () => {
    const knex = await init();
    const at = new Date('2026-12-04T10:00:00Z');

    expect(await runSqliteStatement(knex, insert, ['a', at, true])).toEqual([
      { id: 'a' },
    ]);
    expect(await runSqliteStatement(knex, insert, ['b', at, false])).toEqual([
      { id: 'b' },
    ]);
    // A conflict returns no row; the statement kept from before still works.
    expect(await runSqliteStatement(knex, insert, ['a', at, false])).toEqual(
      [],
    );
    // Dates are stored as epoch milliseconds and booleans as 0 and 1, as knex
    // itself binds them.
    expect(await knex('t').orderBy('id')).toEqual([
      { id: 'a', at: at.valueOf(), flag: 1 },
      { id: 'b', at: at.valueOf(), flag: 0 },
    ]);
    expect(
      await runSqliteStatement(knex, 'select "id" from "t" where "flag" = ?', [
        false,
      ]),
    ).toEqual([{ id: 'b' }]);
    expect(
      await runSqliteStatement(knex, 'update "t" set "flag" = ?', [true]),
    ).toEqual([]);
    expect(await knex('t').where('flag', 1).count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
  });

  it('writes inside the transaction it is given', async () => {
    const knex = await init();
    let seenInside: string[] = [];
    await expect(
      knex.transaction(async tx => {
        await runSqliteStatement(tx, insert, ['inside', 1, 0]);
        seenInside = await tx('t').pluck('id');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Visible to the transaction itself, and gone once it rolls back.
    expect(seenInside).toEqual(['inside']);
    expect(await knex('t').pluck('id')).toEqual([]);

    await knex.transaction(async tx => {
      await runSqliteStatement(tx, insert, ['committed', 1, 0]);
    });
    expect(await knex('t').pluck('id')).toEqual(['committed']);
  });

  it('keeps working after more distinct statements than it keeps', async () => {
    const knex = await init();
    const ids = Array.from({ length: 150 }, (_, i) => `s${i}`);
    for (let n = 1; n <= ids.length; n += 1) {
      // One statement per row count, as a bulk insert of n rows writes it.
      const sql = `insert into "t" ("id") values ${Array(n)
        .fill('(?)')
        .join(',')} on conflict ("id") do nothing returning "id"`;
      const returned = await runSqliteStatement(knex, sql, ids.slice(0, n));
      expect(returned).toEqual([{ id: ids[n - 1] }]);
    }
    expect(await knex('t').count({ n: '*' })).toEqual([{ n: ids.length }]);
  });

  describe('runSqliteWrites', () => {
    const plain =
      'insert into "t" ("id","at","flag") values (?,?,?) on conflict ("id") do nothing';

    it('counts the rows each write stored itself, not those of triggers or conflicts', async () => {
      const knex = await init();
      await knex.schema.createTable('log', table => table.string('id'));
      await knex.raw(
        `CREATE TRIGGER t_log AFTER INSERT ON t
         BEGIN INSERT INTO log (id) VALUES (NEW.id); INSERT INTO log (id) VALUES (NEW.id); END`,
      );
      const two = `insert into "t" ("id","at","flag") values (?,?,?),(?,?,?) on conflict ("id") do nothing`;
      const at = new Date('2026-12-04T10:00:00Z');

      expect(
        await runSqliteWrites(knex, [
          { sql: two, bindings: ['a', at, true, 'b', at, false] },
          // 'a' is stored already: only 'c' counts.
          { sql: two, bindings: ['a', at, true, 'c', at, false] },
          { sql: plain, bindings: ['b', at, true] },
        ]),
      ).toEqual([
        { changes: 2, returned: [] },
        { changes: 1, returned: [] },
        { changes: 0, returned: [] },
      ]);
      expect(await knex('t').orderBy('id')).toEqual([
        { id: 'a', at: at.valueOf(), flag: 1 },
        { id: 'b', at: at.valueOf(), flag: 0 },
        { id: 'c', at: at.valueOf(), flag: 0 },
      ]);
      // The trigger ran for each stored row, twice.
      expect(await knex('log').count({ n: '*' })).toEqual([{ n: 6 }]);
    });

    it('returns the values a write with a returning clause returned', async () => {
      const knex = await init();
      const two = `insert into "t" ("id","at","flag") values (?,?,?),(?,?,?) on conflict ("id") do nothing returning "id"`;
      expect(
        await runSqliteWrites(knex, [
          { sql: two, bindings: ['a', 1, 0, 'b', 1, 0] },
          // 'b' is stored already: only 'c' comes back.
          { sql: two, bindings: ['b', 1, 0, 'c', 1, 0] },
        ]),
      ).toEqual([
        { changes: 2, returned: ['a', 'b'] },
        { changes: 1, returned: ['c'] },
      ]);
      expect(await knex('t').orderBy('id').pluck('id')).toEqual([
        'a',
        'b',
        'c',
      ]);
    });

    it('returns rows to runSqliteStatement for a text it returned values of', async () => {
      const knex = await init();
      // One statement per text and connection, shared by both helpers.
      const one = 'insert into "t" ("id") values (?) returning "id"';
      expect(
        await runSqliteWrites(knex, [{ sql: one, bindings: ['a'] }]),
      ).toEqual([{ changes: 1, returned: ['a'] }]);
      expect(await runSqliteStatement(knex, one, ['b'])).toEqual([{ id: 'b' }]);
      expect(
        await runSqliteWrites(knex, [{ sql: one, bindings: ['c'] }]),
      ).toEqual([{ changes: 1, returned: ['c'] }]);
    });

    it('writes all or nothing', async () => {
      const knex = await init();
      await expect(
        runSqliteWrites(knex, [
          { sql: plain, bindings: ['first', 1, 0] },
          { sql: 'insert into "t" ("missing") values (?)', bindings: [1] },
        ]),
        // better-sqlite3's error class may come from another test file's
        // realm, where toThrow would not see an Error: match its message.
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/no column named missing/),
      );
      expect(await knex('t').pluck('id')).toEqual([]);
      // The connection is usable afterwards, outside any transaction.
      expect(
        await runSqliteWrites(knex, [{ sql: plain, bindings: ['x', 1, 0] }]),
      ).toEqual([{ changes: 1, returned: [] }]);
      expect(await knex('t').pluck('id')).toEqual(['x']);
    });

    it('joins the transaction it is given', async () => {
      const knex = await init();
      await expect(
        knex.transaction(async tx => {
          await runSqliteWrites(tx, [{ sql: plain, bindings: ['in', 1, 0] }]);
          expect(await tx('t').pluck('id')).toEqual(['in']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await knex('t').pluck('id')).toEqual([]);
    });
  });
});
