import { parseVersion } from './semver';

/**
 * Who owns a rendered file on upgrade, in the order a template can declare it.
 *
 * @public
 */
export const FILE_OWNERSHIPS = ['platform', 'shared', 'seed'] as const;

/**
 * Who owns a rendered file on upgrade: `platform` (the template replaces it),
 * `shared` (3-way merged) or `seed` (written once, never touched again).
 *
 * @public
 */
export type FileOwnership = (typeof FILE_OWNERSHIPS)[number];

/**
 * Ownership of a file no rule matches. Merging is the safe middle ground: the
 * team's edits survive an upgrade, and so do the template's.
 *
 * @public
 */
export const DEFAULT_FILE_OWNERSHIP: FileOwnership = 'shared';

/**
 * Ownership rules as a template declares them: a path prefix (`src/`) or an
 * exact path (`Dockerfile`), without globs, mapped to an ownership.
 *
 * @public
 */
export type FileOwnershipRules = Record<string, FileOwnership>;

/**
 * One rendered file as the lock file records it.
 *
 * @public
 */
export type PavedLockFileEntry = {
  /** Path inside the repository, `/`-separated, no leading `./`. */
  path: string;
  /** Lowercase hex sha256 of the file's bytes as committed. */
  sha256: string;
  /** Who owns the file on upgrade. */
  ownership: FileOwnership;
};

/**
 * The lock file a generated service carries (default `.paved/lock.json`): what
 * an upgrade needs to re-render the exact old version and merge 3-way.
 *
 * @public
 */
export type PavedLockFile = {
  /** Bumped only on a breaking change of this shape. */
  schemaVersion: 1;
  /** Entity ref of the template, e.g. `template:default/node-service`. */
  templateRef: string;
  /** Semver of the template the service was rendered from. */
  version: string;
  /** Where the template lived at that version, when known. */
  templateSource?: string;
  /** The answers given to the template, without any secret. */
  answers: Record<string, unknown>;
  /** Every rendered file, sorted by path. */
  files: PavedLockFileEntry[];
};

/**
 * Tells whether a value is one of {@link FILE_OWNERSHIPS}.
 *
 * @public
 */
export function isFileOwnership(value: unknown): value is FileOwnership {
  return (FILE_OWNERSHIPS as readonly unknown[]).includes(value);
}

// Characters that would make a rule look like a glob. Rules are plain prefixes
// so that "which rule wins" stays obvious: the longest one.
const GLOB_CHARACTERS = /[*?[\]{}!]/;

// '.', './', 'src/', './src' all name a prefix the same way; '' is the root.
function normalizeRulePath(rule: string): string {
  return rule
    .replace(/^(\.\/)+/, '')
    .replace(/^\.$/, '')
    .replace(/\/+$/, '');
}

/**
 * Lists what is wrong with a set of ownership rules, one sentence per problem;
 * empty when the rules are usable.
 *
 * @public
 */
export function findOwnershipRuleProblems(
  rules: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  const seen = new Map<string, { rule: string; ownership: unknown }>();
  for (const [rule, ownership] of Object.entries(rules)) {
    if (!isFileOwnership(ownership)) {
      problems.push(
        `'${rule}' has ownership '${String(
          ownership,
        )}', expected one of ${FILE_OWNERSHIPS.join(', ')}`,
      );
    }
    if (GLOB_CHARACTERS.test(rule)) {
      problems.push(
        `'${rule}' looks like a glob; use a path prefix such as 'src/' or an exact path`,
      );
    }
    if (
      rule.startsWith('/') ||
      /^[a-zA-Z]:/.test(rule) ||
      rule.includes('\\')
    ) {
      problems.push(`'${rule}' must be a relative path with '/' separators`);
    }
    const normalized = normalizeRulePath(rule);
    if (normalized.split('/').includes('..')) {
      problems.push(`'${rule}' points outside the repository`);
    }
    const earlier = seen.get(normalized);
    if (earlier && earlier.ownership !== ownership) {
      problems.push(
        `'${earlier.rule}' and '${rule}' name the same path with different ownership`,
      );
    }
    seen.set(normalized, { rule, ownership });
  }
  return problems;
}

