import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createLocalGitActions,
  createLocalGitBranchAction,
  createLocalGitFetchAction,
  createLocalGitPublishAction,
} from './localGit';
import {
  LOCAL_GIT_DEFAULT_ROOT,
  commitAll,
  createLocalRepo,
  readLocalGitRoot,
} from './localGitRepo';

const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe,
]);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

// Every file under a directory with its exact bytes, `.git` left out, so a
// test can compare trees and prove a failed run changed nothing.
function snapshot(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else {
        result[path.relative(root, absolute).split(path.sep).join('/')] = fs
          .readFileSync(absolute)
          .toString('base64');
      }
    }
  };
  walk(root);
  return result;
}

// The refs, the checked-out branch and the checkout: everything a failed
// action must leave as it was.
function repoState(repoPath: string) {
  return {
    refs: git(repoPath, 'for-each-ref', '--format=%(refname) %(objectname)'),
    head: git(repoPath, 'symbolic-ref', 'HEAD'),
    files: snapshot(repoPath),
    status: git(repoPath, 'status', '--porcelain'),
  };
}

// The files a branch holds, read from git itself rather than from a checkout.
function branchFiles(repoPath: string, branch: string): Record<string, string> {
  const names = git(repoPath, 'ls-tree', '-r', '--name-only', branch)
    .split('\n')
    .filter(Boolean);
  return Object.fromEntries(
    names.map(name => [
      name,
      execFileSync('git', ['show', `${branch}:${name}`], {
        cwd: repoPath,
      }).toString('base64'),
    ]),
  );
}

