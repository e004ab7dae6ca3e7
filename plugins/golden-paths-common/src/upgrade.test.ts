import { FileOwnership, PavedLockFile } from './lock';
import { FileContent } from './merge';
import {
  assertSafeRelativePath,
  isSafeRelativePath,
  planUpgrade,
  sameFileContent,
  summarizeUpgrade,
  UpgradeFileChange,
  UpgradeInput,
  UpgradePlan,
} from './upgrade';

const text = (...lines: string[]): { text: string } => ({
  text: lines.map(line => `${line}\n`).join(''),
});
const binary = (...bytes: number[]): FileContent => ({
  binary: Uint8Array.from(bytes),
});

type Files = Record<string, FileContent>;

/**
 * Plans an upgrade from plain objects; every file of the old render is in the
 * lock with the ownership given (default shared).
 */
function plan(options: {
  oldRender?: Files;
  newRender?: Files;
  current?: Files;
  ownership?: Record<string, FileOwnership>;
  newOwnership?: Record<string, FileOwnership>;
  renames?: Record<string, string>;
  lockFiles?: PavedLockFile['files'];
  labels?: UpgradeInput['labels'];
}): UpgradePlan {
  const oldRender = options.oldRender ?? {};
  const lock: PavedLockFile = {
    schemaVersion: 1,
    templateRef: 'template:default/node-service',
    version: '1.0.0',
    answers: { name: 'payments' },
    files:
      options.lockFiles ??
      Object.keys(oldRender).map(path => ({
        path,
        sha256: '0'.repeat(64),
        ownership: options.ownership?.[path] ?? 'shared',
      })),
  };
  return planUpgrade({
    oldRender: new Map(Object.entries(oldRender)),
    newRender: new Map(Object.entries(options.newRender ?? {})),
    current: new Map(Object.entries(options.current ?? {})),
    lock,
    ownershipFor: path => options.newOwnership?.[path] ?? 'shared',
    renames: options.renames,
    labels: options.labels,
  });
}

function change(p: UpgradePlan, path: string): UpgradeFileChange {
  const found = p.changes.find(c => c.path === path);
  if (!found) throw new Error(`No change for ${path}`);
  return found;
}

const v1 = text('one', 'two', 'three', 'four', 'five', 'six');
const v2 = text('one', 'two', 'three', 'four', 'five', 'SIX');
const team = text('ONE', 'two', 'three', 'four', 'five', 'six');

