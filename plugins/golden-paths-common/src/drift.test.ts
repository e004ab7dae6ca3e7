import {
  classifyDrift,
  DriftInput,
  DriftReport,
  DriftStatus,
  FileDrift,
  summarizeDrift,
} from './drift';
import { FileOwnership, PavedLockFile } from './lock';

// Four distinct, well-formed hashes: what the lock recorded, and other contents.
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const D = 'd'.repeat(64);

type LockSpec = Record<string, string | [string, FileOwnership]>;

function lockFile(files: LockSpec): PavedLockFile {
  return {
    schemaVersion: 1,
    templateRef: 'template:default/node-service',
    version: '1.2.0',
    answers: { name: 'payments' },
    files: Object.entries(files).map(([path, spec]) => {
      const [sha256, ownership] =
        typeof spec === 'string' ? [spec, 'shared' as const] : spec;
      return { path, sha256, ownership };
    }),
  };
}

/** Classifies from plain objects; `latest` left out means "not known". */
function drift(options: {
  lock?: LockSpec;
  current?: Record<string, string>;
  latest?: Record<string, string>;
  renames?: DriftInput['renames'];
  trackedPaths?: DriftInput['trackedPaths'];
}): DriftReport {
  return classifyDrift({
    lock: lockFile(options.lock ?? {}),
    current: new Map(Object.entries(options.current ?? {})),
    latest: options.latest && new Map(Object.entries(options.latest)),
    renames: options.renames,
    trackedPaths: options.trackedPaths,
  });
}

function file(report: DriftReport, path: string): FileDrift {
  const found = report.files.find(f => f.path === path);
  if (!found) throw new Error(`No drift for ${path}`);
  return found;
}

// One file, three hashes. `latest: undefined` = the latest version is not
// known; `latest: null` = it is known and does not render the file.
type Row = {
  name: string;
  lock?: string;
  current?: string;
  latest?: string | null;
  status: DriftStatus;
  likelyConflict?: boolean;
  overwrittenOnUpgrade?: boolean;
};

function classifyOne(row: Row, ownership: FileOwnership): FileDrift {
  const path = 'src/app.ts';
  const one = (hash: string | null | undefined): Record<string, string> =>
    typeof hash === 'string' ? { [path]: hash } : {};
  const report = drift({
    lock: row.lock ? { [path]: [row.lock, ownership] } : {},
    current: one(row.current),
    latest: row.latest === undefined ? undefined : one(row.latest),
  });
  expect(report.files).toHaveLength(1);
  return report.files[0];
}

/** What a row expects, with the risks spelled out. */
function outcome(row: Row) {
  return {
    status: row.status,
    likelyConflict: row.likelyConflict ?? false,
    overwrittenOnUpgrade: row.overwrittenOnUpgrade ?? false,
  };
}

function judge(row: Row, ownership: FileOwnership) {
  const { status, likelyConflict, overwrittenOnUpgrade } = classifyOne(
    row,
    ownership,
  );
  return { status, likelyConflict, overwrittenOnUpgrade };
}

