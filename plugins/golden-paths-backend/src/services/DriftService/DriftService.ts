import {
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  ANNOTATION_LOCK,
  FileContent,
  PavedLockFile,
  classifyDrift,
  compareVersions,
  sortVersions,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  chainRenames,
  fetchPublishedVersions,
  readVersionManifest,
  renderSkeleton,
  stampCatalogInfo,
} from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ServiceDrift } from '../../database/ComplianceStore';
import { SkeletonArchive } from '../SkeletonArchive';

const DEFAULT_LOCK_PATH = '.paved/lock.json';
const CATALOG_INFO_PATH = 'catalog-info.yaml';

/**
 * What reading a service's drift gave:
 *
 * - `none`: the entity names no repository, or its repository has no lock
 *   file; nothing to compare (`problem` says why when it is worth saying);
 * - `unreadable`: the repository could not be read; `reason` says why;
 * - `drift`: the report.
 *
 * @public
 */
export type DriftOutcome =
  | { kind: 'none'; problem?: string }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'drift'; drift: ServiceDrift };

/**
 * Renders of latest template versions, shared by the services of one sweep:
 * path → sha256, or why the render failed.
 *
 * @public
 */
export type LatestRenderCache = Map<string, Promise<LatestRender>>;

/**
 * The latest version as rendered for a service: path → sha256, and the
 * files the template renamed since the service's version; or why not.
 *
 * @public
 */
export type LatestRender = {
  latest?: Map<string, string>;
  renames?: Record<string, string>;
  problem?: string;
};

