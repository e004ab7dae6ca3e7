import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, isError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where demo repositories live when `goldenPaths.localGit.root` is not set,
 * relative to the backend's working directory (packages/backend in the demo).
 *
 * @public
 */
export const LOCAL_GIT_DEFAULT_ROOT = '../../data/repos';

const REPO_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

// Identity and branch are pinned so every commit looks the same on any machine.
const GIT_CONFIG = [
  '-c',
  'user.name=Paved',
  '-c',
  'user.email=paved@localhost',
  '-c',
  'init.defaultBranch=main',
  // Byte-exact round trips, whatever platform the backend runs on.
  '-c',
  'core.autocrlf=false',
  '-c',
  'commit.gpgsign=false',
];

/**
 * The environment git runs in: the backend's, without any GIT_* variable
 * (a stray GIT_DIR would point every command at another repository), and
 * without the user's or system git config (a global gpgsign, hooks path or
 * excludes file would change what gets committed, or prompt).
 */
function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    ...extra,
  };
}

/** Where git runs: the repository's .git and the files it commits or writes. */
type GitLocation = {
  cwd: string;
  gitDir?: string;
  workTree?: string;
  env?: Record<string, string>;
  signal?: AbortSignal;
};

/** A git command that exited with a non-zero status. */
class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${
        exitCode ?? 'unknown'
      }): ${stderr.trim()}`,
    );
    this.name = 'GitCommandError';
  }
}

/**
 * Runs the git CLI without a shell, so no input is ever interpreted by one.
 * The git directory and work tree are always passed explicitly: the repos
 * usually sit inside another checkout (data/ in the Paved repo), and git's
 * upward discovery would otherwise find that one.
 */
function runGit(args: string[], location: GitLocation): Promise<string> {
  const fullArgs = [
    ...GIT_CONFIG,
    ...(location.gitDir ? [`--git-dir=${location.gitDir}`] : []),
    ...(location.workTree ? [`--work-tree=${location.workTree}`] : []),
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      fullArgs,
      {
        cwd: location.cwd,
        env: gitEnvironment(location.env),
        maxBuffer: 16 * 1024 * 1024,
        signal: location.signal,
      },
      (error, stdout, stderr) => {
        if (error) {
          if (error.code === 'ENOENT') {
            reject(
              new Error(
                'The local git actions need the git CLI, and none was found on the PATH',
              ),
            );
            return;
          }
          const code = typeof error.code === 'number' ? error.code : undefined;
          reject(
            code === undefined
              ? error
              : new GitCommandError(args, code, String(stderr)),
          );
          return;
        }
        resolve(String(stdout));
      },
    );
  });
}

function repoLocation(repoPath: string, signal?: AbortSignal): GitLocation {
  return {
    cwd: repoPath,
    gitDir: path.join(repoPath, '.git'),
    workTree: repoPath,
    signal,
  };
}

async function exists(target: string): Promise<boolean> {
  return fs
    .lstat(target)
    .then(() => true)
    .catch(() => false);
}

/**
 * Reads the folder demo repositories live in from `goldenPaths.localGit.root`,
 * resolved against the working directory, as the backend's own paths are.
 *
 * @public
 */
export function readLocalGitRoot(config: Config, cwd = process.cwd()): string {
  const root =
    config.getOptionalString('goldenPaths.localGit.root') ??
    LOCAL_GIT_DEFAULT_ROOT;
  return path.resolve(cwd, root);
}

/**
 * Throws an InputError naming `field` unless `name` can be a repository
 * folder: lowercase letters, digits, `.`, `_` and `-`, starting with a letter
 * or digit, at most 100 characters, no `..`.
 *
 * @public
 */
export function assertRepoName(name: unknown, field = 'repoName'): string {
  if (
    typeof name !== 'string' ||
    !REPO_NAME_PATTERN.test(name) ||
    name.includes('..')
  ) {
    throw new InputError(
      `${field} '${String(
        name,
      )}' is not a valid repository name: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters, no '..'`,
    );
  }
  return name;
}

/**
 * The absolute folder of repository `repoName` under `root`, refusing any
 * name (or symlink) that would lead outside `root`.
 *
 * @public
 */
export function localRepoPath(
  root: string,
  repoName: string,
  field = 'repoName',
): string {
  assertRepoName(repoName, field);
  try {
    return resolveSafeChildPath(path.resolve(root), repoName);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new InputError(`${field} '${repoName}' points outside the root`);
    }
    throw error;
  }
}

/**
 * The `file://` URL git and the scaffolder know a local repository by.
 *
 * @public
 */
export function localRepoUrl(repoPath: string): string {
  return pathToFileURL(repoPath).href;
}

