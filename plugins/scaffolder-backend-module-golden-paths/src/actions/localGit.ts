import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  branchExamples,
  fetchExamples,
  publishExamples,
} from './localGit.examples';
import {
  assertBranchName,
  assertRepoName,
  createLocalRepo,
  exportBranch,
  isLocalRepo,
  localRepoPath,
  localRepoUrl,
  proposeLocalBranch,
} from './localGitRepo';

/**
 * Id of the action that publishes the workspace as a new local repository.
 *
 * @public
 */
export const LOCAL_GIT_PUBLISH_ACTION_ID = 'paved:localgit:publish';

/**
 * Id of the action that copies a local repository's branch into the workspace.
 *
 * @public
 */
export const LOCAL_GIT_FETCH_ACTION_ID = 'paved:localgit:fetch';

/**
 * Id of the action that proposes a change as a new branch of a local repository.
 *
 * @public
 */
export const LOCAL_GIT_BRANCH_ACTION_ID = 'paved:localgit:branch';

/**
 * Options shared by the local git actions.
 *
 * @public
 */
export type LocalGitActionOptions = {
  /** Absolute folder the repositories live in, one sub-folder each. */
  root: string;
};

// What a dry run reports as the commit: git's own spelling of "no object".
const NO_COMMIT = '0'.repeat(40);

// The pattern is repeated in the input schema so the template form rejects a
// bad name before a task even starts; the handler checks again because
// actions are also called without that validation.
const REPO_NAME_DESCRIPTION =
  "Name of the repository folder under goldenPaths.localGit.root: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters.";
const REPO_NAME_REGEX = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * Resolves a workspace-relative folder named by a template input, or throws
 * an InputError naming `field` when it is absolute, escapes the workspace
 * (also through a symlink) or lies inside `.git`.
 */
function resolveWorkspaceDirectory(
  workspacePath: string,
  input: unknown,
  field: string,
): string {
  if (typeof input !== 'string' || input.includes('\u0000')) {
    throw new InputError(`${field} must be a relative path without NUL`);
  }
  if (path.isAbsolute(input) || path.win32.isAbsolute(input)) {
    throw new InputError(
      `${field} must be relative to the workspace, got '${input}'`,
    );
  }
  let resolved: string;
  try {
    resolved = resolveSafeChildPath(workspacePath, input);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new InputError(`${field} '${input}' points outside the workspace`);
    }
    // It follows symlinks with realpath, which fails on a file used as a directory.
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOTDIR') {
      throw new InputError(
        `${field} '${input}' runs through a file where a directory is needed`,
      );
    }
    if (code === 'ENAMETOOLONG') {
      throw new InputError(`${field} is too long a path`);
    }
    throw error;
  }
  if (path.relative(workspacePath, resolved).split(path.sep).includes('.git')) {
    throw new InputError(`${field} '${input}' is inside .git`);
  }
  return resolved;
}

async function assertDirectory(
  directory: string,
  input: string,
  field: string,
): Promise<void> {
  const stats = await fs.stat(directory).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new InputError(
      `${field} '${input}' is not a directory in the workspace`,
    );
  }
}

async function existingRepoPath(root: string, repoName: string) {
  const repoPath = localRepoPath(root, assertRepoName(repoName));
  if (!(await isLocalRepo(repoPath))) {
    throw new InputError(`repoName '${repoName}' is not a local repository`);
  }
  return repoPath;
}

function assertMessage(message: unknown, field: string): string {
  if (typeof message === 'string' && message.includes('\u0000')) {
    throw new InputError(`${field} must not contain NUL characters`);
  }
  if (typeof message !== 'string' || message.trim() === '') {
    throw new InputError(`${field} must not be empty`);
  }
  return message;
}

/**
 * Creates the `paved:localgit:publish` action: the offline stand-in for
 * `publish:github`, publishing the workspace as a new repository under the
 * local git root.
 *
 * @public
 */
