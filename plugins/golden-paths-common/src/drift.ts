import {
  DEFAULT_FILE_OWNERSHIP,
  FileOwnership,
  isFileOwnership,
  PavedLockFile,
} from './lock';
import { assertSafeRelativePath } from './upgrade';

/**
 * How one file of a service stands against its template, in the order cards
 * list them.
 *
 * @public
 */
export const DRIFT_STATUSES = [
  'unchanged',
  'changed-by-team',
  'changed-by-template',
  'changed-by-both',
  'deleted',
  'added',
] as const;

/**
 * How one file of a service stands against its template:
 *
 * - `unchanged`: in sync, nothing to reconcile. The file is as rendered and
 *   the template did not change it, or it already matches what the latest
 *   version renders (including: removed by the template and deleted by the
 *   team, or a new template file the service already has, byte for byte).
 * - `changed-by-team`: the service changed the file; the template did not.
 * - `changed-by-template`: the latest version renders it differently, renames
 *   it, or removes it; the service still has it as rendered.
 * - `changed-by-both`: both sides changed it, differently.
 * - `deleted`: rendered once, no longer in the service.
 * - `added`: new in the latest version; an upgrade will add it.
 *
 * @public
 */
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/**
 * The drift of one file.
 *
 * @public
 */
export type FileDrift = {
  /**
   * Path inside the repository, `/`-separated: where the latest version
   * renders the file (the new path of a renamed file).
   */
  path: string;
  /** The old path, when the latest version renamed the file to this one. */
  renamedFrom?: string;
  /** How the file stands. */
  status: DriftStatus;
  /** Ownership from the lock file; `shared` for a file new in the latest version. */
  ownership: FileOwnership;
  /** The three hashes compared; a missing one means "no such file there". */
  sha256: {
    /** As rendered at the service's version (the lock file). */
    lock?: string;
    /** In the service's repository now. */
    current?: string;
    /** As the latest version renders it. */
    latest?: string;
  };
  /**
   * An upgrade will most likely stop on this file for a person: a `shared`
   * file changed by both, a changed file the template removes, or a new
   * template file where the service already has a different one.
   */
  likelyConflict: boolean;
  /** An upgrade will replace the team's change to this `platform` file. */
  overwrittenOnUpgrade: boolean;
  /** Why, in a sentence a team lead understands. */
  reason: string;
};

/**
 * How many files there are of each status, and what an upgrade puts at risk.
 *
 * @public
 */
export type DriftSummary = Record<DriftStatus, number> & {
  /** Files an upgrade will most likely not settle by itself. */
  likelyConflicts: number;
  /** `platform` files whose team changes an upgrade will replace. */
  overwrittenOnUpgrade: number;
  /** Every file in the report. */
  total: number;
};

/**
 * The drift of a service's files from its template.
 *
 * @public
 */
export type DriftReport = {
  /** One entry per file, sorted by path. */
  files: FileDrift[];
  /** Counts over {@link DriftReport.files}. */
  summary: DriftSummary;
  /**
   * Whether the latest version was known. Without it nothing can be
   * `changed-by-template`, `changed-by-both` or `added`, so a card should not
   * read the zeros as "the template did not move".
   */
  comparedWithLatest: boolean;
};

/**
 * What {@link classifyDrift} compares. Hashes are lowercase hex sha256, as in
 * the lock file; the caller reads and hashes the files.
 *
 * @public
 */
export type DriftInput = {
  /** The service's lock file: what its version rendered, with a hash per file. */
  lock: PavedLockFile;
  /**
   * Path → hash of the service's files now; only files that exist. Files the
   * template never rendered may be included: they are ignored.
   */
  current: ReadonlyMap<string, string>;
  /**
   * Path → hash of the latest version rendered with the service's answers.
   * Without it, only the team's side of the drift can be known.
   */
  latest?: ReadonlyMap<string, string>;
  /** Old path → new path, for files the template renamed; needs `latest`. */
  renames?: Record<string, string>;
  /**
   * Limit the report to these paths: each an exact path or a folder
   * (`.github/` or `.github`). An empty list tracks nothing.
   */
  trackedPaths?: Iterable<string>;
};

const SHA256 = /^[0-9a-f]{64}$/;

function assertSha256(hash: unknown, path: string, origin: string): void {
  if (typeof hash !== 'string' || !SHA256.test(hash)) {
    // A differently spelled hash (upper case, a prefix) would make every file
    // look changed, so it is refused rather than compared.
    throw new TypeError(
      `Not a lowercase hex sha256 for '${path}' in ${origin}: '${String(
        hash,
      )}'`,
    );
  }
}

