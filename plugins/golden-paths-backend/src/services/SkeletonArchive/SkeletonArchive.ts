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
import { fetchContents } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SkeletonFile, SkeletonStore } from '../../database/SkeletonStore';

/** A failed attempt is tried again after this long. */
const RETRY_MS = 60 * 60 * 1000;

/**
 * The URL a Template entity's files are read relative to, as the scaffolder
 * reads them: its `backstage.io/source-location`, else its
 * `backstage.io/managed-by-location`; `file` locations become `file://` URLs.
 *
 * @public
 */
export function templateBaseUrl(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  for (const key of [ANNOTATION_SOURCE_LOCATION, ANNOTATION_LOCATION]) {
    const ref = annotations[key];
    if (!ref) continue;
    try {
      const { type, target } = parseLocationRef(ref);
      if (type === 'url') return target;
      if (type === 'file') return pathToFileURL(target).toString();
    } catch {
      // Not a location ref; try the next annotation.
    }
  }
  return undefined;
}

/** Every regular file under `dir`, relative and `/` separated, sorted. */
async function readDir(dir: string): Promise<SkeletonFile[]> {
  const files: SkeletonFile[] = [];
  const walk = async (relative: string) => {
    const entries = await fs.readdir(path.join(dir, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(child);
      } else if (entry.isFile()) {
        files.push({
          path: child,
          content: await fs.readFile(path.join(dir, child)),
        });
      }
    }
  };
  await walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Keeps a content-addressed copy of each published template version (its
 * `versions/<version>/` directory beside the template: `skeleton/` and
 * `paved.yaml`), the first time the registry sees the version, and writes it
 * back out for renders.
 *
 * @public
 */
export class SkeletonArchive {
  private readonly integrations: ScmIntegrations;

  constructor(
    private readonly deps: {
      urlReader: UrlReaderService;
      config: RootConfigService;
      store: SkeletonStore;
      logger: LoggerService;
    },
  ) {
    this.integrations = ScmIntegrations.fromConfig(deps.config);
  }

  /**
   * Archives the versions that are not archived yet. A version that failed
   * is tried again after an hour; one failure does not stop the others.
   */
  async archiveMissing(
    templates: Array<{
      templateRef: string;
      baseUrl?: string;
      versions: string[];
    }>,
    now: Date,
  ): Promise<{ archived: number; failed: number }> {
    const { store, logger } = this.deps;
    const known = new Map(
      (await store.listStatuses()).map(s => [
        `${s.templateRef}@${s.version}`,
        s,
      ]),
    );
    let archived = 0;
    let failed = 0;
    for (const template of templates) {
      const { baseUrl, versions } = template;
      const templateRef = template.templateRef.toLocaleLowerCase('en-US');
      for (const version of new Set(versions)) {
        const status = known.get(`${templateRef}@${version}`);
        if (status?.digest) continue;
        if (
          status &&
          now.getTime() - Date.parse(status.attemptedAt) < RETRY_MS
        ) {
          continue;
        }
        try {
          if (!baseUrl) {
            throw new Error('the template entity has no source location');
          }
          const files = await this.fetchVersion(baseUrl, version);
          if (!files.some(f => f.path.startsWith('skeleton/'))) {
            throw new Error(`versions/${version}/skeleton has no files`);
          }
          const digest = await store.save(templateRef, version, files, now);
          archived += 1;
          logger.info(
            `Archived the skeleton of ${templateRef}@${version}: ${files.length} files, digest ${digest}`,
          );
        } catch (error) {
          failed += 1;
          const problem = `cannot archive versions/${version}: ${
            isError(error) ? error.message : String(error)
          }`;
          await store.recordProblem(templateRef, version, problem, now);
          logger.warn(`Template ${templateRef}: ${problem}`);
        }
      }
    }
    return { archived, failed };
  }

  /** Reads `versions/<version>/` relative to the template's URL. */
  async fetchVersion(
    baseUrl: string,
    version: string,
  ): Promise<SkeletonFile[]> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-archive-'));
    try {
      await fetchContents({
        reader: this.deps.urlReader,
        integrations: this.integrations,
        baseUrl,
        fetchUrl: `./versions/${version}`,
        outputPath: dir,
      });
      return await readDir(dir);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Writes an archived version into `dir` (`dir/skeleton/`,
   * `dir/paved.yaml`); false when the version is not archived.
   */
  /** The archived versions of a template. */
  async archivedVersions(templateRef: string): Promise<Set<string>> {
    const ref = templateRef.toLocaleLowerCase('en-US');
    return new Set(
      (await this.deps.store.listStatuses())
        .filter(s => s.templateRef === ref && s.digest)
        .map(s => s.version),
    );
  }

  async materialize(
    templateRef: string,
    version: string,
    dir: string,
  ): Promise<boolean> {
    const files = await this.deps.store.readFiles(
      templateRef.toLocaleLowerCase('en-US'),
      version,
    );
    if (!files) return false;
    for (const file of files) {
      const target = path.resolve(dir, file.path);
      if (!target.startsWith(`${path.resolve(dir)}${path.sep}`)) {
        throw new Error(`archived path ${file.path} leaves the version`);
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.content);
    }
    return true;
  }
}