describe('planUpgrade', () => {
  describe('platform files', () => {
    const ownership = { 'ci.yaml': 'platform' } as const;

    it('replaces the file with the new render', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: { 'ci.yaml': v2 },
        current: { 'ci.yaml': v1 },
        ownership,
      });
      expect(change(p, 'ci.yaml')).toEqual({
        path: 'ci.yaml',
        action: 'update',
        content: v2,
        ownership: 'platform',
        reason: 'owned by the template: replaced by the new version',
      });
    });

    it('replaces it even when the team changed it, and says so', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: { 'ci.yaml': v2 },
        current: { 'ci.yaml': team },
        ownership,
      });
      expect(change(p, 'ci.yaml')).toMatchObject({
        action: 'update',
        content: v2,
        reason: expect.stringContaining("overwriting the team's changes"),
      });
      expect(p.conflicts).toEqual([]);
    });

    it('restores it when the team deleted it', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: { 'ci.yaml': v2 },
        current: {},
        ownership,
      });
      expect(change(p, 'ci.yaml')).toMatchObject({
        action: 'create',
        content: v2,
      });
    });

    it('keeps it when it already matches the new render', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: { 'ci.yaml': v2 },
        current: { 'ci.yaml': v2 },
        ownership,
      });
      expect(change(p, 'ci.yaml')).toMatchObject({ action: 'keep' });
      expect(change(p, 'ci.yaml').content).toBeUndefined();
    });

    it('deletes it when the template removed it and the team did not change it', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: {},
        current: { 'ci.yaml': v1 },
        ownership,
      });
      expect(change(p, 'ci.yaml')).toEqual({
        path: 'ci.yaml',
        action: 'delete',
        ownership: 'platform',
        reason: 'removed by the template',
      });
    });

    it('leaves it as a conflict when the template removed it but the team changed it', () => {
      const p = plan({
        oldRender: { 'ci.yaml': v1 },
        newRender: {},
        current: { 'ci.yaml': team },
        ownership,
      });
      expect(change(p, 'ci.yaml')).toEqual({
        path: 'ci.yaml',
        action: 'conflict',
        ownership: 'platform',
        reason: 'removed by the template, but changed by the team',
      });
      expect(p.conflicts).toEqual([
        {
          path: 'ci.yaml',
          reason: 'removed by the template, but changed by the team',
        },
      ]);
    });
  });

  describe('seed files', () => {
    const ownership = { 'README.md': 'seed' } as const;

    it('never touches them when the template changed them', () => {
      const p = plan({
        oldRender: { 'README.md': v1 },
        newRender: { 'README.md': v2 },
        current: { 'README.md': team },
        ownership,
      });
      expect(change(p, 'README.md')).toMatchObject({
        action: 'keep',
        ownership: 'seed',
      });
      expect(change(p, 'README.md').content).toBeUndefined();
    });

    it('never touches them even when unchanged by the team', () => {
      const p = plan({
        oldRender: { 'README.md': v1 },
        newRender: { 'README.md': v2 },
        current: { 'README.md': v1 },
        ownership,
      });
      expect(change(p, 'README.md').action).toBe('keep');
    });

    it('keeps them when the template removed them', () => {
      const p = plan({
        oldRender: { 'README.md': v1 },
        newRender: {},
        current: { 'README.md': v1 },
        ownership,
      });
      expect(change(p, 'README.md').action).toBe('keep');
    });

    it('does not bring them back when the team deleted them', () => {
      const p = plan({
        oldRender: { 'README.md': v1 },
        newRender: { 'README.md': v2 },
        current: {},
        ownership,
      });
      expect(change(p, 'README.md')).toMatchObject({
        action: 'keep',
        reason: expect.stringContaining('deleted by the team'),
      });
    });
  });

  describe('shared files', () => {
    it('takes the new render when the team did not change the file', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v2 },
        current: { 'package.json': v1 },
      });
      expect(change(p, 'package.json')).toEqual({
        path: 'package.json',
        action: 'update',
        content: v2,
        ownership: 'shared',
        reason: 'changed by the template only',
      });
    });

    it('deletes the file when the template removed it and the team did not change it', () => {
      const p = plan({
        oldRender: { 'old.ts': v1 },
        newRender: {},
        current: { 'old.ts': v1 },
      });
      expect(change(p, 'old.ts')).toMatchObject({ action: 'delete' });
    });

    it("keeps the team's file when the template did not change it", () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v1 },
        current: { 'package.json': team },
      });
      expect(change(p, 'package.json')).toMatchObject({
        action: 'keep',
        reason: 'changed by the team only',
      });
    });

    it('keeps an untouched file untouched', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v1 },
        current: { 'package.json': v1 },
      });
      expect(change(p, 'package.json').action).toBe('keep');
    });

    it('keeps a file the team deleted deleted, even when the template changed it', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v2 },
        current: {},
      });
      expect(change(p, 'package.json')).toEqual({
        path: 'package.json',
        action: 'keep',
        ownership: 'shared',
        reason: 'deleted by the team',
      });
    });

    it('keeps a file both sides changed the same way', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v2 },
        current: { 'package.json': v2 },
      });
      expect(change(p, 'package.json').action).toBe('keep');
    });

    it('merges changes both sides made to different lines', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v2 },
        current: { 'package.json': team },
      });
      expect(change(p, 'package.json')).toEqual({
        path: 'package.json',
        action: 'update',
        content: text('ONE', 'two', 'three', 'four', 'five', 'SIX'),
        ownership: 'shared',
        reason: 'changed by both the team and the template: merged cleanly',
      });
      expect(p.conflicts).toEqual([]);
    });

    it('writes conflict markers where both sides changed the same lines, and lists the file', () => {
      const p = plan({
        oldRender: { 'package.json': v1 },
        newRender: { 'package.json': v2 },
        current: {
          'package.json': text(
            'one',
            'two',
            'three',
            'four',
            'five',
            'six (ours)',
          ),
        },
        labels: { ours: 'current (your service)', theirs: 'template 2.0.0' },
      });
      expect(change(p, 'package.json')).toEqual({
        path: 'package.json',
        action: 'conflict',
        content: text(
          'one',
          'two',
          'three',
          'four',
          'five',
          '<<<<<<< current (your service)',
          'six (ours)',
          '=======',
          'SIX',
          '>>>>>>> template 2.0.0',
        ),
        ownership: 'shared',
        reason:
          'changed by both the team and the template: 1 conflicting region',
      });
      expect(p.conflicts).toEqual([
        {
          path: 'package.json',
          reason:
            'changed by both the team and the template: 1 conflicting region',
          regions: [{ startLine: 6, endLine: 10 }],
        },
      ]);
    });

    it('is a conflict that keeps the team file when the template removed a file the team changed', () => {
      const p = plan({
        oldRender: { 'old.ts': v1 },
        newRender: {},
        current: { 'old.ts': team },
      });
      expect(change(p, 'old.ts')).toMatchObject({
        action: 'conflict',
        reason: 'removed by the template, but changed by the team',
      });
      expect(change(p, 'old.ts').content).toBeUndefined();
    });

    it('says nothing needs doing for a removed file the team already deleted', () => {
      const p = plan({
        oldRender: { 'old.ts': v1 },
        newRender: {},
        current: {},
      });
      expect(change(p, 'old.ts')).toMatchObject({ action: 'keep' });
    });
  });

  describe('binary files', () => {
    it('takes a binary file only the template changed', () => {
      const p = plan({
        oldRender: { 'logo.png': binary(1, 2, 3) },
        newRender: { 'logo.png': binary(1, 2, 4) },
        current: { 'logo.png': binary(1, 2, 3) },
      });
      expect(change(p, 'logo.png')).toMatchObject({
        action: 'update',
        content: binary(1, 2, 4),
      });
    });

    it('keeps a binary file only the team changed', () => {
      const p = plan({
        oldRender: { 'logo.png': binary(1, 2, 3) },
        newRender: { 'logo.png': binary(1, 2, 3) },
        current: { 'logo.png': binary(9) },
      });
      expect(change(p, 'logo.png').action).toBe('keep');
    });

    it("never merges a binary file both changed: a conflict that keeps the team's file", () => {
      const p = plan({
        oldRender: { 'logo.png': binary(1, 2, 3) },
        newRender: { 'logo.png': binary(1, 2, 4) },
        current: { 'logo.png': binary(9) },
      });
      expect(change(p, 'logo.png')).toEqual({
        path: 'logo.png',
        action: 'conflict',
        ownership: 'shared',
        reason: 'binary file changed by both the team and the template',
      });
      expect(p.conflicts).toEqual([
        {
          path: 'logo.png',
          reason: 'binary file changed by both the team and the template',
        },
      ]);
    });

    it('treats text turned binary as changed', () => {
      const p = plan({
        oldRender: { 'data.bin': text('a') },
        newRender: { 'data.bin': binary(0, 1) },
        current: { 'data.bin': text('b') },
      });
      expect(change(p, 'data.bin').action).toBe('conflict');
    });
  });

  describe('files new in this version', () => {
    it('creates them with the ownership of the new version', () => {
      const ownershipFor = jest.fn(
        (path: string): FileOwnership =>
          path.startsWith('.github/') ? 'platform' : 'shared',
      );
      const p = planUpgrade({
        oldRender: new Map(),
        newRender: new Map([['.github/workflows/ci.yaml', v2]]),
        current: new Map(),
        lock: {
          schemaVersion: 1,
          templateRef: 'template:default/x',
          version: '1.0.0',
          answers: {},
          files: [],
        },
        ownershipFor,
      });
      expect(p.changes).toEqual([
        {
          path: '.github/workflows/ci.yaml',
          action: 'create',
          content: v2,
          ownership: 'platform',
          reason: 'added by the template',
        },
      ]);
      expect(ownershipFor).toHaveBeenCalledWith('.github/workflows/ci.yaml');
    });

    it('keeps a file the service already has with the same content', () => {
      const p = plan({
        newRender: { 'docs/index.md': v2 },
        current: { 'docs/index.md': v2 },
      });
      expect(change(p, 'docs/index.md').action).toBe('keep');
    });

    it('is a conflict, with both files between markers, when the service already has a different file', () => {
      const p = plan({
        newRender: { '.nvmrc': text('22') },
        current: { '.nvmrc': text('20') },
      });
      expect(change(p, '.nvmrc')).toMatchObject({
        action: 'conflict',
        content: text('<<<<<<< ours', '20', '=======', '22', '>>>>>>> theirs'),
        reason:
          'added by the template, but the service already has a different file there',
      });
      expect(p.conflicts[0].regions).toEqual([{ startLine: 1, endLine: 5 }]);
    });

    it('does the same for a platform file', () => {
      const p = plan({
        newRender: { '.nvmrc': text('22') },
        current: { '.nvmrc': text('20') },
        newOwnership: { '.nvmrc': 'platform' },
      });
      expect(change(p, '.nvmrc')).toMatchObject({
        action: 'conflict',
        ownership: 'platform',
      });
    });

    it('keeps the service file where a new seed file would go', () => {
      const p = plan({
        newRender: { 'docs/index.md': text('# Template docs') },
        current: { 'docs/index.md': text('# Our docs') },
        newOwnership: { 'docs/index.md': 'seed' },
      });
      expect(change(p, 'docs/index.md')).toMatchObject({
        action: 'keep',
        ownership: 'seed',
      });
      expect(p.conflicts).toEqual([]);
    });

    it('is a conflict without content for a different binary file', () => {
      const p = plan({
        newRender: { 'favicon.ico': binary(1) },
        current: { 'favicon.ico': binary(2) },
      });
      expect(change(p, 'favicon.ico')).toMatchObject({ action: 'conflict' });
      expect(change(p, 'favicon.ico').content).toBeUndefined();
    });
  });

  it('handles nested directories and sorts changes by path', () => {
    const p = plan({
      oldRender: { 'a/b/c.ts': v1, 'a/b.ts': v1, 'z.ts': v1 },
      newRender: { 'a/b/c.ts': v2, 'a/b.ts': v1, 'a/b/d/e.ts': v2, 'B.md': v2 },
      current: { 'a/b/c.ts': v1, 'a/b.ts': team, 'z.ts': v1 },
    });
    expect(p.changes.map(c => [c.path, c.action])).toEqual([
      ['B.md', 'create'],
      ['a/b.ts', 'keep'],
      ['a/b/c.ts', 'update'],
      ['a/b/d/e.ts', 'create'],
      ['z.ts', 'delete'],
    ]);
    expect(p.summary).toEqual({
      created: 2,
      updated: 1,
      deleted: 1,
      kept: 1,
      conflicted: 0,
    });
  });

  it('uses the ownership in the lock for existing files, not the new rules', () => {
    const p = plan({
      oldRender: { 'README.md': v1 },
      newRender: { 'README.md': v2 },
      current: { 'README.md': v1 },
      ownership: { 'README.md': 'seed' },
      newOwnership: { 'README.md': 'platform' },
    });
    expect(change(p, 'README.md')).toMatchObject({
      action: 'keep',
      ownership: 'seed',
    });
  });

  it('uses the new rules for a rendered file the lock does not list', () => {
    const p = plan({
      oldRender: { 'ci.yaml': v1 },
      newRender: { 'ci.yaml': v2 },
      current: { 'ci.yaml': team },
      lockFiles: [],
      newOwnership: { 'ci.yaml': 'platform' },
    });
    expect(change(p, 'ci.yaml')).toMatchObject({
      action: 'update',
      ownership: 'platform',
      content: v2,
    });
  });

  it('ignores files of the service no render or lock entry mentions', () => {
    const p = plan({ current: { 'src/own.ts': v1 } });
    expect(p.changes).toEqual([]);
  });

  describe('renames', () => {
    it('moves a shared file, merging the team edits with the template edits, and deletes the old path', () => {
      const p = plan({
        oldRender: { '.eslintrc.js': v1 },
        newRender: { 'eslint.config.js': v2 },
        current: { '.eslintrc.js': team },
        renames: { '.eslintrc.js': 'eslint.config.js' },
      });
      expect(p.changes).toEqual([
        {
          path: '.eslintrc.js',
          action: 'delete',
          ownership: 'shared',
          reason: 'renamed to eslint.config.js by the template',
        },
        {
          path: 'eslint.config.js',
          action: 'create',
          content: text('ONE', 'two', 'three', 'four', 'five', 'SIX'),
          ownership: 'shared',
          reason:
            'renamed from .eslintrc.js: changed by both the team and the template: merged cleanly',
          renamedFrom: '.eslintrc.js',
        },
      ]);
    });

    it("moves the team's file as it is when the template did not change it", () => {
      const p = plan({
        oldRender: { 'src/old.ts': v1 },
        newRender: { 'src/new.ts': v1 },
        current: { 'src/old.ts': team },
        renames: { 'src/old.ts': 'src/new.ts' },
      });
      expect(change(p, 'src/new.ts')).toMatchObject({
        action: 'create',
        content: team,
        renamedFrom: 'src/old.ts',
      });
      expect(change(p, 'src/old.ts').action).toBe('delete');
    });

    it('marks conflicts at the new path', () => {
      const p = plan({
        oldRender: { 'old.txt': v1 },
        newRender: { 'new.txt': v2 },
        current: {
          'old.txt': text('one', 'two', 'three', 'four', 'five', 'ours'),
        },
        renames: { 'old.txt': 'new.txt' },
      });
      expect(change(p, 'new.txt')).toMatchObject({
        action: 'conflict',
        content: text(
          'one',
          'two',
          'three',
          'four',
          'five',
          '<<<<<<< ours',
          'ours',
          '=======',
          'SIX',
          '>>>>>>> theirs',
        ),
      });
      expect(p.conflicts.map(c => c.path)).toEqual(['new.txt']);
      expect(change(p, 'old.txt').action).toBe('delete');
    });

    it('moves a binary file both changed as the team has it, as a conflict', () => {
      const p = plan({
        oldRender: { 'old.png': binary(1) },
        newRender: { 'new.png': binary(2) },
        current: { 'old.png': binary(3) },
        renames: { 'old.png': 'new.png' },
      });
      expect(change(p, 'new.png')).toMatchObject({
        action: 'conflict',
        content: binary(3),
      });
      expect(change(p, 'old.png').action).toBe('delete');
    });

    it('does not recreate a shared file the team deleted', () => {
      const p = plan({
        oldRender: { 'old.txt': v1 },
        newRender: { 'new.txt': v2 },
        current: {},
        renames: { 'old.txt': 'new.txt' },
      });
      expect(p.changes.map(c => [c.path, c.action])).toEqual([
        ['new.txt', 'keep'],
        ['old.txt', 'keep'],
      ]);
    });

    it('moves a platform file and leaves the old one for review when the team changed it', () => {
      const p = plan({
        oldRender: { 'ci/old.yaml': v1 },
        newRender: { 'ci/new.yaml': v2 },
        current: { 'ci/old.yaml': team },
        ownership: { 'ci/old.yaml': 'platform' },
        renames: { 'ci/old.yaml': 'ci/new.yaml' },
      });
      expect(change(p, 'ci/new.yaml')).toMatchObject({
        action: 'create',
        content: v2,
        ownership: 'platform',
      });
      expect(change(p, 'ci/old.yaml')).toMatchObject({
        action: 'conflict',
        reason:
          'renamed to ci/new.yaml by the template, but changed by the team',
      });
    });

    it('deletes the old path of an unchanged platform file', () => {
      const p = plan({
        oldRender: { 'ci/old.yaml': v1 },
        newRender: { 'ci/new.yaml': v2 },
        current: { 'ci/old.yaml': v1 },
        ownership: { 'ci/old.yaml': 'platform' },
        renames: { 'ci/old.yaml': 'ci/new.yaml' },
      });
      expect(p.summary).toEqual({
        created: 1,
        updated: 0,
        deleted: 1,
        kept: 0,
        conflicted: 0,
      });
    });

    it('leaves a seed file where it is', () => {
      const p = plan({
        oldRender: { 'docs/old.md': v1 },
        newRender: { 'docs/new.md': v2 },
        current: { 'docs/old.md': team },
        ownership: { 'docs/old.md': 'seed' },
        renames: { 'docs/old.md': 'docs/new.md' },
      });
      expect(p.changes.map(c => [c.path, c.action])).toEqual([
        ['docs/new.md', 'keep'],
        ['docs/old.md', 'keep'],
      ]);
      expect(change(p, 'docs/new.md').content).toBeUndefined();
    });

    it('applies the plain rules when the service already has a file at the new path', () => {
      const p = plan({
        oldRender: { 'old.txt': v1 },
        newRender: { 'new.txt': v2 },
        current: { 'old.txt': v1, 'new.txt': team },
        renames: { 'old.txt': 'new.txt' },
      });
      expect(change(p, 'old.txt').action).toBe('delete');
      expect(change(p, 'new.txt')).toMatchObject({ action: 'conflict' });
      expect(change(p, 'new.txt').renamedFrom).toBeUndefined();
    });

    it('ignores renames of files this service never had', () => {
      const p = plan({
        oldRender: { 'a.txt': v1 },
        newRender: { 'a.txt': v1, 'b.txt': v2 },
        current: { 'a.txt': v1 },
        renames: { 'gone.txt': 'b.txt', 'a.txt': 'elsewhere.txt' },
      });
      expect(p.changes.map(c => [c.path, c.action, c.renamedFrom])).toEqual([
        ['a.txt', 'keep', undefined],
        ['b.txt', 'create', undefined],
      ]);
    });
  });

  describe('paths that would leave the workspace', () => {
    const hostile = [
      '../outside.txt',
      'a/../../outside.txt',
      '/etc/passwd',
      'C:/Windows/win.ini',
      'a\\b.txt',
      './a.txt',
      'a//b.txt',
      'a/',
      '',
    ];

    it.each(hostile)('rejects %j in the new render', path => {
      expect(() => plan({ newRender: { [path]: v1 } })).toThrow(
        new TypeError(
          `Unsafe path '${path}' in the new render: expected a relative path with '/' separators that stays inside the repository`,
        ),
      );
    });

    it('rejects them in the old render, the lock and the renames', () => {
      expect(() => plan({ oldRender: { '/etc/passwd': v1 } })).toThrow(
        /'\/etc\/passwd' in the old render/,
      );
      expect(() =>
        plan({
          lockFiles: [
            { path: '../x', sha256: '0'.repeat(64), ownership: 'shared' },
          ],
        }),
      ).toThrow(/'\.\.\/x' in the lock file/);
      expect(() =>
        plan({
          oldRender: { 'a.txt': v1 },
          newRender: { 'b.txt': v1 },
          renames: { 'a.txt': '../../b.txt' },
        }),
      ).toThrow(/'\.\.\/\.\.\/b\.txt' in the renames/);
      expect(() => plan({ renames: { '..\\a': 'b' } })).toThrow(TypeError);
    });

    it('rejects a lock entry with an unknown ownership', () => {
      expect(() =>
        plan({
          lockFiles: [
            {
              path: 'a',
              sha256: '0'.repeat(64),
              ownership: 'mine' as FileOwnership,
            },
          ],
        }),
      ).toThrow("Unknown ownership 'mine' for 'a' in the lock file");
    });
  });

  it('gives the same plan whatever order the files come in', () => {
    const files = Object.fromEntries(
      ['m.ts', 'a/z.ts', 'a.ts', 'Z.ts', 'a/b/c.ts'].map(path => [path, v1]),
    );
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const first = plan({ oldRender: files, newRender: files, current: files });
    const second = plan({
      oldRender: reversed,
      newRender: reversed,
      current: reversed,
    });
    expect(second).toEqual(first);
    expect(first.changes.map(c => c.path)).toEqual([
      'Z.ts',
      'a.ts',
      'a/b/c.ts',
      'a/z.ts',
      'm.ts',
    ]);
  });

  describe('a service two versions behind, with customised files', () => {
    // Version 1.0.0 of the template, rendered with the service's answers.
    const old: Files = {
      'package.json': text(
        '{',
        '  "name": "payments",',
        '  "scripts": {',
        '    "start": "node src/index.js",',
        '    "test": "jest"',
        '  },',
        '  "engines": {',
        '    "node": ">=18"',
        '  },',
        '  "dependencies": {',
        '    "express": "^4.18.0"',
        '  }',
        '}',
      ),
      'src/index.js': text(
        "const express = require('express');",
        '',
        'const app = express();',
        "app.get('/health', (req, res) => res.send('ok'));",
        '',
        'app.listen(process.env.PORT || 3000);',
      ),
      Dockerfile: text(
        'FROM node:18-alpine',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci',
        'COPY . .',
        'EXPOSE 3000',
        'CMD ["node", "src/index.js"]',
      ),
      '.github/workflows/ci.yaml': text(
        'on: push',
        'jobs:',
        '  test:',
        '    uses: acme/ci/.github/workflows/node.yaml@v1',
      ),
      'README.md': text('# payments', '', 'A service.'),
      '.eslintrc.yml': text(
        'extends: acme',
        'env:',
        '  node: true',
        'rules: {}',
      ),
      'src/legacy.js': text('module.exports = {};'),
      'assets/logo.png': binary(0x89, 0x50, 0x4e, 0x47, 1),
    };

    // Version 1.2.0: 1.1.0 bumped Node and renamed the ESLint config; 1.2.0
    // added a catalog docs page, moved CI to v2, and dropped the legacy module.
    const next: Files = {
      'package.json': text(
        '{',
        '  "name": "payments",',
        '  "scripts": {',
        '    "start": "node src/index.js",',
        '    "test": "jest",',
        '    "lint": "eslint ."',
        '  },',
        '  "engines": {',
        '    "node": ">=22"',
        '  },',
        '  "dependencies": {',
        '    "express": "^4.18.0"',
        '  }',
        '}',
      ),
      'src/index.js': text(
        "const express = require('express');",
        '',
        'const app = express();',
        "app.get('/health', (req, res) => res.send('ok'));",
        "app.get('/ready', (req, res) => res.send('ready'));",
        '',
        'app.listen(process.env.PORT || 3000);',
      ),
      Dockerfile: text(
        'FROM node:22-alpine',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci --omit=dev',
        'COPY . .',
        'EXPOSE 3000',
        'CMD ["node", "src/index.js"]',
      ),
      '.github/workflows/ci.yaml': text(
        'on: push',
        'jobs:',
        '  test:',
        '    uses: acme/ci/.github/workflows/node.yaml@v2',
      ),
      'README.md': text('# payments', '', 'A service on the golden path.'),
      '.eslintrc.yaml': text(
        'extends: acme/recommended',
        'env:',
        '  node: true',
        'rules: {}',
      ),
      'docs/index.md': text('# payments docs'),
      'assets/logo.png': binary(0x89, 0x50, 0x4e, 0x47, 2),
    };

    // What the team made of it.
    const current: Files = {
      'package.json': text(
        '{',
        '  "name": "payments",',
        '  "scripts": {',
        '    "start": "node src/index.js",',
        '    "test": "jest"',
        '  },',
        '  "engines": {',
        '    "node": ">=18"',
        '  },',
        '  "dependencies": {',
        '    "express": "^4.18.0",',
        '    "stripe": "^14.0.0"',
        '  }',
        '}',
      ),
      'src/index.js': text(
        "const express = require('express');",
        "const payments = require('./payments');",
        '',
        'const app = express();',
        "app.get('/health', (req, res) => res.send('ok'));",
        '',
        "app.use('/payments', payments);",
        'app.listen(process.env.PORT || 3000);',
      ),
      Dockerfile: text(
        'FROM node:18-alpine@sha256:1234',
        'WORKDIR /app',
        'COPY package*.json ./',
        'RUN npm ci',
        'COPY . .',
        'EXPOSE 8080',
        'CMD ["node", "src/index.js"]',
      ),
      '.github/workflows/ci.yaml': text(
        'on: push',
        'jobs:',
        '  test:',
        '    uses: acme/ci/.github/workflows/node.yaml@v1',
      ),
      'README.md': text('# payments', '', 'Takes card payments for the shop.'),
      '.eslintrc.yml': text(
        'extends: acme',
        'env:',
        '  node: true',
        'rules:',
        '  no-console: off',
      ),
      'src/legacy.js': text('module.exports = {};'),
      'assets/logo.png': binary(0x89, 0x50, 0x4e, 0x47, 1),
      'src/payments.js': text('module.exports = require("express").Router();'),
    };

    const result = plan({
      oldRender: old,
      newRender: next,
      current,
      ownership: {
        '.github/workflows/ci.yaml': 'platform',
        'README.md': 'seed',
      },
      newOwnership: { 'docs/index.md': 'seed' },
      renames: {
        '.eslintrc.yml': '.eslintrc.yaml',
        'jest.config.js': 'jest.config.ts',
      },
      labels: { ours: 'current (your service)', theirs: 'template 1.2.0' },
    });
    const contentOf = (path: string) => {
      const content = change(result, path).content;
      if (!content || !('text' in content))
        throw new Error(`No text for ${path}`);
      return content.text;
    };

    it('keeps every customisation and applies every template change in package.json and src/index.js', () => {
      expect(change(result, 'package.json').action).toBe('update');
      expect(contentOf('package.json')).toContain('"stripe": "^14.0.0"');
      expect(contentOf('package.json')).toContain('"lint": "eslint ."');
      expect(contentOf('package.json')).toContain('"node": ">=22"');

      expect(change(result, 'src/index.js').action).toBe('update');
      expect(contentOf('src/index.js')).toBe(
        text(
          "const express = require('express');",
          "const payments = require('./payments');",
          '',
          'const app = express();',
          "app.get('/health', (req, res) => res.send('ok'));",
          "app.get('/ready', (req, res) => res.send('ready'));",
          '',
          "app.use('/payments', payments);",
          'app.listen(process.env.PORT || 3000);',
        ).text,
      );
    });

    it('moves the customised ESLint config to its new name, with the template change', () => {
      expect(change(result, '.eslintrc.yaml')).toMatchObject({
        action: 'create',
        renamedFrom: '.eslintrc.yml',
      });
      expect(contentOf('.eslintrc.yaml')).toBe(
        text(
          'extends: acme/recommended',
          'env:',
          '  node: true',
          'rules:',
          '  no-console: off',
        ).text,
      );
    });

    it('reports exactly one conflict: the base image both pinned and bumped', () => {
      expect(result.conflicts).toEqual([
        {
          path: 'Dockerfile',
          reason:
            'changed by both the team and the template: 1 conflicting region',
          regions: [{ startLine: 1, endLine: 5 }],
        },
      ]);
      expect(contentOf('Dockerfile')).toBe(
        text(
          '<<<<<<< current (your service)',
          'FROM node:18-alpine@sha256:1234',
          '=======',
          'FROM node:22-alpine',
          '>>>>>>> template 1.2.0',
          'WORKDIR /app',
          'COPY package*.json ./',
          'RUN npm ci --omit=dev',
          'COPY . .',
          'EXPOSE 8080',
          'CMD ["node", "src/index.js"]',
        ).text,
      );
    });

    it('settles every other file by its ownership', () => {
      expect(result.changes.map(c => [c.path, c.action])).toEqual([
        ['.eslintrc.yaml', 'create'],
        ['.eslintrc.yml', 'delete'],
        ['.github/workflows/ci.yaml', 'update'],
        ['Dockerfile', 'conflict'],
        ['README.md', 'keep'],
        ['assets/logo.png', 'update'],
        ['docs/index.md', 'create'],
        ['package.json', 'update'],
        ['src/index.js', 'update'],
        ['src/legacy.js', 'delete'],
      ]);
      expect(result.summary).toEqual({
        created: 2,
        updated: 4,
        deleted: 2,
        kept: 1,
        conflicted: 1,
      });
    });
  });
});

