import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  ObservedTemplateVersion,
  RegisteredTemplateVersion,
  TemplateVersionStore,
} from './TemplateVersionStore';

/** @internal */
export const migrationsDir = resolvePackagePath(
  '@paved/backstage-plugin-golden-paths-backend',
  'migrations',
);

const TABLE = 'golden_paths_template_versions';

type TemplateVersionRow = {
  template_ref: string;
  version: string;
  title: string | null;
  first_seen_at: Date | string;
  changelog: string | null;
  breaking: boolean | number;
  policy: string | null;
};

/**
 * Settings SQLite keeps per connection, not in the file.
 */
const SQLITE_CONNECTION_PRAGMAS = [
  // In WAL mode NORMAL syncs at checkpoints, not at every commit; a commit
  // survives the process crashing, only a power loss may take back the
  // last ones. PostgreSQL is the choice where that matters.
  'synchronous = NORMAL',
  // 64 MiB of page cache instead of 2: DORA tables of millions of rows
  // otherwise read most index pages from the file again on every query.
  'cache_size = -65536',
  // Statement journals and large sorts in memory: on disk, each group
  // commit of ingest created and deleted a file (bench/README.md,
  // "temporary files in memory").
  'temp_store = MEMORY',
];

/** The knex instances whose pool already applies the settings. */
const configuredPools = new WeakSet<Knex>();

/**
 * Applies {@link SQLITE_CONNECTION_PRAGMAS} to the connection `client` holds
 * now and to each one its pool creates later (after an error, say), as
 * Backstage's own SQLite connector turns on foreign keys.
 */
async function applySqliteConnectionSettings(client: Knex) {
  for (const pragma of SQLITE_CONNECTION_PRAGMAS) {
    await client.raw(`PRAGMA ${pragma}`);
  }
  if (configuredPools.has(client)) return;
  configuredPools.add(client);
  client.client.pool?.on(
    'createSuccess',
    (_id: unknown, connection: { pragma?: (source: string) => unknown }) => {
      // better-sqlite3; another SQLite driver keeps the defaults.
      for (const pragma of SQLITE_CONNECTION_PRAGMAS) {
        connection.pragma?.(pragma);
      }
    },
  );
}

/**
 * Runs the plugin's migrations unless the database service says to skip them.
 *
 * @internal
 */
export async function migrateGoldenPathsDatabase(database: DatabaseService) {
  const client = await database.getClient();
  if (String(client.client.config.client).includes('sqlite')) {
    // 16 KiB pages instead of 4: fewer, larger pages make the DORA events
    // table's index on service cheaper to keep up as it grows (ingest at 1M
    // events went from 32,000–39,000 to 49,000–51,000 events/s in
    // bench/ingest.bench.ts). SQLite fixes the page size when the first
    // table is written, and in WAL mode for good, so only a new database
    // takes it; an existing one keeps its own, which is harmless.
    await client.raw('PRAGMA page_size = 16384');
    // Write-ahead logging: a commit is one append and one sync instead of a
    // rollback journal's several, and readers do not wait for the writer.
    // It is a property of the file, so setting it again changes nothing;
    // an in-memory database keeps its own mode.
    await client.raw('PRAGMA journal_mode = WAL');
    await applySqliteConnectionSettings(client);
  }
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

/**
 * Knex implementation of {@link TemplateVersionStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseTemplateVersionStore implements TemplateVersionStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseTemplateVersionStore> {
    return new DatabaseTemplateVersionStore(
      await migrateGoldenPathsDatabase(options.database),
    );
  }

  constructor(private readonly db: Knex) {}

  async recordVersions(
    versions: ObservedTemplateVersion[],
    seenAt: Date,
  ): Promise<RegisteredTemplateVersion[]> {
    if (versions.length === 0) {
      return [];
    }
    // The same version may be observed twice in one pass (from the template's
    // version annotation and from its changelog): merge what each one knows.
    const observed = new Map<string, ObservedTemplateVersion>();
    for (const v of versions) {
      const key = `${v.templateRef}@${v.version}`;
      const before = observed.get(key);
      observed.set(key, {
        templateRef: v.templateRef,
        version: v.version,
        title: before?.title ?? v.title,
        changelog: before?.changelog ?? v.changelog,
        policy: before?.policy ?? v.policy,
      });
    }

    return this.db.transaction(async tx => {
      const known = await tx<TemplateVersionRow>(TABLE)
        .select('template_ref', 'version', 'changelog', 'policy')
        .whereIn('template_ref', [
          ...new Set(versions.map(v => v.templateRef)),
        ]);
      const knownByKey = new Map(
        known.map(r => [`${r.template_ref}@${r.version}`, r]),
      );
      const fresh: TemplateVersionRow[] = [];
      for (const [key, v] of observed) {
        const row = knownByKey.get(key);
        if (!row) {
          fresh.push({
            template_ref: v.templateRef,
            version: v.version,
            title: v.title ?? null,
            first_seen_at: seenAt,
            changelog: v.changelog ? JSON.stringify(v.changelog) : null,
            breaking: v.changelog?.breaking ?? false,
            policy: v.policy ? JSON.stringify(v.policy) : null,
          });
          continue;
        }
        // Details are only ever added or corrected, never erased: a template
        // that drops an old entry from its changelog does not rewrite history.
        const update: Partial<TemplateVersionRow> = {};
        const changelog = v.changelog && JSON.stringify(v.changelog);
        if (changelog && changelog !== row.changelog) {
          update.changelog = changelog;
          update.breaking = v.changelog!.breaking;
        }
        const policy = v.policy && JSON.stringify(v.policy);
        if (policy && policy !== row.policy) {
          update.policy = policy;
        }
        if (Object.keys(update).length > 0) {
          await tx(TABLE)
            .where({ template_ref: v.templateRef, version: v.version })
            .update(update);
        }
      }
      if (fresh.length === 0) {
        return [];
      }
      // Another replica may have recorded the same version meanwhile: ignore it.
      await tx(TABLE)
        .insert(fresh)
        .onConflict(['template_ref', 'version'])
        .ignore();
      return fresh.map(toTemplateVersion);
    });
  }

  async listVersions(options?: {
    templateRef?: string;
  }): Promise<RegisteredTemplateVersion[]> {
    const query = this.db<TemplateVersionRow>(TABLE)
      .select()
      .orderBy([
        { column: 'template_ref', order: 'asc' },
        { column: 'first_seen_at', order: 'asc' },
        { column: 'version', order: 'asc' },
      ]);
    if (options?.templateRef) {
      query.where('template_ref', options.templateRef);
    }
    return (await query).map(toTemplateVersion);
  }
}

function toTemplateVersion(row: TemplateVersionRow): RegisteredTemplateVersion {
  return {
    templateRef: row.template_ref,
    version: row.version,
    title: row.title ?? undefined,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
    // SQLite has no boolean type and returns 0 or 1.
    breaking: Boolean(row.breaking),
    ...(row.changelog && { changelog: JSON.parse(row.changelog) }),
    ...(row.policy && { policy: JSON.parse(row.policy) }),
  };
}