// Every path is checked, including those of files the template never
// rendered: a caller that spells paths as './src/a.ts' would otherwise make
// every file look deleted instead of failing loudly.
function assertFiles(files: ReadonlyMap<string, string>, origin: string) {
  for (const [path, hash] of files) {
    assertSafeRelativePath(path, origin);
    assertSha256(hash, path, origin);
  }
}

function trackedPathFilter(
  trackedPaths: Iterable<string> | undefined,
): (path: string) => boolean {
  if (trackedPaths === undefined) return () => true;
  const prefixes = [...trackedPaths].map(tracked => {
    const prefix = tracked.replace(/\/$/, '');
    assertSafeRelativePath(prefix, 'the tracked paths');
    return prefix;
  });
  // Whole segments only, like ownership rules: 'src' does not track 'srcfoo.ts'.
  return path =>
    prefixes.some(prefix => path === prefix || path.startsWith(`${prefix}/`));
}

/** One file's three hashes, and what is known about its upgrade. */
type FileHashes = {
  path: string;
  renamedFrom?: string;
  ownership: FileOwnership;
  lock?: string;
  current?: string;
  latest?: string;
  comparedWithLatest: boolean;
  /** The latest version renamed the file and the service still has it at the old path. */
  movesOnUpgrade: boolean;
};

type Verdict = Pick<
  FileDrift,
  'status' | 'likelyConflict' | 'overwrittenOnUpgrade' | 'reason'
>;

function verdict(
  status: DriftStatus,
  reason: string,
  risk: { likelyConflict?: boolean; overwrittenOnUpgrade?: boolean } = {},
): Verdict {
  return {
    status,
    reason,
    likelyConflict: risk.likelyConflict ?? false,
    overwrittenOnUpgrade: risk.overwrittenOnUpgrade ?? false,
  };
}

/** A file only the latest version renders. */
function classifyNewFile({ current, latest }: FileHashes): Verdict {
  if (current === undefined) {
    return verdict('added', 'added by the template');
  }
  if (current === latest) {
    return verdict(
      'unchanged',
      'added by the template; the service already has the same file',
    );
  }
  return verdict(
    'added',
    'added by the template, but the service already has a different file there',
    { likelyConflict: true },
  );
}

function classifyRenderedFile(file: FileHashes): Verdict {
  const { ownership, lock, current, latest, comparedWithLatest } = file;
  const removedByTemplate = comparedWithLatest && latest === undefined;
  // A platform file the team changed is replaced by any upgrade that still
  // renders it; without the latest version, assume it does (the usual case).
  const platformOverwrite = ownership === 'platform' && !removedByTemplate;

  if (current === undefined) {
    if (removedByTemplate) {
      return verdict(
        'unchanged',
        'removed by the template and already deleted by the team',
      );
    }
    return verdict(
      'deleted',
      ownership === 'platform'
        ? 'deleted by the team; owned by the template, so an upgrade restores it'
        : 'deleted by the team',
      { overwrittenOnUpgrade: platformOverwrite },
    );
  }

  // Seed files belong to the team from the start and upgrades never touch
  // them, so only the team's side counts, and never as a risk.
  if (ownership === 'seed') {
    const templateNote =
      comparedWithLatest && latest !== lock
        ? '; the template changed or removed it since, but upgrades never touch seed files'
        : '';
    return current === lock
      ? verdict('unchanged', `seed file as rendered${templateNote}`)
      : verdict(
          'changed-by-team',
          `seed file changed by the team, as expected${templateNote}`,
        );
  }

  const moved = file.movesOnUpgrade ? '; an upgrade moves it' : '';
  if (comparedWithLatest && current === latest) {
    return file.movesOnUpgrade
      ? verdict(
          'changed-by-template',
          `renamed by the template; the content already matches${moved}`,
        )
      : verdict(
          'unchanged',
          current === lock
            ? 'changed by neither the team nor the template'
            : 'same change made by the team and the template',
        );
  }

  const teamChanged = current !== lock;
  const templateChanged = comparedWithLatest && latest !== lock;
  if (!teamChanged && !templateChanged) {
    return file.movesOnUpgrade
      ? verdict('changed-by-template', `renamed by the template${moved}`)
      : verdict('unchanged', 'not changed by the team');
  }
  if (teamChanged && !templateChanged) {
    return verdict(
      'changed-by-team',
      ownership === 'platform'
        ? `changed by the team; owned by the template, so an upgrade replaces it${moved}`
        : `changed by the team${moved}`,
      { overwrittenOnUpgrade: platformOverwrite },
    );
  }
  if (!teamChanged) {
    return verdict(
      'changed-by-template',
      removedByTemplate
        ? 'removed by the template'
        : `changed by the template${moved}`,
    );
  }
  // Both changed. Removing a file the team changed is a conflict whatever the
  // ownership: the upgrade keeps the file and asks, as planUpgrade does.
  if (removedByTemplate) {
    return verdict(
      'changed-by-both',
      'changed by the team, removed by the template',
      { likelyConflict: true },
    );
  }
  if (ownership === 'platform') {
    return verdict(
      'changed-by-both',
      `changed by the team and the template; owned by the template, so an upgrade replaces the team's changes${moved}`,
      { overwrittenOnUpgrade: true },
    );
  }
  return verdict(
    'changed-by-both',
    `changed by the team and the template: a likely conflict on upgrade${moved}`,
    { likelyConflict: true },
  );
}