describe('local git actions', () => {
  const mockDir = createMockDirectory();
  const root = mockDir.resolve('repos');
  const workspacePath = mockDir.resolve('workspace');
  const [publish, fetch, branch] = createLocalGitActions({ root });

  function context<T extends Record<string, unknown>>(
    input: T,
    extra: { isDryRun?: boolean; workspacePath?: string } = {},
  ) {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: extra.workspacePath ?? workspacePath,
    });
    return {
      ...ctx,
      isDryRun: extra.isDryRun,
      // The mock hands out the workspace itself; a clone needs its own folder.
      createTemporaryDirectory: async () =>
        fs.mkdtempSync(path.join(mockDir.path, 'tmp-')),
    };
  }

  async function publishService(repoName = 'payments') {
    const ctx = context({ repoName });
    await publish.handler(ctx as any);
    return ctx;
  }

  beforeEach(() => {
    mockDir.setContent({
      workspace: {
        'catalog-info.yaml': 'kind: Component\n',
        'README.md': '# payments\n',
        'src/index.ts': 'export {};\n',
        'src/deep/nested/util.ts': 'export const x = 1;\n',
        'docs/logo.png': png,
        '.git/HEAD': 'ref: refs/heads/elsewhere\n',
      },
      outside: { 'secret.txt': 'do not touch\n' },
    });
  });

  describe('paved:localgit:publish', () => {
    it('creates a non-bare repository that accepts pushes, with the workspace as its first commit on main', async () => {
      const ctx = await publishService();
      const repoPath = path.join(root, 'payments');

      expect(git(repoPath, 'rev-parse', '--is-bare-repository')).toBe('false');
      expect(git(repoPath, 'config', 'receive.denyCurrentBranch')).toBe(
        'updateInstead',
      );
      expect(git(repoPath, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
      expect(git(repoPath, 'log', '--format=%s|%an|%ae', 'main')).toBe(
        'Initial commit from Paved|Paved|paved@localhost',
      );
      // The checkout is clean and holds the files; the workspace's .git did not travel.
      expect(git(repoPath, 'status', '--porcelain')).toBe('');
      expect(snapshot(repoPath)).toEqual(snapshot(workspacePath));
      expect(branchFiles(repoPath, 'main')).toEqual(snapshot(workspacePath));

      const commitHash = git(repoPath, 'rev-parse', 'main');
      expect(ctx.output).toHaveBeenCalledWith(
        'remoteUrl',
        pathToFileURL(repoPath).href,
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'repoContentsUrl',
        pathToFileURL(repoPath).href,
      );
      expect(ctx.output).toHaveBeenCalledWith('commitHash', commitHash);
      // No staging folder is left next to the repository.
      expect(fs.readdirSync(root)).toEqual(['payments']);
    });

    it('publishes a sub-directory on another branch with the given message', async () => {
      const ctx = context({
        repoName: 'svc.api_v2',
        sourcePath: 'src',
        defaultBranch: 'trunk',
        commitMessage: '# Create svc from the golden path',
      });
      await publish.handler(ctx as any);
      const repoPath = path.join(root, 'svc.api_v2');
      expect(git(repoPath, 'symbolic-ref', 'HEAD')).toBe('refs/heads/trunk');
      expect(git(repoPath, 'log', '--format=%B', '-1')).toBe(
        '# Create svc from the golden path',
      );
      expect(Object.keys(branchFiles(repoPath, 'trunk')).sort()).toEqual([
        'deep/nested/util.ts',
        'index.ts',
      ]);
    });

    it('creates nothing in a dry run, but reports what it would create', async () => {
      const ctx = context({ repoName: 'payments' }, { isDryRun: true });
      await publish.handler(ctx as any);
      expect(fs.existsSync(root)).toBe(false);
      expect(ctx.output).toHaveBeenCalledWith(
        'remoteUrl',
        pathToFileURL(path.join(root, 'payments')).href,
      );
      expect(ctx.output).toHaveBeenCalledWith('commitHash', '0'.repeat(40));
    });

    it('refuses a repository that already exists, and leaves it alone', async () => {
      await publishService();
      const repoPath = path.join(root, 'payments');
      const before = repoState(repoPath);
      fs.writeFileSync(path.join(workspacePath, 'README.md'), '# changed\n');

      await expect(publishService()).rejects.toThrow(
        new InputError("repoName 'payments' already exists"),
      );
      await expect(
        publish.handler(
          context({ repoName: 'payments' }, { isDryRun: true }) as any,
        ),
      ).rejects.toThrow(InputError);
      expect(repoState(repoPath)).toEqual(before);
      expect(fs.readdirSync(root)).toEqual(['payments']);
    });

    it.each([
      ['..'],
      ['../outside'],
      ['Payments'],
      ['-payments'],
      ['.hidden'],
      ['a..b'],
      ['with space'],
      ['x'.repeat(101)],
      [''],
    ])('refuses the repository name %j and creates nothing', async repoName => {
      await expect(
        publish.handler(context({ repoName }) as any),
      ).rejects.toThrow(/^repoName .* is not a valid repository name/);
      expect(fs.existsSync(root)).toBe(false);
      expect(snapshot(mockDir.resolve('outside'))).toEqual({
        'secret.txt': Buffer.from('do not touch\n').toString('base64'),
      });
    });

    it.each([
      ['../outside', /sourcePath '..\/outside' points outside the workspace/],
      ['/etc', /sourcePath must be relative to the workspace/],
      ['README.md', /sourcePath 'README.md' is not a directory/],
      ['missing', /sourcePath 'missing' is not a directory/],
      ['.git', /sourcePath '.git' is inside .git/],
    ])('refuses sourcePath %j', async (sourcePath, message) => {
      await expect(
        publish.handler(context({ repoName: 'payments', sourcePath }) as any),
      ).rejects.toThrow(message);
      expect(fs.existsSync(path.join(root, 'payments'))).toBe(false);
    });

    it('never follows a symlink out of the root or the workspace', async () => {
      fs.mkdirSync(root);
      fs.symlinkSync(mockDir.resolve('outside'), path.join(root, 'evil'));
      await expect(
        publish.handler(context({ repoName: 'evil' }) as any),
      ).rejects.toThrow(
        new InputError("repoName 'evil' points outside the root"),
      );

      fs.symlinkSync(
        mockDir.resolve('outside'),
        path.join(workspacePath, 'linked'),
      );
      await expect(
        publish.handler(
          context({ repoName: 'payments', sourcePath: 'linked' }) as any,
        ),
      ).rejects.toThrow("sourcePath 'linked' points outside the workspace");

      // A symlink inside the published folder is committed as a link, as git
      // does, never as the content of the file it points to.
      fs.rmSync(path.join(workspacePath, 'linked'));
      fs.symlinkSync('../outside/secret.txt', path.join(workspacePath, 'leak'));
      await publishService();
      const repoPath = path.join(root, 'payments');
      expect(git(repoPath, 'ls-tree', 'main', 'leak')).toMatch(/^120000 blob /);
      expect(git(repoPath, 'show', 'main:leak')).toBe('../outside/secret.txt');
      expect(fs.readdirSync(mockDir.resolve('outside'))).toEqual([
        'secret.txt',
      ]);
    });

    it('refuses an invalid default branch and an empty workspace, leaving nothing behind', async () => {
      await expect(
        publish.handler(
          context({
            repoName: 'payments',
            defaultBranch: 'bad..branch',
          }) as any,
        ),
      ).rejects.toThrow(
        "defaultBranch 'bad..branch' is not a valid git branch name",
      );

      fs.mkdirSync(path.join(workspacePath, 'empty'));
      await expect(
        publish.handler(
          context({ repoName: 'payments', sourcePath: 'empty' }) as any,
        ),
      ).rejects.toThrow(/has no files to publish/);
      expect(fs.readdirSync(root)).toEqual([]);
    });
  });

  describe('paved:localgit:fetch', () => {
    it('round-trips the published files, nested and binary, without .git', async () => {
      await publishService();
      const target = mockDir.resolve('fetched');
      fs.mkdirSync(target);
      const ctx = context({ repoName: 'payments' }, { workspacePath: target });
      await fetch.handler(ctx as any);

      const published = snapshot(workspacePath);
      expect(snapshot(target)).toEqual(published);
      expect(fs.readFileSync(path.join(target, 'docs/logo.png'))).toEqual(png);
      expect(fs.existsSync(path.join(target, '.git'))).toBe(false);
      expect(ctx.output).toHaveBeenCalledWith(
        'commitHash',
        git(path.join(root, 'payments'), 'rev-parse', 'main'),
      );
    });

    it('copies another branch into a sub-directory, keeping other files and leaving the repository alone', async () => {
      await publishService();
      const repoPath = path.join(root, 'payments');
      git(repoPath, 'branch', 'release');
      const before = repoState(repoPath);

      const ctx = context(
        { repoName: 'payments', branch: 'release', targetPath: 'copy/here' },
        { isDryRun: true },
      );
      await fetch.handler(ctx as any);
      expect(
        fs.readFileSync(
          path.join(workspacePath, 'copy/here/src/deep/nested/util.ts'),
          'utf8',
        ),
      ).toBe('export const x = 1;\n');
      expect(
        fs.readFileSync(path.join(workspacePath, 'README.md'), 'utf8'),
      ).toBe('# payments\n');
      expect(repoState(repoPath)).toEqual(before);
    });

    it('names the field when the repository or branch is unknown', async () => {
      await publishService();
      await expect(
        fetch.handler(context({ repoName: 'nope' }) as any),
      ).rejects.toThrow(
        new InputError("repoName 'nope' is not a local repository"),
      );
      await expect(
        fetch.handler(context({ repoName: 'payments', branch: 'nope' }) as any),
      ).rejects.toThrow(
        new InputError("branch 'nope' does not exist in payments"),
      );
      await expect(
        fetch.handler(
          context({ repoName: 'payments', targetPath: '../outside' }) as any,
        ),
      ).rejects.toThrow("targetPath '../outside' points outside the workspace");
      await expect(
        fetch.handler(context({ repoName: '../outside' }) as any),
      ).rejects.toThrow(
        /^repoName '..\/outside' is not a valid repository name/,
      );
    });
  });

  describe('paved:localgit:branch', () => {
    async function proposal() {
      await publishService();
      const repoPath = path.join(root, 'payments');
      // The changed service: one file added, one changed, one deleted (and a
      // whole nested folder deleted), the binary kept.
      const source = path.join(workspacePath, 'next');
      fs.mkdirSync(path.join(source, 'src'), { recursive: true });
      fs.mkdirSync(path.join(source, 'docs'), { recursive: true });
      fs.writeFileSync(
        path.join(source, 'catalog-info.yaml'),
        'kind: Component\n',
      );
      fs.writeFileSync(path.join(source, 'README.md'), '# payments v2\n');
      fs.writeFileSync(path.join(source, 'src/index.ts'), 'export {};\n');
      fs.writeFileSync(
        path.join(source, 'src/new.ts'),
        'export const y = 2;\n',
      );
      fs.writeFileSync(path.join(source, 'docs/logo.png'), png);
      // And the service exactly as published, for the "nothing changed" case.
      await fetch.handler(
        context({ repoName: 'payments', targetPath: 'unchanged' }) as any,
      );
      return { repoPath, source };
    }

    it('pushes a branch whose tree is exactly the source, leaving main untouched', async () => {
      const { repoPath, source } = await proposal();
      const mainBefore = repoState(repoPath);

      const ctx = context({
        repoName: 'payments',
        sourcePath: 'next',
        branchName: 'paved/upgrade-2.0.0',
        commitMessage: 'Upgrade to node-service 2.0.0',
        description: 'Re-rendered from 2.0.0.\n\nNo conflicts.',
      });
      await branch.handler(ctx as any);

      expect(branchFiles(repoPath, 'paved/upgrade-2.0.0')).toEqual(
        snapshot(source),
      );
      expect(
        git(repoPath, 'diff', '--name-status', 'main', 'paved/upgrade-2.0.0'),
      ).toBe(
        ['M\tREADME.md', 'D\tsrc/deep/nested/util.ts', 'A\tsrc/new.ts'].join(
          '\n',
        ),
      );
      expect(
        git(repoPath, 'log', '-1', '--format=%B', 'paved/upgrade-2.0.0'),
      ).toBe(
        'Upgrade to node-service 2.0.0\n\nRe-rendered from 2.0.0.\n\nNo conflicts.',
      );
      expect(git(repoPath, 'rev-parse', 'paved/upgrade-2.0.0^')).toBe(
        git(repoPath, 'rev-parse', 'main'),
      );

      const after = repoState(repoPath);
      expect(after.head).toBe(mainBefore.head);
      expect(after.files).toEqual(mainBefore.files);
      expect(after.status).toBe('');
      expect(git(repoPath, 'rev-parse', 'main')).toBe(
        git(repoPath, 'rev-parse', 'paved/upgrade-2.0.0^'),
      );

      const commitHash = git(repoPath, 'rev-parse', 'paved/upgrade-2.0.0');
      expect(ctx.output).toHaveBeenCalledWith(
        'branchName',
        'paved/upgrade-2.0.0',
      );
      expect(ctx.output).toHaveBeenCalledWith('targetBranchName', 'main');
      expect(ctx.output).toHaveBeenCalledWith('commitHash', commitHash);
      expect(ctx.output).toHaveBeenCalledWith(
        'remoteUrl',
        pathToFileURL(repoPath).href,
      );
    });

    it('starts from another base branch when asked', async () => {
      const { repoPath } = await proposal();
      git(repoPath, 'branch', 'develop');
      await branch.handler(
        context({
          repoName: 'payments',
          sourcePath: 'next',
          branchName: 'feature',
          baseBranch: 'develop',
          commitMessage: 'Change',
        }) as any,
      );
      expect(git(repoPath, 'rev-parse', 'feature^')).toBe(
        git(repoPath, 'rev-parse', 'develop'),
      );
    });

    it.each([
      [
        'an existing branch',
        { branchName: 'taken' },
        "branchName 'taken' already exists",
      ],
      [
        'an unknown base branch',
        { baseBranch: 'nope' },
        "baseBranch 'nope' does not exist",
      ],
      [
        'a source equal to the base',
        { sourcePath: 'unchanged' },
        'no changes to propose',
      ],
      [
        'an invalid branch name',
        { branchName: 'bad..name' },
        "branchName 'bad..name' is not a valid git branch name",
      ],
      [
        'a branch name that reads as an option',
        { branchName: '-f' },
        "branchName '-f' is not a valid git branch name",
      ],
      [
        'a branch name with a reflog expression',
        { branchName: '@{-1}' },
        "branchName '@{-1}' is not a valid git branch name",
      ],
      [
        'an unknown repository',
        { repoName: 'nope' },
        "repoName 'nope' is not a local repository",
      ],
      [
        'a source outside the workspace',
        { sourcePath: '../outside' },
        "sourcePath '../outside' points outside the workspace",
      ],
      [
        'an empty commit message',
        { commitMessage: '  ' },
        'commitMessage must not be empty',
      ],
    ])(
      'refuses %s with an InputError and changes nothing',
      async (_, overrides, message) => {
        const { repoPath } = await proposal();
        git(repoPath, 'branch', 'taken');
        const before = repoState(repoPath);

        const error = await branch
          .handler(
            context({
              repoName: 'payments',
              sourcePath: 'next',
              branchName: 'feature',
              commitMessage: 'Change',
              ...overrides,
            }) as any,
          )
          .then(
            () => undefined,
            e => e,
          );
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toContain(message);
        expect(repoState(repoPath)).toEqual(before);
      },
    );
  });
});