function sha256(bytes: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function messageOf(error: unknown): string {
  return isError(error) ? error.message : String(error);
}

function contentBytes(content: FileContent): Buffer {
  return 'text' in content
    ? Buffer.from(content.text, 'utf8')
    : Buffer.from(content.binary);
}

// JSON with sorted keys, so the same answers always hash the same.
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${stableJson(
            (value as Record<string, unknown>)[key],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The folder URL of a service's repository: its `backstage.io/source-location`,
 * else the folder of its `backstage.io/managed-by-location`. Only `url`
 * locations name something a UrlReader can read.
 *
 * @public
 */
export function repositoryUrlOf(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const read = (ref: string | undefined) => {
    if (!ref) return undefined;
    try {
      const { type, target } = parseLocationRef(ref);
      return type === 'url' ? target : undefined;
    } catch {
      return undefined;
    }
  };
  const source = read(annotations[ANNOTATION_SOURCE_LOCATION]);
  if (source) return source.endsWith('/') ? source : `${source}/`;
  const managedBy = read(annotations[ANNOTATION_LOCATION]);
  if (!managedBy) return undefined;
  try {
    return new URL('.', managedBy).toString();
  } catch {
    return undefined;
  }
}

/**
 * Reads a service's files and its lock file through the UrlReader, renders
 * the latest template version with the lock's answers, and classifies the
 * drift with `classifyDrift` from the common package.
 *
 * @public
 */
export class DriftService {
  private readonly integrations: ScmIntegrations;

  constructor(
    private readonly deps: {
      urlReader: UrlReaderService;
      config: RootConfigService;
      logger: LoggerService;
      /** Archived skeletons, read before the template's source. */
      archive?: Pick<SkeletonArchive, 'materialize' | 'archivedVersions'>;
    },
  ) {
    this.integrations = ScmIntegrations.fromConfig(deps.config);
  }

  /**
   * The drift of one service. `latestVersion` is the template's latest
   * published version; `cache` is shared by the services of one sweep.
   * Never throws: a failure is an outcome.
   */
  async readDrift(
    entity: Entity,
    options: { latestVersion?: string; cache: LatestRenderCache },
  ): Promise<DriftOutcome> {
    const repoUrl = repositoryUrlOf(entity);
    if (!repoUrl) return { kind: 'none' };
    const lockPath =
      entity.metadata.annotations?.[ANNOTATION_LOCK] ?? DEFAULT_LOCK_PATH;

    const current = new Map<string, string>();
    let lockText: string | undefined;
    try {
      const tree = await this.deps.urlReader.readTree(repoUrl);
      for (const file of await tree.files()) {
        const content = await file.content();
        current.set(file.path, sha256(content));
        if (file.path === lockPath) lockText = content.toString('utf8');
      }
    } catch (error) {
      return {
        kind: 'unreadable',
        reason: `cannot read the repository at ${repoUrl}: ${messageOf(error)}`,
      };
    }
    if (lockText === undefined) {
      return {
        kind: 'none',
        problem: `no lock file at ${lockPath} in ${repoUrl}, so drift is not known`,
      };
    }

    let lock: PavedLockFile;
    try {
      lock = JSON.parse(lockText);
      if (!lock || !Array.isArray(lock.files)) {
        throw new Error('it has no files list');
      }
    } catch (error) {
      return {
        kind: 'none',
        problem: `the lock file ${lockPath} cannot be read: ${messageOf(
          error,
        )}`,
      };
    }
    // The lock file cannot list its own hash.
    current.delete(lockPath);

    const { latest, renames, problem } = await this.latestRender(lock, {
      lockPath,
      latestVersion: options.latestVersion,
      cache: options.cache,
    });
    try {
      const report = classifyDrift({ lock, current, latest, renames });
      return {
        kind: 'drift',
        drift: { ...report, ...(problem && { latestProblem: problem }) },
      };
    } catch (error) {
      return {
        kind: 'none',
        problem: `the lock file ${lockPath} cannot be compared: ${messageOf(
          error,
        )}`,
      };
    }
  }

  private latestRender(
    lock: PavedLockFile,
    options: {
      lockPath: string;
      latestVersion?: string;
      cache: LatestRenderCache;
    },
  ): Promise<LatestRender> {
    const { latestVersion } = options;
    if (!latestVersion) {
      return Promise.resolve({
        problem: 'the latest template version is not known',
      });
    }
    // At the latest version, what the template renders is what the lock says.
    if (latestVersion === lock.version) {
      return Promise.resolve({
        latest: new Map(lock.files.map(f => [f.path, f.sha256])),
      });
    }
    const { templateSource } = lock;
    if (!templateSource) {
      return Promise.resolve({
        problem: 'the lock file records no templateSource',
      });
    }
    const key = [
      lock.templateRef,
      templateSource,
      lock.version,
      latestVersion,
      options.lockPath,
      sha256(stableJson(lock.answers ?? {})),
    ].join('\n');
    let render = options.cache.get(key);
    if (!render) {
      render = this.renderVersion(lock, {
        templateSource,
        version: latestVersion,
        lockPath: options.lockPath,
      }).then(
        rendered => rendered,
        error => {
          const problem = `template version ${latestVersion} cannot be rendered: ${messageOf(
            error,
          )}`;
          this.deps.logger.warn(
            `Drift of services on ${lock.templateRef}: ${problem}`,
          );
          return { problem };
        },
      );
      options.cache.set(key, render);
    }
    return render;
  }

  private async renderVersion(
    lock: PavedLockFile,
    options: { templateSource: string; version: string; lockPath: string },
  ): Promise<{ latest: Map<string, string>; renames: Record<string, string> }> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-drift-'));
    try {
      const { version } = options;
      const after = (v: string) =>
        compareVersions(v, lock.version) > 0 &&
        compareVersions(v, version) <= 0;
      let versionDir: (v: string) => string;
      let range: string[];
      // The registry's copy is what was published; the source may have moved
      // on. Without a copy of the latest version, read the source.
      const archived = this.deps.archive
        ? await this.deps.archive.archivedVersions(lock.templateRef)
        : new Set<string>();
      if (this.deps.archive && archived.has(version)) {
        range = sortVersions([...archived].filter(after));
        versionDir = v => path.join(dir, 'versions', v);
        for (const v of range) {
          await this.deps.archive.materialize(
            lock.templateRef,
            v,
            versionDir(v),
          );
        }
      } else {
        const published = await fetchPublishedVersions({
          reader: this.deps.urlReader,
          integrations: this.integrations,
          templateSource: options.templateSource,
          outputDir: dir,
        });
        if (!published.versions.includes(version)) {
          throw new Error(
            `the template source has no published version ${version}`,
          );
        }
        range = published.versions.filter(after);
        versionDir = published.directoryOf;
      }
      // Files the template renamed since the service's version are one file.
      const manifests = await Promise.all(
        range.map(v => readVersionManifest(versionDir(v), v)),
      );
      const renames = chainRenames(manifests.map(m => m.renames));
      const skeletonDir = path.join(versionDir(version), 'skeleton');
      const { files } = await renderSkeleton({
        skeletonDir,
        values: lock.answers ?? {},
        integrations: this.integrations,
      });
      // The stamp action rewrote catalog-info.yaml right after rendering, and
      // an upgrade stamps it the same way, so compare with the stamped file.
      const catalogInfo = files.get(CATALOG_INFO_PATH);
      if (catalogInfo && 'text' in catalogInfo) {
        try {
          files.set(CATALOG_INFO_PATH, {
            text: stampCatalogInfo(catalogInfo.text, CATALOG_INFO_PATH, {
              templateRef: lock.templateRef,
              version: options.version,
              lockPath: options.lockPath,
            }),
          });
        } catch {
          // A skeleton without a Component was not stamped at creation either.
        }
      }
      const latest = new Map(
        [...files].map(([file, content]) => [
          file,
          sha256(contentBytes(content)),
        ]),
      );
      return { latest, renames };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}