describe('isSafeRelativePath', () => {
  it('accepts normalized relative paths', () => {
    for (const path of [
      'a',
      'a/b/c.ts',
      '.github/workflows/ci.yaml',
      'a..b',
      '...',
    ]) {
      expect(isSafeRelativePath(path)).toBe(true);
    }
  });

  it('rejects anything that could leave the repository or is not normalized', () => {
    for (const path of [
      '',
      '/a',
      '..',
      'a/..',
      'a\\b',
      'C:a',
      './a',
      'a/./b',
      'a//b',
      'a/',
      'a\0b',
    ]) {
      expect(isSafeRelativePath(path)).toBe(false);
    }
  });

  it('throws a TypeError naming the path and where it came from', () => {
    expect(() => assertSafeRelativePath('../x', 'the template')).toThrow(
      TypeError,
    );
    expect(() => assertSafeRelativePath('../x', 'the template')).toThrow(
      "'../x' in the template",
    );
    expect(() => assertSafeRelativePath('x/y', 'the template')).not.toThrow();
  });
});

describe('sameFileContent', () => {
  it('compares text with text and bytes with bytes', () => {
    expect(sameFileContent({ text: 'a' }, { text: 'a' })).toBe(true);
    expect(sameFileContent({ text: 'a' }, { text: 'b' })).toBe(false);
    expect(sameFileContent(binary(1, 2), binary(1, 2))).toBe(true);
    expect(sameFileContent(binary(1, 2), binary(1, 3))).toBe(false);
    expect(sameFileContent(binary(1, 2), binary(1))).toBe(false);
    expect(sameFileContent({ text: 'a' }, binary(0x61))).toBe(false);
    expect(sameFileContent(binary(0x61), { text: 'a' })).toBe(false);
    expect(sameFileContent(undefined, undefined)).toBe(true);
    expect(sameFileContent({ text: '' }, undefined)).toBe(false);
  });
});