describe('local git helpers', () => {
  const mockDir = createMockDirectory();

  it('seed a repository whose default branch accepts pushes, and commit later changes', async () => {
    mockDir.setContent({ seed: { 'README.md': 'v1\n' } });
    const root = mockDir.resolve('repos');
    const repo = await createLocalRepo(
      root,
      'orders',
      mockDir.resolve('seed'),
      'Seed',
    );
    expect(git(repo.repoPath, 'log', '--format=%s')).toBe('Seed');

    fs.writeFileSync(path.join(repo.repoPath, 'README.md'), 'v2\n');
    const second = await commitAll(repo.repoPath, 'Second');
    expect(second).toBe(git(repo.repoPath, 'rev-parse', 'HEAD'));
    expect(await commitAll(repo.repoPath, 'Nothing')).toBeUndefined();

    // A clone pushing to main updates the repository's checkout in place.
    const clone = mockDir.resolve('clone');
    git(mockDir.path, 'clone', '--quiet', repo.remoteUrl, clone);
    fs.writeFileSync(path.join(clone, 'README.md'), 'v3\n');
    git(
      clone,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-qam',
      'Third',
    );
    git(clone, 'push', '--quiet', 'origin', 'main');
    expect(fs.readFileSync(path.join(repo.repoPath, 'README.md'), 'utf8')).toBe(
      'v3\n',
    );
    expect(git(repo.repoPath, 'status', '--porcelain')).toBe('');
  });

  it('read the root from config, relative to the working directory', () => {
    expect(
      readLocalGitRoot(new ConfigReader({}), '/srv/backstage/packages/backend'),
    ).toBe(
      path.resolve('/srv/backstage/packages/backend', LOCAL_GIT_DEFAULT_ROOT),
    );
    expect(
      readLocalGitRoot(new ConfigReader({}), '/srv/app/packages/backend'),
    ).toBe('/srv/app/data/repos');
    expect(
      readLocalGitRoot(
        new ConfigReader({ goldenPaths: { localGit: { root: 'repos' } } }),
        '/srv/app',
      ),
    ).toBe('/srv/app/repos');
    expect(
      readLocalGitRoot(
        new ConfigReader({ goldenPaths: { localGit: { root: '/var/repos' } } }),
        '/srv/app',
      ),
    ).toBe('/var/repos');
  });

  it('build each action on its own as well', () => {
    const options = { root: mockDir.resolve('repos') };
    expect(
      [
        createLocalGitPublishAction(options),
        createLocalGitFetchAction(options),
        createLocalGitBranchAction(options),
      ].map(action => [action.id, action.supportsDryRun]),
    ).toEqual([
      ['paved:localgit:publish', true],
      ['paved:localgit:fetch', true],
      ['paved:localgit:branch', false],
    ]);
  });
});
