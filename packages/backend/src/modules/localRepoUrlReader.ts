import {
  coreServices,
  createServiceFactory,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import { NotFoundError, NotModifiedError } from '@backstage/errors';
import { readLocalGitRoot } from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * Reads `file://` URLs inside the demo's local git root (the checked-out
 * default branch of each demo repository), so the offline demo can register
 * scaffolded services with `catalog:register` and sweep their files the way a
 * portal reads GitHub. Anything outside the root is not this reader's.
 */
export class LocalRepoUrlReader implements UrlReaderService {
  constructor(
    private readonly root: string,
    private readonly treeResponseFactory: ReadTreeResponseFactory,
  ) {}

  /** Whether a URL points inside the local git root. */
  handles(url: URL): boolean {
    if (url.protocol !== 'file:') return false;
    const file = path.resolve(fileURLToPath(url));
    return file === this.root || file.startsWith(`${this.root}${path.sep}`);
  }

  private async resolve(url: string): Promise<string> {
    const parsed = new URL(url);
    if (!this.handles(parsed)) {
      throw new NotFoundError(`${url} is outside the local git root`);
    }
    const file = path.resolve(fileURLToPath(parsed));
    // A symlink in a repository must not lead the reader out of the root.
    const real = await fs.realpath(file).catch(() => {
      throw new NotFoundError(`${url} does not exist`);
    });
    const realRoot = await fs.realpath(this.root);
    if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
      throw new NotFoundError(`${url} leads outside the local git root`);
    }
    if (real.split(path.sep).includes('.git')) {
      throw new NotFoundError(`${url} is inside a .git folder`);
    }
    return real;
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const file = await this.resolve(url);
    const buffer = await fs.readFile(file).catch(() => {
      throw new NotFoundError(`${url} is not a readable file`);
    });
    const etag = createHash('sha256').update(buffer).digest('hex');
    if (options?.etag === etag) {
      throw new NotModifiedError();
    }
    return {
      buffer: async () => buffer,
      stream: () => Readable.from(buffer),
      etag,
    };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const dir = await this.resolve(url);
    const files: Array<{ path: string; content: Buffer }> = [];
    const walk = async (current: string) => {
      for (const entry of await fs.readdir(current, { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        const full = path.join(current, entry.name);
        if (entry.isDirectory()) {
          await walk(full);
        } else if (entry.isFile()) {
          const relative = path.relative(dir, full).split(path.sep).join('/');
          if (!options?.filter || options.filter(relative)) {
            files.push({ path: relative, content: await fs.readFile(full) });
          }
        }
      }
    };
    await walk(dir);
    const hash = createHash('sha256');
    for (const f of files.sort((a, b) => a.path.localeCompare(b.path))) {
      hash.update(f.path).update('\0').update(f.content);
    }
    const etag = hash.digest('hex');
    if (options?.etag === etag) {
      throw new NotModifiedError();
    }
    const response = await this.treeResponseFactory.fromReadableArray(
      files.map(f => ({ path: f.path, data: Readable.from(f.content) })),
    );
    // The factory leaves the etag empty; ours lets callers skip unchanged trees.
    return Object.assign(response, { etag });
  }

  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    // Globs are not supported: the demo only registers exact files.
    try {
      const response = await this.readUrl(url);
      return {
        files: [{ url, content: response.buffer }],
        etag: response.etag ?? '',
      };
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') {
        return { files: [], etag: '' };
      }
      throw error;
    }
  }

  toString() {
    return `localRepo{root=${this.root}}`;
  }
}

/** A UrlReader factory for the local git root at `root` (absolute). */
export function localRepoReaderFactory(root: string): ReaderFactory {
  return ({ treeResponseFactory }) => {
    const reader = new LocalRepoUrlReader(root, treeResponseFactory);
    return [{ reader, predicate: url => reader.handles(url) }];
  };
}

/** Adds {@link LocalRepoUrlReader} to the backend's UrlReader service. */
export default createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: { config: coreServices.rootConfig },
  async factory({ config }) {
    return localRepoReaderFactory(readLocalGitRoot(config));
  },
});