describe('summarizeUpgrade', () => {
  const upgrade = plan({
    oldRender: { 'a.txt': v1, 'b|c.txt': v1, 'old.txt': v1, 'keep.txt': v1 },
    newRender: { 'a.txt': v2, 'b|c.txt': v2, 'new.txt': v1, 'keep.txt': v1 },
    current: {
      'a.txt': text('one', 'two', 'three', 'four', 'five', 'ours'),
      'b|c.txt': v1,
      'old.txt': v1,
      'keep.txt': v1,
    },
  });

  const markdown = summarizeUpgrade(upgrade, {
    fromVersion: '1.0.0',
    toVersion: '2.0.0',
    templateRef: 'template:default/node-service',
  });

  it('starts with a headline and the counts', () => {
    expect(markdown).toContain('## Upgrade from 1.0.0 to 2.0.0\n');
    expect(markdown).toContain(
      'from version 1.0.0 to 2.0.0 of `template:default/node-service`.',
    );
    expect(markdown).toContain(
      '1 file created, 1 updated, 1 deleted, 1 kept as they are, 1 conflict to resolve.',
    );
  });

  it('lists the files that change in a table, escaping pipes', () => {
    const rows = markdown.split('\n').filter(line => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `a.txt` | conflict | shared | changed by both the team and the template: 1 conflicting region |',
      '| `b\\|c.txt` | updated | shared | changed by the template only |',
      '| `new.txt` | created | shared | added by the template |',
      '| `old.txt` | deleted | shared | removed by the template |',
    ]);
    expect(markdown).not.toContain('keep.txt');
  });

  it('lists each conflict to resolve with its reason and where the markers are', () => {
    const section = markdown.slice(
      markdown.indexOf('### Conflicts to resolve'),
    );
    expect(section).toContain(
      '- [ ] `a.txt`: changed by both the team and the template: 1 conflicting region (conflict markers on lines 6–10)',
    );
  });

  it('says so when there is nothing to resolve', () => {
    const clean = plan({
      oldRender: { 'a.txt': v1 },
      newRender: { 'a.txt': v2 },
      current: { 'a.txt': v1 },
    });
    const summary = summarizeUpgrade(clean, {
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
    });
    expect(summary).toContain(
      '### Conflicts to resolve\n\nNone: every change merged cleanly.',
    );
    expect(summary).toContain('0 conflicts to resolve');
    expect(summary).toContain('to 1.1.0.');
  });

  it('names renamed files with their old path, and fences paths holding backticks', () => {
    const renamed = plan({
      oldRender: { 'old`name.txt': v1 },
      newRender: { 'new.txt': v1 },
      current: { 'old`name.txt': v1 },
      renames: { 'old`name.txt': 'new.txt' },
    });
    const summary = summarizeUpgrade(renamed, {
      fromVersion: '1.0.0',
      toVersion: '2.0.0',
    });
    expect(summary).toContain(
      '| `new.txt` (from `` old`name.txt ``) | created |',
    );
  });
});