/**
 * Throws an InputError naming `field` unless `name` is a valid branch name,
 * as `git check-ref-format` judges it.
 *
 * @public
 */
export async function assertBranchName(
  name: unknown,
  field: string,
): Promise<string> {
  const invalid = () =>
    new InputError(`${field} '${String(name)}' is not a valid git branch name`);
  // A leading dash would read as an option, HEAD as the symbolic ref and `@`
  // as HEAD; git refuses them as branch names although the ref format allows them.
  if (
    typeof name !== 'string' ||
    name.startsWith('-') ||
    name === 'HEAD' ||
    name === '@' ||
    name.includes('\u0000')
  ) {
    throw invalid();
  }
  try {
    // The full ref, not --branch: --branch expands `@{-1}` against whatever
    // repository the working directory happens to be in.
    await runGit(['check-ref-format', `refs/heads/${name}`], {
      cwd: os.tmpdir(),
    });
  } catch (error) {
    if (error instanceof GitCommandError) throw invalid();
    throw error;
  }
  return name;
}

/**
 * Whether `repoPath` holds a repository this backend created: a folder with
 * its own `.git` directory.
 *
 * @public
 */
export async function isLocalRepo(repoPath: string): Promise<boolean> {
  const stats = await fs.stat(path.join(repoPath, '.git')).catch(() => null);
  return stats?.isDirectory() ?? false;
}

/**
 * The commit a branch points at, or undefined when there is no such branch.
 *
 * @public
 */
