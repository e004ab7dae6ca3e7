import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A file inside the task workspace, named by a template input.
 */
export type WorkspaceFile = {
  /** Path relative to the workspace, `/`-separated, as it lands in the repo. */
  path: string;
  /** Where to read and write it. */
  absolutePath: string;
  /**
   * The path of the file the writes really land in, relative to the real
   * workspace: differs from `path` only when `path` is a symlink.
   */
  realPath: string;
};

function toRepoPath(relative: string): string {
  return relative.split(path.sep).join('/');
}

function isInside(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return (
    relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
  );
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function runsThroughFile(field: string, input: string): InputError {
  return new InputError(
    `${field} '${input}' runs through a file where a directory is needed`,
  );
}

// fs.realpath only works on paths that exist; the lock file usually does not
// yet. Resolve the nearest existing ancestor and append the rest, so a symlinked
// `.paved/` directory is followed just as the write would follow it.
async function realpathForWrite(
  target: string,
  field: string,
  input: string,
): Promise<string> {
  try {
    return await fs.realpath(target);
  } catch (error) {
    if (errorCode(error) === 'ENOTDIR') throw runsThroughFile(field, input);
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  // A dangling symlink would make writeFile create its target, wherever that is.
  const isDanglingLink = await fs
    .lstat(target)
    .then(stats => stats.isSymbolicLink())
    .catch(() => false);
  if (isDanglingLink) {
    throw new InputError(
      `${field} '${input}' is a symlink to a file that does not exist`,
    );
  }
  const parent = path.dirname(target);
  if (parent === target) return target;
  return path.join(
    await realpathForWrite(parent, field, input),
    path.basename(target),
  );
}

/**
 * Resolves a template-supplied path to a file inside the workspace, or throws
 * an InputError naming `field`. Rejects absolute paths (they cannot be
 * recorded in the repo), `../` escapes, symlinks leading out of the workspace,
 * paths inside `.git`, and directories where a file is expected. Only reads
 * the file system.
 */
export async function resolveWorkspaceFile(
  workspacePath: string,
  input: unknown,
  field: string,
): Promise<WorkspaceFile> {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InputError(`${field} must be a non-empty relative path`);
  }
  // The file system refuses NUL with a TypeError; it is bad input here.
  if (input.includes('\u0000')) {
    throw new InputError(`${field} must not contain NUL characters`);
  }
  if (path.isAbsolute(input) || path.win32.isAbsolute(input)) {
    throw new InputError(
      `${field} must be relative to the workspace, got '${input}'`,
    );
  }

  let absolutePath: string;
  try {
    absolutePath = resolveSafeChildPath(workspacePath, input);
  } catch (error) {
    // It follows symlinks with realpath, which fails on a file used as a directory.
    if (errorCode(error) === 'ENOTDIR') throw runsThroughFile(field, input);
    if (errorCode(error) === 'ENAMETOOLONG') {
      throw new InputError(`${field} is too long a path`);
    }
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new InputError(`${field} '${input}' points outside the workspace`);
    }
    throw error;
  }
  const relative = path.relative(workspacePath, absolutePath);
  if (relative === '') {
    throw new InputError(`${field} must name a file, not the workspace`);
  }
  // Git's own files never reach the repository, so nothing is recorded there.
  if (relative.split(path.sep).includes('.git')) {
    throw new InputError(`${field} '${input}' is inside .git`);
  }

  // resolveSafeChildPath already follows symlinks; checking the real path of
  // what we will write keeps this safe even if that ever changes upstream.
  const realWorkspace = await fs.realpath(workspacePath);
  const realTarget = await realpathForWrite(absolutePath, field, input);
  if (!isInside(realWorkspace, realTarget)) {
    throw new InputError(
      `${field} '${input}' points outside the workspace through a symlink`,
    );
  }

  const stats = await fs.stat(realTarget).catch(() => undefined);
  if (stats && !stats.isFile()) {
    throw new InputError(`${field} '${input}' is not a file`);
  }

  return {
    path: toRepoPath(relative),
    absolutePath,
    realPath: toRepoPath(path.relative(realWorkspace, realTarget)),
  };
}

/**
 * Lowercase hex sha256 of some bytes, the form the lock file records.
 */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Hashes every file in the workspace as it will be committed, skipping `.git`
 * and the paths in `exclude`. `replace` supplies content that is about to be
 * written, so the hash matches what lands in the repo, not what is on disk now.
 * Symlinks are hashed by their target text, as git stores them, and never
 * followed: a link may point outside the workspace or into a loop.
 */
export async function hashWorkspaceFiles(
  workspacePath: string,
  options: { exclude?: Iterable<string>; replace?: Map<string, string> } = {},
): Promise<Array<{ path: string; sha256: string }>> {
  const root = await fs.realpath(workspacePath);
  const exclude = new Set(options.exclude);
  const replace = options.replace ?? new Map<string, string>();
  const files: Array<{ path: string; sha256: string }> = [];

  async function walk(directory: string): Promise<void> {
    const entries = await fs.readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const absolute = path.join(directory, entry.name);
      const repoPath = toRepoPath(path.relative(root, absolute));
      if (exclude.has(repoPath)) continue;
      if (entry.isDirectory()) {
        await walk(absolute);
      } else if (entry.isSymbolicLink()) {
        files.push({
          path: repoPath,
          sha256: sha256(await fs.readlink(absolute)),
        });
      } else if (entry.isFile()) {
        const content = replace.get(repoPath) ?? (await fs.readFile(absolute));
        files.push({ path: repoPath, sha256: sha256(content) });
      }
    }
  }

  await walk(root);
  return files;
}