export function createLocalGitPublishAction(options: LocalGitActionOptions) {
  const root = path.resolve(options.root);
  return createTemplateAction({
    id: LOCAL_GIT_PUBLISH_ACTION_ID,
    description:
      'Publishes the workspace as a new git repository under goldenPaths.localGit.root, the offline stand-in for publish:github.',
    examples: publishExamples,
    // A dry run checks the input and reports what would be created, but
    // creates nothing: the repository would outlive the dry run.
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string({ description: REPO_NAME_DESCRIPTION })
            .regex(REPO_NAME_REGEX),
        sourcePath: z =>
          z
            .string({
              description:
                "Folder of the workspace to publish, relative to it. Defaults to '.', the whole workspace.",
            })
            .optional(),
        defaultBranch: z =>
          z
            .string({
              description: "Branch to commit to. Defaults to 'main'.",
            })
            .optional(),
        commitMessage: z =>
          z
            .string({
              description:
                "Message of the first commit. Defaults to 'Initial commit from Paved'.",
            })
            .optional(),
      },
      output: {
        remoteUrl: z =>
          z.string({
            description: 'file:// URL of the new repository, a git remote',
          }),
        repoContentsUrl: z =>
          z.string({
            description:
              "file:// URL of the repository's files on the default branch; append '/catalog-info.yaml' to name a file",
          }),
        commitHash: z =>
          z.string({
            description:
              'The first commit; forty zeros in a dry run, where nothing is committed',
          }),
      },
    },
    async handler(ctx) {
      const { input, workspacePath } = ctx;
      const repoName = assertRepoName(input.repoName);
      const sourceInput = input.sourcePath ?? '.';
      const defaultBranch = await assertBranchName(
        input.defaultBranch ?? 'main',
        'defaultBranch',
      );
      const message = assertMessage(
        input.commitMessage ?? 'Initial commit from Paved',
        'commitMessage',
      );
      const sourceDir = resolveWorkspaceDirectory(
        workspacePath,
        sourceInput,
        'sourcePath',
      );
      await assertDirectory(sourceDir, sourceInput, 'sourcePath');
      const repoPath = localRepoPath(root, repoName);
      const remoteUrl = localRepoUrl(repoPath);

      if (ctx.isDryRun) {
        // Same verdict a real run would reach on an existing repository.
        if (await fs.lstat(repoPath).catch(() => undefined)) {
          throw new InputError(`repoName '${repoName}' already exists`);
        }
        ctx.logger.info(
          `Dry run: would create ${repoPath} on ${defaultBranch} from ${sourceInput}`,
        );
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('repoContentsUrl', remoteUrl);
        ctx.output('commitHash', NO_COMMIT);
        return;
      }

      // The existence check lives inside the checkpoint: a task recovered
      // after publishing must reuse the result, not fail on its own repo.
      const { commitHash } = await ctx.checkpoint({
        key: `localgit-publish:${repoName}`,
        fn: async () => {
          const repo = await createLocalRepo(
            root,
            repoName,
            sourceDir,
            message,
            {
              defaultBranch,
              signal: ctx.signal,
            },
          );
          return { commitHash: repo.commitHash };
        },
      });

      ctx.logger.info(
        `Published ${sourceInput} to ${repoPath} on ${defaultBranch} at ${commitHash}`,
      );
      ctx.output('remoteUrl', remoteUrl);
      // The repository is a checkout of its default branch, so its folder is
      // where that branch's files can be read.
      ctx.output('repoContentsUrl', remoteUrl);
      ctx.output('commitHash', commitHash);
    },
  });
}

/**
 * Creates the `paved:localgit:fetch` action: copies the files of a branch of
 * a local repository into the workspace, like `fetch:plain` does for a URL.
 *
 * @public
 */
export function createLocalGitFetchAction(options: LocalGitActionOptions) {
  const root = path.resolve(options.root);
  return createTemplateAction({
    id: LOCAL_GIT_FETCH_ACTION_ID,
    description:
      "Copies a branch's files (without .git) from a repository under goldenPaths.localGit.root into the workspace.",
    examples: fetchExamples,
    // Only reads the repository and writes into the workspace.
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string({ description: REPO_NAME_DESCRIPTION })
            .regex(REPO_NAME_REGEX),
        branch: z =>
          z
            .string({
              description: "Branch to copy. Defaults to 'main'.",
            })
            .optional(),
        targetPath: z =>
          z
            .string({
              description:
                "Folder of the workspace to copy into, relative to it. Defaults to '.'. Files of the same name are overwritten, others kept.",
            })
            .optional(),
      },
      output: {
        commitHash: z =>
          z.string({ description: 'The commit whose files were copied' }),
      },
    },
    async handler(ctx) {
      const { input, workspacePath } = ctx;
      const repoPath = await existingRepoPath(root, input.repoName);
      const branch = await assertBranchName(input.branch ?? 'main', 'branch');
      const targetInput = input.targetPath ?? '.';
      const targetDir = resolveWorkspaceDirectory(
        workspacePath,
        targetInput,
        'targetPath',
      );
      const existing = await fs.stat(targetDir).catch(error => {
        if (error?.code === 'ENOTDIR') {
          throw new InputError(
            `targetPath '${targetInput}' runs through a file where a directory is needed`,
          );
        }
        return undefined;
      });
      if (existing && !existing.isDirectory()) {
        throw new InputError(`targetPath '${targetInput}' is not a directory`);
      }

      const commitHash = await ctx.checkpoint({
        key: `localgit-fetch:${input.repoName}:${branch}:${targetInput}`,
        fn: () =>
          exportBranch(repoPath, branch, targetDir, { signal: ctx.signal }),
      });

      ctx.logger.info(
        `Fetched ${input.repoName}@${branch} (${commitHash}) into ${targetInput}`,
      );
      ctx.output('commitHash', commitHash);
    },
  });
}

