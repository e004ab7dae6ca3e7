import {
  buildLockFile,
  findOwnershipRuleProblems,
  isFileOwnership,
  nonSecretAnswers,
  resolveFileOwnership,
  serializeLockFile,
} from './lock';

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);
const hashC = 'c'.repeat(64);

describe('resolveFileOwnership', () => {
  const rules = {
    'src/': 'shared',
    'src/generated': 'platform',
    'src/generated/keep.ts': 'seed',
    '.github/workflows/': 'platform',
    README: 'seed',
  } as const;

  it('defaults to shared when no rule matches', () => {
    expect(resolveFileOwnership('package.json', rules)).toBe('shared');
    expect(resolveFileOwnership('package.json')).toBe('shared');
  });

  it('lets the longest matching prefix win, and an exact path beat any prefix', () => {
    expect(resolveFileOwnership('src/index.ts', rules)).toBe('shared');
    expect(resolveFileOwnership('src/generated/api.ts', rules)).toBe(
      'platform',
    );
    expect(resolveFileOwnership('src/generated/keep.ts', rules)).toBe('seed');
    expect(resolveFileOwnership('.github/workflows/ci.yaml', rules)).toBe(
      'platform',
    );
  });

  it('matches whole path segments only', () => {
    expect(resolveFileOwnership('src/generated-docs/x.md', rules)).toBe(
      'shared',
    );
    expect(resolveFileOwnership('README.md', rules)).toBe('shared');
    expect(resolveFileOwnership('README', rules)).toBe('seed');
  });

  it('reads ./ and . as the repository root', () => {
    expect(resolveFileOwnership('a/b.txt', { '.': 'platform' })).toBe(
      'platform',
    );
    expect(
      resolveFileOwnership('a/b.txt', { './a/': 'seed', '.': 'platform' }),
    ).toBe('seed');
  });
});

describe('findOwnershipRuleProblems', () => {
  it('accepts plain prefixes and exact paths', () => {
    expect(
      findOwnershipRuleProblems({
        'src/': 'platform',
        Dockerfile: 'seed',
        '.': 'shared',
      }),
    ).toEqual([]);
  });

  it('names each bad rule and why', () => {
    const problems = findOwnershipRuleProblems({
      'src/*.ts': 'platform',
      '/etc': 'seed',
      '../outside': 'seed',
      docs: 'mine',
      lib: 'seed',
      'lib/': 'platform',
    });
    expect(problems).toEqual([
      expect.stringContaining("'src/*.ts' looks like a glob"),
      expect.stringContaining("'/etc' must be a relative path"),
      expect.stringContaining("'../outside' points outside"),
      "'docs' has ownership 'mine', expected one of platform, shared, seed",
      expect.stringContaining("'lib' and 'lib/' name the same path"),
    ]);
  });

  it('knows the ownership values', () => {
    expect(isFileOwnership('seed')).toBe(true);
    expect(isFileOwnership('Seed')).toBe(false);
    expect(isFileOwnership(undefined)).toBe(false);
  });
});

describe('nonSecretAnswers', () => {
  const answers = {
    name: 'payments',
    owner: 'group:default/team-a',
    apiToken: 'tok-123',
    dbUrl: 'postgres://app:hunter22@db:5432/app',
    nested: { deep: ['x', 'hunter22'] },
    port: 8080,
    enabled: true,
    empty: null,
  };

  it('drops answers named in secretKeys or in the task secrets', () => {
    expect(
      nonSecretAnswers(answers, {
        secretKeys: ['apiToken'],
        secrets: { dbUrl: 'other' },
      }),
    ).toEqual({
      name: 'payments',
      owner: 'group:default/team-a',
      nested: { deep: ['x', 'hunter22'] },
      port: 8080,
      enabled: true,
      empty: null,
    });
  });

  it('drops answers that contain a secret value anywhere, even nested or inside a URL', () => {
    const kept = nonSecretAnswers(answers, {
      secrets: { password: 'hunter22', pin: '8080' },
    });
    expect(Object.keys(kept)).toEqual([
      'name',
      'owner',
      'apiToken',
      'enabled',
      'empty',
    ]);
    expect(JSON.stringify(kept)).not.toContain('hunter22');
  });

  it('ignores empty secrets instead of dropping every answer', () => {
    expect(nonSecretAnswers({ a: 'x' }, { secrets: { s: '' } })).toEqual({
      a: 'x',
    });
  });
});

describe('buildLockFile', () => {
  it('sorts files by path, resolves ownership and filters answers', () => {
    const lock = buildLockFile({
      templateRef: 'template:default/node-service',
      version: 'v1.10.0',
      templateSource: 'https://github.com/acme/templates/tree/v1.10.0/node',
      answers: { name: 'payments', token: 's3cr3t-value' },
      secrets: { token: 's3cr3t-value' },
      files: [
        { path: 'src/index.ts', sha256: hashA },
        { path: 'Dockerfile', sha256: hashB },
        { path: '.github/workflows/ci.yaml', sha256: hashC },
      ],
      ownership: { '.github/': 'platform', Dockerfile: 'seed' },
    });
    expect(lock).toEqual({
      schemaVersion: 1,
      templateRef: 'template:default/node-service',
      version: '1.10.0',
      templateSource: 'https://github.com/acme/templates/tree/v1.10.0/node',
      answers: { name: 'payments' },
      files: [
        {
          path: '.github/workflows/ci.yaml',
          sha256: hashC,
          ownership: 'platform',
        },
        { path: 'Dockerfile', sha256: hashB, ownership: 'seed' },
        { path: 'src/index.ts', sha256: hashA, ownership: 'shared' },
      ],
    });
  });

  it('sorts by code unit so the output is the same on every machine', () => {
    const lock = buildLockFile({
      templateRef: 'template:default/x',
      version: '1.0.0',
      answers: {},
      files: [
        { path: 'b', sha256: hashA },
        { path: 'a', sha256: hashA },
        { path: 'B', sha256: hashA },
        { path: 'a/b', sha256: hashA },
      ],
    });
    expect(lock.files.map(f => f.path)).toEqual(['B', 'a', 'a/b', 'b']);
    expect(lock).not.toHaveProperty('templateSource');
  });

  it('refuses garbage rather than writing a lock nobody can upgrade from', () => {
    const base = {
      templateRef: 'template:default/x',
      version: '1.0.0',
      answers: {},
      files: [],
    };
    expect(() => buildLockFile({ ...base, version: 'latest' })).toThrow(
      /Not a semver version: 'latest'/,
    );
    expect(() => buildLockFile({ ...base, templateRef: '' })).toThrow(
      /template ref/,
    );
    expect(() =>
      buildLockFile({ ...base, files: [{ path: 'a', sha256: 'ABC' }] }),
    ).toThrow(/sha256 for 'a'/);
    expect(() =>
      buildLockFile({
        ...base,
        files: [
          { path: 'a', sha256: hashA },
          { path: 'a', sha256: hashB },
        ],
      }),
    ).toThrow(/Duplicate file path 'a'/);
  });

  it('serializes with a trailing newline and round-trips', () => {
    const lock = buildLockFile({
      templateRef: 'template:default/x',
      version: '2.0.0-rc.1',
      answers: { a: 1 },
      files: [{ path: 'a', sha256: hashA }],
    });
    const text = serializeLockFile(lock);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(lock);
  });
});