export async function resolveBranch(
  repoPath: string,
  branch: string,
): Promise<string | undefined> {
  try {
    const out = await runGit(
      ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
      repoLocation(repoPath),
    );
    return out.trim();
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Stages every file of the work tree (additions, changes and deletions;
 * `.git` is never part of it) and commits it. Returns the new commit's hash,
 * or undefined when nothing changed and so nothing was committed.
 *
 * `workTree` commits the files of another folder as this repository's
 * tree without copying them: the repository's own files stay as they were.
 *
 * @public
 */
export async function commitAll(
  repoPath: string,
  message: string,
  options: { workTree?: string; signal?: AbortSignal } = {},
): Promise<string | undefined> {
  const location: GitLocation = {
    ...repoLocation(repoPath, options.signal),
    workTree: options.workTree ?? repoPath,
    cwd: options.workTree ?? repoPath,
  };
  await runGit(['add', '--all'], location);
  try {
    await runGit(['diff', '--cached', '--quiet'], location);
    return undefined;
  } catch (error) {
    // Exit 1 is diff's way of saying "there are staged changes".
    if (!(error instanceof GitCommandError && error.exitCode === 1)) {
      throw error;
    }
  }
  // --no-verify: hooks are not Paved's, and a demo must not depend on them.
  await runGit(
    ['commit', '--quiet', '--no-verify', `--message=${message}`],
    location,
  );
  const hash = await runGit(['rev-parse', 'HEAD'], location);
  return hash.trim();
}

/**
 * A repository created by {@link createLocalRepo}.
 *
 * @public
 */
export type LocalRepo = {
  /** Absolute folder of the repository (a normal checkout). */
  repoPath: string;
  /** `file://` URL of the repository, usable as a git remote. */
  remoteUrl: string;
  /** The first commit. */
  commitHash: string;
};

/**
 * Creates repository `repoName` under `root` with the files of `sourceDir`
 * as its first commit on `defaultBranch` (default `main`). The repository is
 * a normal checkout that accepts pushes to its checked-out branch
 * (`receive.denyCurrentBranch=updateInstead`), so it behaves like a hosted
 * remote while its files stay readable on disk. Throws an InputError when
 * the repository exists or the source has no files; then nothing is left
 * behind.
 *
 * @public
 */
export async function createLocalRepo(
  root: string,
  repoName: string,
  sourceDir: string,
  message: string,
  options: { defaultBranch?: string; signal?: AbortSignal } = {},
): Promise<LocalRepo> {
  const defaultBranch = await assertBranchName(
    options.defaultBranch ?? 'main',
    'defaultBranch',
  );
  const absoluteRoot = path.resolve(root);
  const repoPath = localRepoPath(absoluteRoot, repoName);
  if (await exists(repoPath)) {
    throw new InputError(`repoName '${repoName}' already exists`);
  }
  const source = await fs.stat(sourceDir).catch(() => undefined);
  if (!source?.isDirectory()) {
    throw new InputError(`sourcePath '${sourceDir}' is not a directory`);
  }

  // Built in a hidden sibling and renamed into place, so a failure half-way
  // never leaves a broken repository under the real name, and two tasks
  // racing for one name cannot both win. Valid names never start with '.',
  // so the staging folder cannot collide with a repository.
  await fs.mkdir(absoluteRoot, { recursive: true });
  const staging = await fs.mkdtemp(path.join(absoluteRoot, `.${repoName}-`));
  try {
    await runGit(['init', '--quiet', `--initial-branch=${defaultBranch}`], {
      cwd: staging,
      signal: options.signal,
    });
    const location = repoLocation(staging, options.signal);
    await runGit(
      ['config', 'receive.denyCurrentBranch', 'updateInstead'],
      location,
    );
    const commitHash = await commitAll(staging, message, {
      workTree: sourceDir,
      signal: options.signal,
    });
    if (!commitHash) {
      throw new InputError(`sourcePath '${sourceDir}' has no files to publish`);
    }
    // The commit was made from sourceDir; write the files into the
    // repository's own checkout too, since updateInstead only accepts pushes
    // while the checkout matches HEAD.
    await runGit(['reset', '--quiet', '--hard'], location);
    try {
      await fs.rename(staging, repoPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new InputError(`repoName '${repoName}' already exists`);
      }
      throw error;
    }
    return { repoPath, remoteUrl: localRepoUrl(repoPath), commitHash };
  } finally {
    // A no-op after the rename; removes the half-built repository otherwise.
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes the files of `branch` (never `.git`) into `targetDir`, overwriting
 * files of the same name and leaving others alone. The repository itself,
 * its checkout and its index are not touched. Returns the commit written,
 * or throws an InputError naming `branch` when there is no such branch.
 *
 * @public
 */
export async function exportBranch(
  repoPath: string,
  branch: string,
  targetDir: string,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const commit = await resolveBranch(repoPath, branch);
  if (!commit) {
    throw new InputError(
      `branch '${branch}' does not exist in ${path.basename(repoPath)}`,
    );
  }
  await fs.mkdir(targetDir, { recursive: true });
  // A throwaway index keeps the repository's own index (and so its checkout)
  // untouched, which lets this run safely next to pushes into it.
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-localgit-'));
  try {
    const location: GitLocation = {
      cwd: targetDir,
      gitDir: path.join(repoPath, '.git'),
      workTree: targetDir,
      env: { GIT_INDEX_FILE: path.join(scratch, 'index') },
      signal: options.signal,
    };
    await runGit(['read-tree', commit], location);
    // git replaces a symlinked directory in the target instead of writing
    // through it, so files cannot land outside targetDir.
    await runGit(['checkout-index', '--all', '--force'], location);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return commit;
}

/**
 * Proposes a change the way a pull request would: commits the files of
 * `sourceDir` as the whole tree of a new branch `branchName` started from
 * `baseBranch`, in a clone under `workDir`, and pushes that branch to the
 * repository. Files missing from `sourceDir` are deleted on the branch; the
 * base branch is not touched. Throws an InputError naming the field when the
 * base branch is missing, the branch exists, or nothing changed.
 *
 * @public
 */
export async function proposeLocalBranch(options: {
  repoPath: string;
  sourceDir: string;
  branchName: string;
  baseBranch: string;
  message: string;
  /** An empty folder to clone into; the caller removes it. */
  workDir: string;
  signal?: AbortSignal;
}): Promise<{ commitHash: string }> {
  const { repoPath, sourceDir, branchName, baseBranch, signal } = options;
  if (!(await resolveBranch(repoPath, baseBranch))) {
    throw new InputError(`baseBranch '${baseBranch}' does not exist`);
  }
  if (await resolveBranch(repoPath, branchName)) {
    throw new InputError(`branchName '${branchName}' already exists`);
  }

  const clonePath = path.join(options.workDir, 'clone');
  await runGit(
    [
      'clone',
      '--quiet',
      '--single-branch',
      `--branch=${baseBranch}`,
      '--',
      repoPath,
      clonePath,
    ],
    { cwd: options.workDir, signal },
  );
  const location = repoLocation(clonePath, signal);
  await runGit(['checkout', '--quiet', '-b', branchName], location);
  // Committing with sourceDir as the work tree makes the branch's tree exactly
  // sourceDir: new and changed files staged, missing ones deleted, and .git
  // (which git never treats as content) left alone.
  const commitHash = await commitAll(clonePath, options.message, {
    workTree: sourceDir,
    signal,
  });
  if (!commitHash) {
    throw new InputError(
      `sourcePath: no changes to propose, it matches ${baseBranch}`,
    );
  }
  try {
    await runGit(
      [
        'push',
        '--quiet',
        'origin',
        `refs/heads/${branchName}:refs/heads/${branchName}`,
      ],
      location,
    );
  } catch (error) {
    // Another task may have pushed the same branch since the check above.
    if (await resolveBranch(repoPath, branchName)) {
      throw new InputError(`branchName '${branchName}' already exists`);
    }
    throw error;
  }
  return { commitHash };
}