/**
 * Creates the `paved:localgit:branch` action: the offline stand-in for
 * `publish:github:pull-request`, pushing the workspace's files as a new
 * branch of a local repository for review.
 *
 * @public
 */
export function createLocalGitBranchAction(options: LocalGitActionOptions) {
  const root = path.resolve(options.root);
  return createTemplateAction({
    id: LOCAL_GIT_BRANCH_ACTION_ID,
    description:
      'Proposes a change to a repository under goldenPaths.localGit.root: commits a workspace folder as the tree of a new branch and pushes it, the offline stand-in for publish:github:pull-request.',
    examples: branchExamples,
    // Pushing a branch changes a repository that outlives the task.
    supportsDryRun: false,
    schema: {
      input: {
        repoName: z =>
          z
            .string({ description: REPO_NAME_DESCRIPTION })
            .regex(REPO_NAME_REGEX),
        sourcePath: z =>
          z.string({
            description:
              "Folder of the workspace holding the service's files as they should be on the new branch, relative to it. Files missing from it are deleted on the branch.",
          }),
        branchName: z =>
          z.string({
            description: 'The new branch; it must not exist yet.',
          }),
        baseBranch: z =>
          z
            .string({
              description:
                "Branch the new branch starts from. Defaults to 'main'.",
            })
            .optional(),
        commitMessage: z =>
          z.string({ description: 'Title of the change, its commit subject' }),
        description: z =>
          z
            .string({
              description:
                'Body of the change, as a pull request body; becomes the commit body.',
            })
            .optional(),
      },
      output: {
        branchName: z => z.string({ description: 'The branch pushed' }),
        targetBranchName: z =>
          z.string({
            description: 'The branch the change is proposed against',
          }),
        commitHash: z =>
          z.string({ description: 'The commit at the tip of the branch' }),
        remoteUrl: z =>
          z.string({ description: 'file:// URL of the repository' }),
      },
    },
    async handler(ctx) {
      const { input, workspacePath } = ctx;
      const repoPath = await existingRepoPath(root, input.repoName);
      const branchName = await assertBranchName(input.branchName, 'branchName');
      const baseBranch = await assertBranchName(
        input.baseBranch ?? 'main',
        'baseBranch',
      );
      const subject = assertMessage(input.commitMessage ?? '', 'commitMessage');
      if (
        input.description !== undefined &&
        (typeof input.description !== 'string' ||
          input.description.includes('\u0000'))
      ) {
        throw new InputError('description must be a string without NUL');
      }
      const message = input.description?.trim()
        ? `${subject}\n\n${input.description}`
        : subject;
      const sourceInput = input.sourcePath;
      if (typeof sourceInput !== 'string' || sourceInput === '') {
        throw new InputError(
          "sourcePath must name a folder of the workspace, e.g. '.'",
        );
      }
      const sourceDir = resolveWorkspaceDirectory(
        workspacePath,
        sourceInput,
        'sourcePath',
      );
      await assertDirectory(sourceDir, sourceInput, 'sourcePath');

      // Branch and base checks run inside the checkpoint: a recovered task
      // must reuse the branch it pushed, not fail because it now exists.
      const { commitHash } = await ctx.checkpoint({
        key: `localgit-branch:${input.repoName}:${branchName}`,
        fn: async () =>
          proposeLocalBranch({
            repoPath,
            sourceDir,
            branchName,
            baseBranch,
            message,
            workDir: await ctx.createTemporaryDirectory(),
            signal: ctx.signal,
          }),
      });

      ctx.logger.info(
        `Pushed ${branchName} (${commitHash}) to ${input.repoName}, proposed against ${baseBranch}`,
      );
      ctx.output('branchName', branchName);
      ctx.output('targetBranchName', baseBranch);
      ctx.output('commitHash', commitHash);
      ctx.output('remoteUrl', localRepoUrl(repoPath));
    },
  });
}

/**
 * Creates the three local git actions (publish, fetch, branch) over one root
 * folder, which is how the module registers them.
 *
 * @public
 */
export function createLocalGitActions(options: LocalGitActionOptions) {
  return [
    createLocalGitPublishAction(options),
    createLocalGitFetchAction(options),
    createLocalGitBranchAction(options),
  ];
}
