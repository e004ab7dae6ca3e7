import { DatabaseService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';
import {
  SkeletonFile,
  SkeletonManifest,
  SkeletonStatus,
  SkeletonStore,
} from './SkeletonStore';

const BLOBS = 'golden_paths_skeleton_blobs';
const SKELETONS = 'golden_paths_skeletons';
const FILES = 'golden_paths_skeleton_files';
const BATCH = 200;

type SkeletonRow = {
  template_ref: string;
  version: string;
  digest: string | null;
  file_count: number | null;
  total_bytes: number | string | null;
  problem: string | null;
  attempted_at: Date | string;
};

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toIso(value: Date | string): string {
  return new Date(value).toISOString();
}

function toStatus(row: SkeletonRow): SkeletonStatus {
  return {
    templateRef: row.template_ref,
    version: row.version,
    ...(row.digest && { digest: row.digest }),
    ...(row.file_count !== null && { fileCount: Number(row.file_count) }),
    ...(row.total_bytes !== null && { totalBytes: Number(row.total_bytes) }),
    ...(row.problem && { problem: row.problem }),
    attemptedAt: toIso(row.attempted_at),
  };
}

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * The digest of a skeleton: sha256 over its sorted `path NUL sha256` lines,
 * so the same files give the same digest whatever order they were read in.
 *
 * @internal
 */
export function skeletonDigest(
  files: Array<{ path: string; sha256: string }>,
): string {
  return sha256(
    [...files]
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map(f => `${f.path}\0${f.sha256}\n`)
      .join(''),
  );
}

/**
 * Knex implementation of {@link SkeletonStore}, for SQLite and PostgreSQL.
 * Contents are stored once per hash, whichever versions share them.
 *
 * @public
 */
export class DatabaseSkeletonStore implements SkeletonStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseSkeletonStore> {
    return new DatabaseSkeletonStore(
      await migrateGoldenPathsDatabase(options.database),
    );
  }

  constructor(private readonly db: Knex) {}

  private archived(templateRef: string, version: string) {
    return this.db<SkeletonRow>(SKELETONS)
      .where({ template_ref: templateRef, version })
      .whereNotNull('digest')
      .first();
  }

  /** The files of a version joined to their contents, by path. */
  private filesOf(templateRef: string, version: string) {
    return this.db(FILES)
      .join(BLOBS, `${BLOBS}.sha256`, `${FILES}.sha256`)
      .where({ template_ref: templateRef, version })
      .orderBy(`${FILES}.path`);
  }

  async listStatuses(): Promise<SkeletonStatus[]> {
    const rows = await this.db<SkeletonRow>(SKELETONS)
      .select()
      .orderBy(['template_ref', 'version']);
    return rows.map(toStatus);
  }

  async save(
    templateRef: string,
    version: string,
    files: SkeletonFile[],
    now: Date,
  ): Promise<string> {
    const hashed = files.map(f => ({
      path: f.path,
      content: f.content,
      sha256: sha256(f.content),
    }));
    const digest = skeletonDigest(hashed);
    const totalBytes = hashed.reduce((sum, f) => sum + f.content.length, 0);
    return this.db.transaction(async tx => {
      const existing = await tx<SkeletonRow>(SKELETONS)
        .where({ template_ref: templateRef, version })
        .first();
      if (existing?.digest) return existing.digest;

      const blobs = new Map(hashed.map(f => [f.sha256, f.content]));
      for (const batch of chunks([...blobs])) {
        await tx(BLOBS)
          .insert(
            batch.map(([hash, content]) => ({
              sha256: hash,
              content,
              size: content.length,
            })),
          )
          .onConflict('sha256')
          .ignore();
      }
      for (const batch of chunks(hashed)) {
        await tx(FILES)
          .insert(
            batch.map(f => ({
              template_ref: templateRef,
              version,
              path: f.path,
              sha256: f.sha256,
            })),
          )
          .onConflict(['template_ref', 'version', 'path'])
          .ignore();
      }
      const row = {
        digest,
        file_count: hashed.length,
        total_bytes: totalBytes,
        problem: null,
        attempted_at: now,
      };
      if (existing) {
        await tx(SKELETONS)
          .where({ template_ref: templateRef, version })
          .whereNull('digest')
          .update(row);
      } else {
        await tx(SKELETONS)
          .insert({ template_ref: templateRef, version, ...row })
          .onConflict(['template_ref', 'version'])
          .ignore();
      }
      const stored = await tx<SkeletonRow>(SKELETONS)
        .where({ template_ref: templateRef, version })
        .first();
      return stored?.digest ?? digest;
    });
  }

  async recordProblem(
    templateRef: string,
    version: string,
    problem: string,
    now: Date,
  ): Promise<void> {
    const updated = await this.db(SKELETONS)
      .where({ template_ref: templateRef, version })
      .whereNull('digest')
      .update({ problem, attempted_at: now });
    if (updated === 0) {
      await this.db(SKELETONS)
        .insert({
          template_ref: templateRef,
          version,
          problem,
          attempted_at: now,
        })
        .onConflict(['template_ref', 'version'])
        .ignore();
    }
  }

  async getManifest(
    templateRef: string,
    version: string,
  ): Promise<SkeletonManifest | undefined> {
    const row = await this.archived(templateRef, version);
    if (!row) return undefined;
    const files = await this.filesOf(templateRef, version).select(
      `${FILES}.path`,
      `${FILES}.sha256`,
      `${BLOBS}.size`,
    );
    return {
      ...(toStatus(row) as SkeletonManifest),
      files: files.map((f: { path: string; sha256: string; size: number }) => ({
        path: f.path,
        sha256: f.sha256,
        size: Number(f.size),
      })),
    };
  }

  async readFiles(
    templateRef: string,
    version: string,
  ): Promise<SkeletonFile[] | undefined> {
    if (!(await this.archived(templateRef, version))) return undefined;
    const files = await this.filesOf(templateRef, version).select(
      `${FILES}.path`,
      `${BLOBS}.content`,
    );
    return files.map((f: { path: string; content: Buffer | Uint8Array }) => ({
      path: f.path,
      content: Buffer.from(f.content),
    }));
  }
}
