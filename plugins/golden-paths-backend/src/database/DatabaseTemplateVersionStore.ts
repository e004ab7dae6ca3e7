import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { TemplateVersion } from '@paved/backstage-plugin-golden-paths-common';
import { Knex } from 'knex';
import {
  ObservedTemplateVersion,
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
};

/**
 * Runs the plugin's migrations unless the database service says to skip them.
 *
 * @internal
 */
export async function migrateGoldenPathsDatabase(database: DatabaseService) {
  const client = await database.getClient();
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
  ): Promise<TemplateVersion[]> {
    if (versions.length === 0) {
      return [];
    }
    return this.db.transaction(async tx => {
      const known = await tx<TemplateVersionRow>(TABLE)
        .select('template_ref', 'version')
        .whereIn('template_ref', [
          ...new Set(versions.map(v => v.templateRef)),
        ]);
      const seen = new Set(known.map(r => `${r.template_ref}@${r.version}`));
      const fresh = new Map<string, TemplateVersionRow>();
      for (const v of versions) {
        const key = `${v.templateRef}@${v.version}`;
        if (!seen.has(key) && !fresh.has(key)) {
          fresh.set(key, {
            template_ref: v.templateRef,
            version: v.version,
            title: v.title ?? null,
            first_seen_at: seenAt,
          });
        }
      }
      if (fresh.size === 0) {
        return [];
      }
      // Another replica may have recorded the same version meanwhile: ignore it.
      await tx(TABLE)
        .insert([...fresh.values()])
        .onConflict(['template_ref', 'version'])
        .ignore();
      return [...fresh.values()].map(toTemplateVersion);
    });
  }

  async listVersions(options?: {
    templateRef?: string;
  }): Promise<TemplateVersion[]> {
    const query = this.db<TemplateVersionRow>(TABLE)
      .select()
      .orderBy([
        { column: 'template_ref', order: 'asc' },
        { column: 'first_seen_at', order: 'asc' },
      ]);
    if (options?.templateRef) {
      query.where('template_ref', options.templateRef);
    }
    return (await query).map(toTemplateVersion);
  }
}

function toTemplateVersion(row: TemplateVersionRow): TemplateVersion {
  return {
    templateRef: row.template_ref,
    version: row.version,
    title: row.title ?? undefined,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
  };
}