// Code-unit order, like the lock file, so reports are identical on every machine.
function byPath(a: { path: string }, b: { path: string }): number {
  if (a.path < b.path) return -1;
  return a.path > b.path ? 1 : 0;
}

/**
 * Classifies every file of a service against its template: the lock file
 * (what the service's version rendered), the service's files now, and, when
 * given, the latest version rendered with the same answers. See
 * {@link DriftStatus} for what each status means. Pure: the caller hashes.
 *
 * - Files come from the lock and the latest version; other files of the
 *   service are the team's own and are left out.
 * - `seed` files are classified by the team's side only, since upgrades never
 *   touch them: `changed-by-team` is expected there and never a risk.
 * - A `platform` file the team changed or deleted is `overwrittenOnUpgrade`,
 *   not a conflict: the upgrade replaces or restores it.
 * - `renames` (old → new) pair the two paths into one entry at the new path
 *   when the lock has the old path only, the latest version the new path
 *   only, and the service not both; a rename alone is `changed-by-template`
 *   unless the team already moved the file. A renamed seed file stays at its
 *   old path, as upgrades leave it there.
 *
 * Throws a TypeError naming the path for any path that is not a normalized
 * relative path (see `isSafeRelativePath`), a hash that is not a lowercase
 * hex sha256, a lock entry with an unknown ownership, or the same path twice
 * in the lock. Files come sorted by path.
 *
 * @public
 */
