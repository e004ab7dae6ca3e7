import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { FileContent } from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveWorkspaceFile } from './workspace';

/**
 * One change an upgrade makes to a file of the service.
 */
export type ServiceFileChange =
  | {
      /** Path inside the service, `/`-separated. */
      path: string;
      action: 'write';
      content: FileContent;
      /** Permission bits for a file that does not exist yet. */
      mode?: number;
    }
  | {
      /** Path inside the service, `/`-separated. */
      path: string;
      action: 'delete';
    };

/**
 * A {@link ServiceFileChange} checked to stay inside the service, with the
 * path to write or delete.
 */
export type ResolvedServiceFileChange = ServiceFileChange & {
  absolutePath: string;
};

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isInsideOrSame(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return (
    relative === '' ||
    (!relative.startsWith('..') && !path.isAbsolute(relative))
  );
}

/**
 * Resolves `servicePath` to a directory inside the workspace, or throws an
 * InputError naming servicePath: absolute, escaping (also through a
 * symlink), inside `.git`, missing, or not a directory.
 */
export async function resolveServiceDir(
  workspacePath: string,
  servicePath: string,
): Promise<string> {
  if (servicePath.includes('\u0000')) {
    throw new InputError('servicePath must not contain NUL characters');
  }
  if (path.isAbsolute(servicePath) || path.win32.isAbsolute(servicePath)) {
    throw new InputError(
      `servicePath must be relative to the workspace, got '${servicePath}'`,
    );
  }
  let serviceDir: string;
  try {
    serviceDir = resolveSafeChildPath(workspacePath, servicePath);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new InputError(
        `servicePath '${servicePath}' points outside the workspace`,
      );
    }
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOTDIR' || code === 'ENAMETOOLONG') {
      throw new InputError(`servicePath '${servicePath}' is not a directory`);
    }
    throw error;
  }
  if (
    path.relative(workspacePath, serviceDir).split(path.sep).includes('.git')
  ) {
    throw new InputError(`servicePath '${servicePath}' is inside .git`);
  }

  let realService: string;
  try {
    realService = await fs.realpath(serviceDir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
      throw new InputError(
        `servicePath '${servicePath}' does not exist in the workspace`,
      );
    }
    throw error;
  }
  if (!isInsideOrSame(await fs.realpath(workspacePath), realService)) {
    throw new InputError(
      `servicePath '${servicePath}' points outside the workspace through a symlink`,
    );
  }
  if (!(await fs.stat(realService)).isDirectory()) {
    throw new InputError(`servicePath '${servicePath}' is not a directory`);
  }
  return serviceDir;
}

/**
 * Reads the given files of the service, byte for byte; a file that does not
 * exist, is not a regular file or lies inside `.git` is left out. A path
 * that leads out of the service through a symlink is an InputError: the
 * template manages that path, and nothing outside the service is ever read.
 */
export async function readServiceFiles(
  serviceDir: string,
  paths: Iterable<string>,
): Promise<Map<string, Buffer>> {
  const root = await fs.realpath(serviceDir);
  const files = new Map<string, Buffer>();
  for (const file of new Set(paths)) {
    if (file.split('/').includes('.git')) continue;
    let real: string;
    try {
      real = await fs.realpath(path.join(root, ...file.split('/')));
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
        continue;
      }
      throw error;
    }
    if (!isInsideOrSame(root, real) || real === root) {
      throw new InputError(
        `'${file}' in the service leads outside it through a symlink`,
      );
    }
    const stats = await fs.stat(real);
    if (stats.isFile()) files.set(file, await fs.readFile(real));
  }
  return files;
}

/**
 * Checks every change before any is made: each path must stay inside the
 * service, also through symlinks, not lie inside `.git`, not run through a
 * file, not name a directory, and no two changes may land in the same file.
 * Throws an InputError naming the first path that fails.
 */
export async function resolveServiceFileChanges(
  serviceDir: string,
  changes: ServiceFileChange[],
): Promise<ResolvedServiceFileChange[]> {
  const resolved: ResolvedServiceFileChange[] = [];
  const byRealPath = new Map<string, string>();
  for (const change of changes) {
    let file;
    try {
      file = await resolveWorkspaceFile(serviceDir, change.path, 'path');
    } catch (error) {
      if (isError(error) && error.name === 'InputError') {
        throw new InputError(
          `cannot ${change.action} '${change.path}' in the service: ${error.message}`,
        );
      }
      throw error;
    }
    const other = byRealPath.get(file.realPath);
    if (other !== undefined) {
      throw new InputError(
        `cannot ${change.action} '${change.path}' in the service: it is the same file as '${other}'`,
      );
    }
    byRealPath.set(file.realPath, change.path);
    resolved.push({ ...change, absolutePath: file.absolutePath });
  }
  return resolved;
}

// Removes the directories a delete left empty, up to the service directory.
async function removeEmptyParents(serviceDir: string, file: string) {
  let dir = path.dirname(file);
  while (dir !== serviceDir && isInsideOrSame(serviceDir, dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      // Not empty (or not ours to remove): so is every directory above it.
      return;
    }
    dir = path.dirname(dir);
  }
}

/**
 * Makes checked changes: deletes first, pruning directories left empty, then
 * writes, creating directories as needed. A new file gets the mode of the
 * skeleton file it came from; an existing file keeps its own.
 */
export async function applyServiceFileChanges(
  serviceDir: string,
  changes: ResolvedServiceFileChange[],
): Promise<void> {
  for (const change of changes) {
    if (change.action !== 'delete') continue;
    await fs.rm(change.absolutePath, { force: true });
    await removeEmptyParents(serviceDir, change.absolutePath);
  }
  for (const change of changes) {
    if (change.action !== 'write') continue;
    await fs.mkdir(path.dirname(change.absolutePath), { recursive: true });
    const data =
      'text' in change.content ? change.content.text : change.content.binary;
    await fs.writeFile(change.absolutePath, data, {
      ...(change.mode !== undefined ? { mode: change.mode } : {}),
    });
  }
}

/**
 * The bytes a file content is written as.
 */
export function fileContentBytes(content: FileContent): Buffer {
  return 'text' in content
    ? Buffer.from(content.text, 'utf8')
    : Buffer.from(content.binary);
}
