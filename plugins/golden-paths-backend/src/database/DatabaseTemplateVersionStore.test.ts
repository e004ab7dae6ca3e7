import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DatabaseTemplateVersionStore,
  migrationsDir,
} from './DatabaseTemplateVersionStore';

jest.setTimeout(60_000);

describe('DatabaseTemplateVersionStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseTemplateVersionStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it('puts a new SQLite file in write-ahead-log mode with 16 KiB pages and temporary files in memory, and the data survives reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-wal-'));
    const open = () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'golden-paths.sqlite') },
        useNullAsDefault: true,
      });
    try {
      const first = open();
      const store = await DatabaseTemplateVersionStore.create({
        database: mockServices.database({ knex: first }),
      });
      const [{ journal_mode: mode }] = await first.raw('PRAGMA journal_mode');
      expect(mode).toBe('wal');
      const [{ page_size: pageSize }] = await first.raw('PRAGMA page_size');
      expect(pageSize).toBe(16384);
      // 2: temporary files (statement journals, large sorts) in memory.
      const [{ temp_store: tempStore }] = await first.raw('PRAGMA temp_store');
      expect(tempStore).toBe(2);
      await store.recordVersions(
        [
          {
            templateRef: 'template:default/node-service',
            version: '1.0.0',
          },
        ],
        new Date('2026-11-02T09:00:00Z'),
      );
      await first.destroy();

      const again = open();
      const reopened = await DatabaseTemplateVersionStore.create({
        database: mockServices.database({ knex: again }),
      });
      expect((await reopened.listVersions({})).map(v => v.version)).toEqual([
        '1.0.0',
      ]);
      // The file keeps its page size.
      expect(await again.raw('PRAGMA page_size')).toEqual([
        { page_size: 16384 },
      ]);
      await again.destroy();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies the per-connection SQLite settings to a connection the pool creates later', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-pool-'));
    // A pool that closes its idle connection at once: the next query runs
    // on a new one.
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'golden-paths.sqlite') },
      useNullAsDefault: true,
      pool: { min: 0, max: 1, idleTimeoutMillis: 1, reapIntervalMillis: 5 },
    });
    try {
      await DatabaseTemplateVersionStore.create({
        database: mockServices.database({ knex }),
      });
      const first = await knex.client.acquireConnection();
      await knex.client.releaseConnection(first);
      let next = first;
      for (let i = 0; i < 100 && next === first; i++) {
        await new Promise(resolve => setTimeout(resolve, 10));
        next = await knex.client.acquireConnection();
        await knex.client.releaseConnection(next);
      }
      expect(next).not.toBe(first);
      expect(await knex.raw('PRAGMA temp_store')).toEqual([{ temp_store: 2 }]);
      expect(await knex.raw('PRAGMA synchronous')).toEqual([
        { synchronous: 1 },
      ]);
      expect(await knex.raw('PRAGMA cache_size')).toEqual([
        { cache_size: -65536 },
      ]);
    } finally {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(databases.eachSupportedId())(
    'records each version once and keeps when it was first seen, on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const monday = new Date('2026-11-02T09:00:00Z');
      const tuesday = new Date('2026-11-03T09:00:00Z');

      const first = await store.recordVersions(
        [
          {
            templateRef: 'template:default/node-service',
            version: '1.0.0',
            title: 'Node service',
          },
          {
            templateRef: 'template:default/node-service',
            version: '1.0.0',
            title: 'Node service',
          },
          { templateRef: 'template:default/python-service', version: '2.0.0' },
        ],
        monday,
      );
      expect(first.map(v => `${v.templateRef}@${v.version}`)).toEqual([
        'template:default/node-service@1.0.0',
        'template:default/python-service@2.0.0',
      ]);

      const second = await store.recordVersions(
        [
          {
            templateRef: 'template:default/node-service',
            version: '1.0.0',
            title: 'Renamed',
          },
          {
            templateRef: 'template:default/node-service',
            version: '1.1.0',
            title: 'Node service',
          },
        ],
        tuesday,
      );
      expect(second.map(v => v.version)).toEqual(['1.1.0']);

      const node = await store.listVersions({
        templateRef: 'template:default/node-service',
      });
      expect(node).toEqual([
        {
          templateRef: 'template:default/node-service',
          version: '1.0.0',
          title: 'Node service',
          firstSeenAt: monday.toISOString(),
          breaking: false,
        },
        {
          templateRef: 'template:default/node-service',
          version: '1.1.0',
          title: 'Node service',
          firstSeenAt: tuesday.toISOString(),
          breaking: false,
        },
      ]);
      expect(await store.listVersions()).toHaveLength(3);
      const [{ n }] = await knex('golden_paths_template_versions').count({
        n: '*',
      });
      expect(Number(n)).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps changelog entries and policy, adding them to known versions, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const templateRef = 'template:default/node-service';
      const at = new Date('2026-11-02T09:00:00Z');
      await store.recordVersions([{ templateRef, version: '1.0.0' }], at);

      const major = {
        version: '2.0.0',
        date: '2026-10-19',
        breaking: true,
        changes: ['BREAKING: Node.js 22'],
      };
      const first = {
        version: '1.0.0',
        date: '2026-02-09',
        breaking: false,
        changes: ['First release'],
      };
      const fresh = await store.recordVersions(
        [
          {
            templateRef,
            version: '2.0.0',
            policy: { minimumVersion: '1.1.0' },
          },
          { templateRef, version: '2.0.0', changelog: major },
          { templateRef, version: '1.0.0', changelog: first },
        ],
        at,
      );
      expect(fresh.map(v => v.version)).toEqual(['2.0.0']);

      const versions = await store.listVersions({ templateRef });
      expect(versions).toEqual([
        expect.objectContaining({
          version: '1.0.0',
          breaking: false,
          changelog: first,
        }),
        expect.objectContaining({
          version: '2.0.0',
          breaking: true,
          changelog: major,
          policy: { minimumVersion: '1.1.0' },
        }),
      ]);
      expect(versions[0].policy).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates down and up again cleanly, on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      expect(await knex.schema.hasTable('golden_paths_template_versions')).toBe(
        true,
      );
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('golden_paths_template_versions')).toBe(
        false,
      );
      await DatabaseTemplateVersionStore.create({
        database: mockServices.database({ knex }),
      });
      expect(await knex.schema.hasTable('golden_paths_template_versions')).toBe(
        true,
      );
    },
  );
});