describe('classifyDrift', () => {
  describe('shared files', () => {
    it.each<Row>([
      {
        name: 'as rendered, latest unknown',
        lock: A,
        current: A,
        status: 'unchanged',
      },
      {
        name: 'as rendered, template unchanged',
        lock: A,
        current: A,
        latest: A,
        status: 'unchanged',
      },
      {
        name: 'edited, latest unknown',
        lock: A,
        current: B,
        status: 'changed-by-team',
      },
      {
        name: 'edited, template unchanged',
        lock: A,
        current: B,
        latest: A,
        status: 'changed-by-team',
      },
      {
        name: 'as rendered, template changed',
        lock: A,
        current: A,
        latest: B,
        status: 'changed-by-template',
      },
      {
        name: 'as rendered, template removed',
        lock: A,
        current: A,
        latest: null,
        status: 'changed-by-template',
      },
      {
        name: 'edited, template changed',
        lock: A,
        current: B,
        latest: C,
        status: 'changed-by-both',
        likelyConflict: true,
      },
      {
        name: 'edited, template removed',
        lock: A,
        current: B,
        latest: null,
        status: 'changed-by-both',
        likelyConflict: true,
      },
      {
        name: 'same change on both sides',
        lock: A,
        current: B,
        latest: B,
        status: 'unchanged',
      },
      { name: 'deleted, latest unknown', lock: A, status: 'deleted' },
      {
        name: 'deleted, template unchanged',
        lock: A,
        latest: A,
        status: 'deleted',
      },
      {
        name: 'deleted, template changed',
        lock: A,
        latest: B,
        status: 'deleted',
      },
      {
        name: 'deleted, template removed too',
        lock: A,
        latest: null,
        status: 'unchanged',
      },
      { name: 'new in latest', latest: A, status: 'added' },
      {
        name: 'new in latest, already there',
        current: A,
        latest: A,
        status: 'unchanged',
      },
      {
        name: 'new in latest, a different file there',
        current: B,
        latest: A,
        status: 'added',
        likelyConflict: true,
      },
    ])('$name → $status', row => {
      expect(judge(row, 'shared')).toEqual(outcome(row));
    });
  });

  describe('platform files', () => {
    it.each<Row>([
      {
        name: 'as rendered, template changed',
        lock: A,
        current: A,
        latest: B,
        status: 'changed-by-template',
      },
      {
        name: 'edited, template unchanged',
        lock: A,
        current: B,
        latest: A,
        status: 'changed-by-team',
        overwrittenOnUpgrade: true,
      },
      {
        name: 'edited, latest unknown',
        lock: A,
        current: B,
        status: 'changed-by-team',
        overwrittenOnUpgrade: true,
      },
      {
        name: 'edited, template changed',
        lock: A,
        current: B,
        latest: C,
        status: 'changed-by-both',
        overwrittenOnUpgrade: true,
      },
      {
        name: 'same change on both sides',
        lock: A,
        current: B,
        latest: B,
        status: 'unchanged',
      },
      {
        name: 'deleted, template still renders it',
        lock: A,
        latest: A,
        status: 'deleted',
        overwrittenOnUpgrade: true,
      },
      {
        name: 'deleted, template removed too',
        lock: A,
        latest: null,
        status: 'unchanged',
      },
      // The upgrade keeps a changed file the template removes and asks, whatever the ownership.
      {
        name: 'edited, template removed',
        lock: A,
        current: B,
        latest: null,
        status: 'changed-by-both',
        likelyConflict: true,
      },
    ])('$name → $status', row => {
      expect(judge(row, 'platform')).toEqual(outcome(row));
    });
  });

  describe('seed files', () => {
    it.each<Row>([
      {
        name: 'edited, latest unknown',
        lock: A,
        current: B,
        status: 'changed-by-team',
      },
      {
        name: 'edited, template unchanged',
        lock: A,
        current: B,
        latest: A,
        status: 'changed-by-team',
      },
      {
        name: 'edited, template changed',
        lock: A,
        current: B,
        latest: C,
        status: 'changed-by-team',
      },
      {
        name: 'edited, template removed',
        lock: A,
        current: B,
        latest: null,
        status: 'changed-by-team',
      },
      {
        name: 'as rendered, template changed',
        lock: A,
        current: A,
        latest: B,
        status: 'unchanged',
      },
      { name: 'deleted', lock: A, latest: A, status: 'deleted' },
      {
        name: 'deleted, template removed too',
        lock: A,
        latest: null,
        status: 'unchanged',
      },
    ])('$name → $status, never a risk', row => {
      expect(judge(row, 'seed')).toEqual(outcome(row));
    });

    it('still says when the template moved on', () => {
      const result = classifyOne(
        { name: '', lock: A, current: A, latest: B, status: 'unchanged' },
        'seed',
      );
      expect(result.reason).toMatch(/upgrades never touch seed files/);
    });

    it('never counts a seed file the team changed as a conflict', () => {
      const report = drift({
        lock: { 'README.md': [A, 'seed'], 'src/index.ts': [A, 'seed'] },
        current: { 'README.md': B, 'src/index.ts': C },
        latest: { 'README.md': D, 'src/index.ts': A },
      });
      expect(report.summary).toMatchObject({
        'changed-by-team': 2,
        likelyConflicts: 0,
        overwrittenOnUpgrade: 0,
      });
    });
  });

  it('reports the three hashes, leaving out the ones that do not exist', () => {
    const report = drift({
      lock: { 'a.ts': A, 'b.ts': A },
      current: { 'a.ts': B },
      latest: { 'a.ts': C, 'c.ts': D },
    });
    expect(file(report, 'a.ts').sha256).toEqual({
      lock: A,
      current: B,
      latest: C,
    });
    expect(file(report, 'b.ts').sha256).toEqual({ lock: A });
    expect(file(report, 'c.ts').sha256).toEqual({ latest: D });
  });

  it('takes ownership from the lock, and shared for files new in the latest version', () => {
    const report = drift({
      lock: { 'ci.yaml': [A, 'platform'], 'README.md': [A, 'seed'] },
      current: { 'ci.yaml': A, 'README.md': A },
      latest: { 'ci.yaml': A, 'README.md': A, 'renovate.json': B },
    });
    expect(report.files.map(f => [f.path, f.ownership])).toEqual([
      ['README.md', 'seed'],
      ['ci.yaml', 'platform'],
      ['renovate.json', 'shared'],
    ]);
  });

  it("ignores the team's own files, which the template never rendered", () => {
    const report = drift({
      lock: { 'package.json': A },
      current: {
        'package.json': A,
        'src/feature.ts': B,
        'docs/adr/0001.md': C,
      },
      latest: { 'package.json': A },
    });
    expect(report.files.map(f => f.path)).toEqual(['package.json']);
  });

  it('knows only the team side without the latest version, and says so', () => {
    const report = drift({
      lock: { 'a.ts': A, 'b.ts': A, 'c.ts': A },
      current: { 'a.ts': A, 'b.ts': B },
    });
    expect(report.comparedWithLatest).toBe(false);
    expect(report.summary).toEqual({
      unchanged: 1,
      'changed-by-team': 1,
      'changed-by-template': 0,
      'changed-by-both': 0,
      deleted: 1,
      added: 0,
      likelyConflicts: 0,
      overwrittenOnUpgrade: 0,
      total: 3,
    });
    expect(
      drift({ lock: { 'a.ts': A }, current: { 'a.ts': A }, latest: {} })
        .comparedWithLatest,
    ).toBe(true);
  });

  describe('renames', () => {
    it('pairs the old and new path into one entry at the new path', () => {
      const report = drift({
        lock: { '.github/workflows/ci.yml': A },
        current: { '.github/workflows/ci.yml': A },
        latest: { '.github/workflows/build.yml': A },
        renames: { '.github/workflows/ci.yml': '.github/workflows/build.yml' },
      });
      expect(report.files).toEqual([
        expect.objectContaining({
          path: '.github/workflows/build.yml',
          renamedFrom: '.github/workflows/ci.yml',
          status: 'changed-by-template',
          sha256: { lock: A, current: A, latest: A },
        }),
      ]);
      expect(report.summary.total).toBe(1);
    });

    it.each<{
      name: string;
      current: Record<string, string>;
      latest: string;
      status: DriftStatus;
      likelyConflict?: boolean;
    }>([
      {
        name: 'content changed by the template',
        current: { 'old.ts': A },
        latest: B,
        status: 'changed-by-template',
      },
      {
        name: 'content changed by the team only',
        current: { 'old.ts': B },
        latest: A,
        status: 'changed-by-team',
      },
      {
        name: 'content changed by both',
        current: { 'old.ts': B },
        latest: C,
        status: 'changed-by-both',
        likelyConflict: true,
      },
      {
        name: 'same content change, not yet moved',
        current: { 'old.ts': B },
        latest: B,
        status: 'changed-by-template',
      },
      {
        name: 'already moved by the team',
        current: { 'new.ts': A },
        latest: A,
        status: 'unchanged',
      },
      {
        name: 'moved by the team, template changed it',
        current: { 'new.ts': A },
        latest: B,
        status: 'changed-by-template',
      },
      {
        name: 'moved and edited by the team',
        current: { 'new.ts': B },
        latest: A,
        status: 'changed-by-team',
      },
      {
        name: 'deleted by the team',
        current: {},
        latest: A,
        status: 'deleted',
      },
    ])('$name → $status', ({ current, latest, status, likelyConflict }) => {
      const report = drift({
        lock: { 'old.ts': A },
        current,
        latest: { 'new.ts': latest },
        renames: { 'old.ts': 'new.ts' },
      });
      expect(report.files).toHaveLength(1);
      expect(report.files[0]).toMatchObject({
        path: 'new.ts',
        renamedFrom: 'old.ts',
        status,
        likelyConflict: likelyConflict ?? false,
      });
    });

    it("flags a renamed platform file's team changes as overwritten", () => {
      const report = drift({
        lock: { 'old.yaml': [A, 'platform'] },
        current: { 'old.yaml': B },
        latest: { 'new.yaml': A },
        renames: { 'old.yaml': 'new.yaml' },
      });
      expect(file(report, 'new.yaml')).toMatchObject({
        status: 'changed-by-team',
        ownership: 'platform',
        overwrittenOnUpgrade: true,
      });
    });

    it('leaves a renamed seed file at its old path, as upgrades do', () => {
      const report = drift({
        lock: { 'docs/index.md': [A, 'seed'] },
        current: { 'docs/index.md': B },
        latest: { 'docs/README.md': C },
        renames: { 'docs/index.md': 'docs/README.md' },
      });
      expect(report.files).toEqual([
        expect.objectContaining({
          path: 'docs/index.md',
          status: 'changed-by-team',
          likelyConflict: false,
        }),
      ]);
      expect(report.files[0].renamedFrom).toBeUndefined();
    });

    it('is ignored without the latest version', () => {
      const report = drift({
        lock: { 'old.ts': A },
        current: { 'old.ts': A },
        renames: { 'old.ts': 'new.ts' },
      });
      expect(report.files).toEqual([
        expect.objectContaining({ path: 'old.ts', status: 'unchanged' }),
      ]);
    });

    it('treats each path alone when the service has both', () => {
      const report = drift({
        lock: { 'old.ts': A },
        current: { 'old.ts': A, 'new.ts': B },
        latest: { 'new.ts': C },
        renames: { 'old.ts': 'new.ts' },
      });
      expect(
        report.files.map(f => [f.path, f.status, f.likelyConflict]),
      ).toEqual([
        ['new.ts', 'added', true],
        ['old.ts', 'changed-by-template', false],
      ]);
    });

    it('skips renames that do not concern this service', () => {
      const report = drift({
        lock: { 'a.ts': A },
        current: { 'a.ts': A },
        latest: { 'a.ts': A, 'c.ts': B },
        // x.ts was never rendered for this service; a.ts is still rendered.
        renames: { 'x.ts': 'c.ts', 'a.ts': 'd.ts' },
      });
      expect(report.files.map(f => [f.path, f.status, f.renamedFrom])).toEqual([
        ['a.ts', 'unchanged', undefined],
        ['c.ts', 'added', undefined],
      ]);
    });
  });

  describe('tracked paths', () => {
    const service = {
      lock: {
        '.github/workflows/ci.yml': A,
        '.github/CODEOWNERS': A,
        '.githubx': A,
        'src/a.ts': A,
      },
      current: {
        '.github/workflows/ci.yml': B,
        '.github/CODEOWNERS': A,
        '.githubx': B,
        'src/a.ts': B,
      },
      latest: {
        '.github/workflows/ci.yml': A,
        '.github/CODEOWNERS': A,
        '.githubx': A,
        'src/a.ts': A,
      },
    };

    it.each([
      [['.github/'], ['.github/CODEOWNERS', '.github/workflows/ci.yml']],
      [['.github'], ['.github/CODEOWNERS', '.github/workflows/ci.yml']],
      [
        ['src/a.ts', '.githubx'],
        ['.githubx', 'src/a.ts'],
      ],
      [[], []],
    ])('%j reports %j', (trackedPaths, paths) => {
      const report = drift({ ...service, trackedPaths });
      expect(report.files.map(f => f.path)).toEqual(paths);
      expect(report.summary.total).toBe(paths.length);
    });

    it('keeps a renamed file when its old path is tracked', () => {
      const report = drift({
        lock: { 'ci/old.yml': A },
        current: { 'ci/old.yml': A },
        latest: { 'pipelines/new.yml': A },
        renames: { 'ci/old.yml': 'pipelines/new.yml' },
        trackedPaths: ['ci/'],
      });
      expect(report.files.map(f => f.path)).toEqual(['pipelines/new.yml']);
    });
  });

  describe('an empty lock', () => {
    it('reports nothing without the latest version', () => {
      const report = drift({ current: { 'src/a.ts': A } });
      expect(report.files).toEqual([]);
      expect(report.summary.total).toBe(0);
    });

    it('reports every file of the latest version as added', () => {
      const report = drift({ latest: { 'b.ts': A, 'a.ts': B } });
      expect(report.files.map(f => [f.path, f.status])).toEqual([
        ['a.ts', 'added'],
        ['b.ts', 'added'],
      ]);
      expect(report.summary.added).toBe(2);
    });
  });

  it('sorts by path in code-unit order, whatever order the inputs come in', () => {
    const report = drift({
      lock: { 'src/z.ts': A, Makefile: A, 'src/a.ts': A },
      current: { 'src/z.ts': A, Makefile: A, 'src/a.ts': A },
      latest: {
        'src-gen/x.ts': A,
        'src/z.ts': A,
        'src/m.ts': B,
        Makefile: A,
        'src/a.ts': A,
        'a.txt': A,
      },
      renames: { 'src/a.ts': 'src/b.ts' },
    });
    expect(report.files.map(f => f.path)).toEqual([
      'Makefile',
      'a.txt',
      'src-gen/x.ts',
      'src/a.ts',
      'src/m.ts',
      'src/z.ts',
    ]);
  });

  it('counts a whole service', () => {
    const report = drift({
      lock: {
        'README.md': [A, 'seed'],
        'ci.yaml': [A, 'platform'],
        Dockerfile: [A, 'platform'],
        'src/index.ts': A,
        'src/server.ts': A,
        'src/old.ts': A,
        'tsconfig.json': A,
      },
      current: {
        'README.md': B,
        'ci.yaml': B,
        Dockerfile: A,
        'src/index.ts': B,
        'src/server.ts': B,
        'tsconfig.json': A,
      },
      latest: {
        'README.md': C,
        'ci.yaml': C,
        Dockerfile: B,
        'src/index.ts': C,
        'src/server.ts': A,
        'tsconfig.json': A,
        '.nvmrc': D,
      },
    });
    expect(report.summary).toEqual({
      unchanged: 2, // tsconfig.json; src/old.ts removed and deleted
      'changed-by-team': 2, // README.md (seed), src/server.ts
      'changed-by-template': 1, // Dockerfile
      'changed-by-both': 2, // ci.yaml (platform), src/index.ts
      deleted: 0,
      added: 1, // .nvmrc
      likelyConflicts: 1, // src/index.ts
      overwrittenOnUpgrade: 1, // ci.yaml
      total: 8,
    });
    expect(summarizeDrift(report)).toBe(
      '2 files changed by the team, 1 by the template, 2 by both, 1 added, 1 likely conflict, 1 team change overwritten on upgrade',
    );
  });

  describe('validation', () => {
    it.each([
      ['the lock file', { lock: { '../outside': A } }, '../outside'],
      ['the lock file', { lock: { '/etc/passwd': A } }, '/etc/passwd'],
      ['the current files', { current: { './src/a.ts': A } }, './src/a.ts'],
      ['the latest render', { latest: { 'src\\a.ts': A } }, 'src\\a.ts'],
      [
        'the renames',
        { latest: {}, renames: { 'a.ts': 'b/../../c.ts' } },
        'b/../../c.ts',
      ],
      ['the tracked paths', { trackedPaths: ['C:/repo'] }, 'C:/repo'],
    ])('rejects an unsafe path in %s', (origin, options, path) => {
      expect(() => drift(options)).toThrow(TypeError);
      expect(() => drift(options)).toThrow(`'${path}' in ${origin}`);
    });

    it.each([
      ['the lock file', { lock: { 'a.ts': 'abc' } }],
      ['the current files', { current: { 'a.ts': A.toUpperCase() } }],
      ['the latest render', { latest: { 'a.ts': `${A}0` } }],
    ])(
      'rejects a hash that is not a lowercase sha256 in %s',
      (origin, options) => {
        expect(() => drift(options)).toThrow(
          new RegExp(`sha256 for 'a\\.ts' in ${origin}`),
        );
      },
    );

    it('rejects a lock file naming a path twice or an unknown ownership', () => {
      const lock = lockFile({ 'a.ts': A });
      expect(() =>
        classifyDrift({
          lock: { ...lock, files: [...lock.files, ...lock.files] },
          current: new Map(),
        }),
      ).toThrow("Duplicate path 'a.ts' in the lock file");
      expect(() =>
        classifyDrift({
          lock: {
            ...lock,
            files: [
              { path: 'a.ts', sha256: A, ownership: 'team' as FileOwnership },
            ],
          },
          current: new Map(),
        }),
      ).toThrow("Unknown ownership 'team' for 'a.ts'");
    });
  });
});