/**
 * The ownership of one file: the rule with the longest matching prefix wins,
 * so `src/generated/` can be `platform` inside a `shared` `src/`. A prefix
 * matches whole path segments only (`src` does not match `srcfoo.ts`).
 *
 * @public
 */
export function resolveFileOwnership(
  path: string,
  rules: FileOwnershipRules = {},
): FileOwnership {
  let best: { length: number; ownership: FileOwnership } | undefined;
  for (const [rule, ownership] of Object.entries(rules)) {
    const prefix = normalizeRulePath(rule);
    const matches =
      prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
    if (matches && (!best || prefix.length > best.length)) {
      best = { length: prefix.length, ownership };
    }
  }
  return best?.ownership ?? DEFAULT_FILE_OWNERSHIP;
}

// Whether a secret shows up anywhere in a value, including inside a longer
// string such as a connection URL, or as a number typed into a text field.
function containsSecret(value: unknown, secrets: string[]): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some(v => containsSecret(v, secrets));
  if (typeof value === 'object') {
    return Object.values(value).some(v => containsSecret(v, secrets));
  }
  const text = String(value);
  return secrets.some(secret => text.includes(secret));
}

/**
 * The answers that may be written to a repository: drops every answer named in
 * `secretKeys` or in `secrets` (a `ui:field: Secret` answer arrives under its
 * own key there), and every answer whose value contains a secret's value
 * anywhere. A wrongly dropped answer only has to be given again on upgrade; a
 * wrongly kept one leaks a secret into git for good.
 *
 * @public
 */
export function nonSecretAnswers(
  answers: Record<string, unknown>,
  options: {
    secretKeys?: Iterable<string>;
    secrets?: Record<string, string | undefined>;
  } = {},
): Record<string, unknown> {
  const secrets = options.secrets ?? {};
  const droppedKeys = new Set([
    ...(options.secretKeys ?? []),
    ...Object.keys(secrets),
  ]);
  // An empty secret would be "contained" in every answer.
  const secretValues = Object.values(secrets).filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (droppedKeys.has(key) || containsSecret(value, secretValues)) continue;
    kept[key] = value;
  }
  return kept;
}

/**
 * Builds the lock file of a freshly rendered service. The caller hashes the
 * files (this package does no I/O) and passes every answer and secret: the
 * secrets are filtered out here, so no caller can forget to.
 *
 * Throws a TypeError on a version that is not semver, a hash that is not a
 * sha256, or the same path twice.
 *
 * @public
 */
export function buildLockFile(options: {
  templateRef: string;
  version: string;
  templateSource?: string;
  answers: Record<string, unknown>;
  secretKeys?: Iterable<string>;
  secrets?: Record<string, string | undefined>;
  files: Iterable<{ path: string; sha256: string }>;
  ownership?: FileOwnershipRules;
}): PavedLockFile {
  const version = parseVersion(options.version);
  if (!version) {
    throw new TypeError(`Not a semver version: '${options.version}'`);
  }
  if (!options.templateRef) {
    throw new TypeError('A lock file needs a template ref');
  }

  const files: PavedLockFileEntry[] = [];
  const paths = new Set<string>();
  for (const { path, sha256 } of options.files) {
    if (paths.has(path)) throw new TypeError(`Duplicate file path '${path}'`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      throw new TypeError(
        `Not a lowercase hex sha256 for '${path}': '${sha256}'`,
      );
    }
    paths.add(path);
    files.push({
      path,
      sha256,
      ownership: resolveFileOwnership(path, options.ownership),
    });
  }
  // Code-unit order, not localeCompare, so the file is byte-identical on every
  // machine and diffs between two stamps stay minimal.
  files.sort((a, b) => (a.path < b.path ? -1 : Number(a.path > b.path)));

  return {
    schemaVersion: 1,
    templateRef: options.templateRef,
    version,
    ...(options.templateSource
      ? { templateSource: options.templateSource }
      : {}),
    answers: nonSecretAnswers(options.answers, options),
    files,
  };
}

/**
 * The lock file as it is written to the repository: stable key order, two
 * spaces, trailing newline, so it reads well in a pull request.
 *
 * @public
 */
export function serializeLockFile(lock: PavedLockFile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
