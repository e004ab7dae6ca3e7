import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import {
  FileContent,
  isProbablyBinary,
  isSafeRelativePath,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  createTemplateRenderer,
  TemplateContext,
  TemplateFilter,
  TemplateValue,
} from 'nunjitsu';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A skeleton rendered in memory, as `fetch:template` would have written it.
 */
export type RenderedSkeleton = {
  /** Repository path → content, for every file the skeleton renders. */
  files: Map<string, FileContent>;
  /** Repository path → permission bits of the skeleton file it came from. */
  modes: Map<string, number>;
};

// lodash.get as the `pick` filter uses it: 'a.b[0].c'.
function pick(value: unknown, property: unknown): unknown {
  if (typeof property !== 'string') return undefined;
  let current = value;
  for (const key of property.split(/[.[\]]/).filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The filters `fetch:template` offers by default. A skeleton that uses one
 * must render the same way here, or the old render would not match what the
 * service was created with.
 */
function defaultFilters(
  integrations: ScmIntegrationRegistry,
): Record<string, TemplateFilter> {
  const filters: Record<string, (...args: any[]) => unknown> = {
    parseRepoUrl: (url: string) => parseRepoUrl(url, integrations),
    parseEntityRef: (ref, context) => parseEntityRef(ref, context),
    pick,
    projectSlug: (url: string) => {
      const { owner, repo } = parseRepoUrl(url, integrations);
      return `${owner}/${repo}`;
    },
  };
  return Object.fromEntries(
    Object.entries(filters).map(([name, filter]) => [
      name,
      (input, ...args) => filter(input, ...args) as TemplateValue | undefined,
    ]),
  );
}

// The same rule fetch:template uses to leave out a file whose path renders
// empty, e.g. `{% if values.docs %}docs{% endif %}/index.md`.
function isSkippedPath(renderedPath: string): boolean {
  return (
    renderedPath === '' ||
    renderedPath.startsWith('/') ||
    renderedPath.includes('//')
  );
}

async function listFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (relative: string) => {
    const entries = await fs.readdir(path.join(root, relative), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      // Symlinks are left out: a lock cannot describe them, and following
      // one could read outside the skeleton.
      else if (entry.isFile()) files.push(child);
    }
  };
  await walk('');
  // Code-unit order, so which file wins when two render to the same path
  // does not depend on the file system.
  return files.sort((a, b) => (a < b ? -1 : Number(a > b)));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Renders a `fetch:template` skeleton in memory with the given values, the way
 * `fetch:template` renders it with its default options: `${{ values.x }}` and
 * `{% %}` tags in file contents and in paths, files whose path renders empty
 * left out, binary files copied byte for byte, and the same default filters
 * (`parseRepoUrl`, `parseEntityRef`, `pick`, `projectSlug`).
 *
 * It uses the scaffolder's own template engine (nunjitsu), which cannot run
 * code, so a skeleton from any template source is safe to render.
 *
 * Throws an InputError naming the skeleton file that cannot be rendered or
 * whose path renders outside the skeleton.
 */
export async function renderSkeleton(options: {
  /** Directory holding the skeleton's files. */
  skeletonDir: string;
  /** The answers, available to the skeleton as `values`. */
  values: Record<string, unknown>;
  /** Used by the `parseRepoUrl` and `projectSlug` filters. */
  integrations: ScmIntegrationRegistry;
}): Promise<RenderedSkeleton> {
  const { skeletonDir, values, integrations } = options;
  const renderer = createTemplateRenderer({
    filters: defaultFilters(integrations),
    // fetch:template allows it, so skeletons may use regex filters.
    allowRegexExecution: true,
  });
  let context;
  try {
    context = renderer.prepareContext({ values } as TemplateContext);
  } catch (error) {
    throw new InputError(
      `answers cannot be given to a template: ${messageOf(error)}`,
    );
  }

  const render = (source: string, file: string, what: string) => {
    try {
      return renderer.render(source, context);
    } catch (error) {
      throw new InputError(
        `skeleton file '${file}': its ${what} cannot be rendered: ${messageOf(
          error,
        )}`,
      );
    }
  };

  const files = new Map<string, FileContent>();
  const modes = new Map<string, number>();
  for (const file of await listFiles(skeletonDir)) {
    const renderedPath = render(file, file, 'path');
    if (isSkippedPath(renderedPath)) continue;
    // fetch:template resolves the rendered path inside its output directory,
    // so `a/./b` and `a/x/../b` land at `a/b`.
    const repoPath = path.posix.normalize(renderedPath);
    if (!isSafeRelativePath(repoPath)) {
      throw new InputError(
        `skeleton file '${file}' renders to '${renderedPath}', outside the service`,
      );
    }
    // fetch:template never overwrites, so the first file to a path wins.
    if (files.has(repoPath)) continue;

    const absolute = path.join(skeletonDir, file);
    const [bytes, stats] = await Promise.all([
      fs.readFile(absolute),
      fs.stat(absolute),
    ]);
    if (isProbablyBinary(bytes)) {
      files.set(repoPath, { binary: new Uint8Array(bytes) });
    } else {
      // Decoded leniently, as fetch:template reads it ('utf-8').
      files.set(repoPath, {
        text: render(bytes.toString('utf8'), file, 'content'),
      });
    }
    modes.set(repoPath, stats.mode & 0o777);
  }
  return { files, modes };
}
