import fc from 'fast-check';

/** Marks a field to delete rather than to set. */
export const MISSING = Symbol('missing');

/** A copy of `input` with `field` set to `value`, or deleted. */
export function withField(
  input: Record<string, unknown>,
  field: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(input);
  if (value === MISSING) delete copy[field];
  else copy[field] = value;
  return copy;
}

/** Anything that is not a string, as JSON can carry it. */
export const notAString = fc.oneof(
  fc.constantFrom(null, true, false, 0, 42, -1, 1.5, [], {}, ['a'], { a: 1 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Anything that is not a plain object. */
export const notAnObject = fc.oneof(
  fc.constantFrom(null, 'x', '', 0, 1, true, [], [{}], ['a']),
  fc.string({ maxLength: 10 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

/** Lists that are not lists of strings. */
export const notAStringList = fc.oneof(
  fc.constantFrom('secret', 1, {}, true, [1], [null], ['ok', 2], [{}], [[]]),
  fc.array(
    notAString.filter(v => typeof v !== 'string'),
    { minLength: 1, maxLength: 3 },
  ),
);

/**
 * Paths no action may write or read through: escapes with `../`, absolute
 * paths (POSIX, Windows, UNC), `.git`, NUL bytes, empty and blank names, the
 * workspace itself, and absurd lengths.
 */
export const escapingPath = fc.oneof(
  fc.constantFrom(
    '..',
    '../',
    '../outside',
    '../outside/secret.txt',
    '../../../../etc/passwd',
    'src/../../outside/secret.txt',
    './../outside',
    'a/b/../../../outside',
    '/etc/passwd',
    '/tmp/paved-escape',
    'C:\\Windows\\win.ini',
    '\\\\server\\share\\x',
    '.git/config',
    '.git/hooks/pre-commit',
    'src/.git/x',
    'x\u0000y',
    '\u0000',
    '',
    ' ',
    `${'a/'.repeat(3000)}x`,
    'x'.repeat(5000),
  ),
  fc
    .array(fc.constantFrom('..', '.', 'src', 'outside', ''), {
      minLength: 2,
      maxLength: 8,
    })
    .map(parts => ['..', ...parts].join('/')),
  fc.string({ minLength: 1, maxLength: 20 }).map(s => `/${s}`),
  fc.string({ maxLength: 10 }).map(s => `${s}\u0000${s}`),
);

/** Strings that are not semver versions. */
export const notSemver = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'latest',
    '2',
    '2.0',
    '2.0.0.0',
    '^2.0.0',
    '~1.1.0',
    '>=1.0.0',
    '01.0.0',
    '1.0.0-',
    '1.0.0+',
    '\u00002.0.0',
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 12 }).filter(s => !/^\d+\.\d+\.\d+/.test(s)),
);

/** Names git or the local root refuse as repository names. */
export const badRepoName = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '../outside',
    'a/b',
    '/abs',
    'UPPER',
    '-dash',
    '.hidden',
    'a..b',
    'x\u0000',
    'a'.repeat(101),
    'name with space',
  ),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter(s => !/^[a-z0-9][a-z0-9._-]{0,99}$/.test(s) || s.includes('..')),
  notAString,
);

/** Names git refuses as branch names. */
export const badBranchName = fc.oneof(
  fc.constantFrom(
    '',
    '-x',
    'HEAD',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[',
    'a\\b',
    'x.lock',
    'a/.b',
    '/a',
    'a/',
    'a//b',
    '@{-1}',
    '@',
    'a.',
    'x\u0000y',
    '\u0007bell',
  ),
  notAString,
);

/** Messages a commit cannot have. */
export const badMessage = fc.oneof(
  fc.constantFrom('', ' ', '\n\t ', 'Upgrade\u0000now'),
  notAString,
);