export function classifyDrift(input: DriftInput): DriftReport {
  const { lock, current } = input;
  const latest = input.latest ?? new Map<string, string>();
  const comparedWithLatest = input.latest !== undefined;
  // Renames are a difference between versions: without the latest version
  // there is nothing to pair the old path with.
  const renames = comparedWithLatest ? input.renames ?? {} : {};

  const lockFiles = new Map<
    string,
    { sha256: string; ownership: FileOwnership }
  >();
  for (const entry of lock.files) {
    assertSafeRelativePath(entry.path, 'the lock file');
    assertSha256(entry.sha256, entry.path, 'the lock file');
    if (!isFileOwnership(entry.ownership)) {
      throw new TypeError(
        `Unknown ownership '${String(entry.ownership)}' for '${
          entry.path
        }' in the lock file`,
      );
    }
    if (lockFiles.has(entry.path)) {
      throw new TypeError(`Duplicate path '${entry.path}' in the lock file`);
    }
    lockFiles.set(entry.path, entry);
  }
  assertFiles(current, 'the current files');
  if (input.latest) assertFiles(input.latest, 'the latest render');
  for (const [from, to] of Object.entries(input.renames ?? {})) {
    assertSafeRelativePath(from, 'the renames');
    assertSafeRelativePath(to, 'the renames');
  }
  const isTracked = trackedPathFilter(input.trackedPaths);

  const files: FileHashes[] = [];
  const paired = new Set<string>();
  for (const [from, to] of Object.entries(renames)) {
    const applies =
      from !== to &&
      !paired.has(from) &&
      !paired.has(to) &&
      lockFiles.has(from) &&
      !lockFiles.has(to) &&
      latest.has(to) &&
      !latest.has(from) &&
      !(current.has(from) && current.has(to));
    if (!applies) continue;
    paired.add(from);
    paired.add(to);

    const entry = lockFiles.get(from)!;
    const base = {
      ownership: entry.ownership,
      lock: entry.sha256,
      latest: latest.get(to),
      comparedWithLatest,
    };
    if (entry.ownership === 'seed') {
      files.push({
        ...base,
        path: from,
        current: current.get(from),
        movesOnUpgrade: false,
      });
      continue;
    }
    // The team may already have moved the file by hand.
    const movedByTeam = !current.has(from) && current.has(to);
    files.push({
      ...base,
      path: to,
      renamedFrom: from,
      current: current.get(movedByTeam ? to : from),
      movesOnUpgrade: current.has(from),
    });
  }

  for (const [path, entry] of lockFiles) {
    if (paired.has(path)) continue;
    files.push({
      path,
      ownership: entry.ownership,
      lock: entry.sha256,
      current: current.get(path),
      latest: latest.get(path),
      comparedWithLatest,
      movesOnUpgrade: false,
    });
  }
  for (const [path, sha256] of latest) {
    if (paired.has(path) || lockFiles.has(path)) continue;
    files.push({
      path,
      ownership: DEFAULT_FILE_OWNERSHIP,
      current: current.get(path),
      latest: sha256,
      comparedWithLatest,
      movesOnUpgrade: false,
    });
  }

  const report = files
    .filter(
      file =>
        isTracked(file.path) ||
        (file.renamedFrom !== undefined && isTracked(file.renamedFrom)),
    )
    .map((file): FileDrift => {
      const judged =
        file.lock === undefined
          ? classifyNewFile(file)
          : classifyRenderedFile(file);
      return {
        path: file.path,
        ...(file.renamedFrom ? { renamedFrom: file.renamedFrom } : {}),
        status: judged.status,
        ownership: file.ownership,
        sha256: {
          ...(file.lock ? { lock: file.lock } : {}),
          ...(file.current ? { current: file.current } : {}),
          ...(file.latest ? { latest: file.latest } : {}),
        },
        likelyConflict: judged.likelyConflict,
        overwrittenOnUpgrade: judged.overwrittenOnUpgrade,
        reason: judged.reason,
      };
    })
    .sort(byPath);

  const summary = Object.fromEntries(
    DRIFT_STATUSES.map(status => [
      status,
      report.filter(file => file.status === status).length,
    ]),
  ) as Record<DriftStatus, number>;
  return {
    files: report,
    summary: {
      ...summary,
      likelyConflicts: report.filter(file => file.likelyConflict).length,
      overwrittenOnUpgrade: report.filter(file => file.overwrittenOnUpgrade)
        .length,
      total: report.length,
    },
    comparedWithLatest,
  };
}

function plural(count: number, one: string, many: string = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

const STATUS_WORDS: Record<Exclude<DriftStatus, 'unchanged'>, string> = {
  'changed-by-team': 'changed by the team',
  'changed-by-template': 'by the template',
  'changed-by-both': 'by both',
  deleted: 'deleted',
  added: 'added',
};

/**
 * Describes a drift report in one line for cards and notifications, e.g.
 * `3 files changed by the team, 2 by the template, 1 likely conflict`. Only
 * non-zero counts are named; a report without the latest version says so.
 *
 * @public
 */
export function summarizeDrift(report: DriftReport): string {
  const { summary } = report;
  const notCompared = report.comparedWithLatest
    ? ''
    : ' (not compared with the latest template version)';
  if (summary.total === 0) return `No template files to compare${notCompared}`;

  const parts: string[] = [];
  for (const status of DRIFT_STATUSES) {
    if (status === 'unchanged' || summary[status] === 0) continue;
    const words = STATUS_WORDS[status];
    // Only the first part says "files"; a later 'by the template' has to
    // follow a 'changed', so it is spelled out when it comes first.
    if (parts.length === 0) {
      const first = words.startsWith('by ') ? `changed ${words}` : words;
      parts.push(`${plural(summary[status], 'file')} ${first}`);
    } else {
      parts.push(`${summary[status]} ${words}`);
    }
  }
  if (parts.length === 0) {
    return `No drift: ${plural(summary.total, 'file')} in sync${notCompared}`;
  }
  if (summary.likelyConflicts > 0) {
    parts.push(plural(summary.likelyConflicts, 'likely conflict'));
  }
  if (summary.overwrittenOnUpgrade > 0) {
    parts.push(
      `${plural(
        summary.overwrittenOnUpgrade,
        'team change',
      )} overwritten on upgrade`,
    );
  }
  return `${parts.join(', ')}${notCompared}`;
}