describe('summarizeDrift', () => {
  it.each<[string, Parameters<typeof drift>[0], string]>([
    [
      'the example from the design',
      {
        lock: { a: A, b: A, c: A, d: A, e: A, f: A },
        current: { a: B, b: B, c: B, d: A, e: A, f: B },
        latest: { a: A, b: A, c: A, d: B, e: B, f: C },
      },
      '3 files changed by the team, 2 by the template, 1 by both, 1 likely conflict',
    ],
    [
      'one file',
      { lock: { a: A }, current: { a: B }, latest: { a: A } },
      '1 file changed by the team',
    ],
    [
      'the template only',
      { lock: { a: A, b: A }, current: { a: A, b: A }, latest: { a: B } },
      '2 files changed by the template',
    ],
    [
      'deletions and additions',
      {
        lock: { a: A, b: [A, 'platform'] },
        current: {},
        latest: { a: A, b: A, c: A },
      },
      '2 files deleted, 1 added, 1 team change overwritten on upgrade',
    ],
    [
      'several conflicts',
      {
        lock: { a: A, b: A },
        current: { a: B, b: B, c: B },
        latest: { a: C, b: C, c: A },
      },
      '2 files changed by both, 1 added, 3 likely conflicts',
    ],
    [
      'in sync',
      { lock: { a: A, b: A }, current: { a: A, b: A }, latest: { a: A, b: A } },
      'No drift: 2 files in sync',
    ],
    [
      'without the latest version',
      { lock: { a: A, b: A }, current: { a: B, b: A } },
      '1 file changed by the team (not compared with the latest template version)',
    ],
    [
      'in sync without the latest version',
      { lock: { a: A }, current: { a: A } },
      'No drift: 1 file in sync (not compared with the latest template version)',
    ],
    ['nothing to compare', { latest: {} }, 'No template files to compare'],
  ])('%s', (_name, options, expected) => {
    expect(summarizeDrift(drift(options))).toBe(expected);
  });
});
