import { FileOwnership, isFileOwnership, PavedLockFile } from './lock';
import { FileContent, LineRange, MergeLabels, mergeText } from './merge';

/**
 * What an upgrade does to one file.
 *
 * @public
 */
export type UpgradeAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'keep'
  | 'conflict';

/**
 * One file of an {@link UpgradePlan}.
 *
 * @public
 */
export type UpgradeFileChange = {
  /** Path inside the repository, `/`-separated. */
  path: string;
  /** What happens to the file. */
  action: UpgradeAction;
  /**
   * What to write: set for `create` and `update`, and for a `conflict` whose
   * merged text holds conflict markers. A `conflict` without content leaves
   * the file as it is.
   */
  content?: FileContent;
  /** Why, in a sentence a reviewer understands. */
  reason: string;
  /** The ownership the decision followed. */
  ownership: FileOwnership;
  /** The old path, when the template renamed the file to this one. */
  renamedFrom?: string;
};

/**
 * A file an upgrade could not settle by itself.
 *
 * @public
 */
export type UpgradeConflict = {
  /** Path inside the repository. */
  path: string;
  /** Why it needs a person. */
  reason: string;
  /** Where the conflict markers are, when the file got some. */
  regions?: LineRange[];
};

/**
 * Everything an upgrade would change, decided without touching a file.
 *
 * @public
 */
export type UpgradePlan = {
  /** One entry per file involved, sorted by path. */
  changes: UpgradeFileChange[];
  /** The changes with action `conflict`, sorted by path. */
  conflicts: UpgradeConflict[];
  /** How many changes there are of each action. */
  summary: {
    created: number;
    updated: number;
    deleted: number;
    kept: number;
    conflicted: number;
  };
};

/**
 * What {@link planUpgrade} needs: both versions of the template rendered with
 * the service's stored answers, the service's files, and its lock file.
 *
 * @public
 */
export type UpgradeInput = {
  /** Path → content of the version the service is on, rendered with its answers. */
  oldRender: ReadonlyMap<string, FileContent>;
  /** Path → content of the version to upgrade to, rendered with the same answers. */
  newRender: ReadonlyMap<string, FileContent>;
  /** Path → content of the service's files now; a missing path is a deleted file. */
  current: ReadonlyMap<string, FileContent>;
  /** The service's lock file, written when it was rendered or last upgraded. */
  lock: PavedLockFile;
  /** Ownership of a file the lock does not know, from the new version's rules. */
  ownershipFor: (path: string) => FileOwnership;
  /** Old path → new path, for files the new version renamed. */
  renames?: Record<string, string>;
  /** Names on the conflict markers, e.g. `current (your service)` and `template 2.0.0`. */
  labels?: MergeLabels;
};

/**
 * Tells whether a path is a normalized relative POSIX path that stays inside
 * the repository: not empty, not absolute, no drive letter, no backslash, no
 * empty, `.` or `..` segment, no NUL.
 *
 * @public
 */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[a-zA-Z]:/.test(path)) {
    return false;
  }
  if (path.includes('\\') || path.includes('\0')) return false;
  return path
    .split('/')
    .every(segment => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * Throws a TypeError naming `path` unless {@link isSafeRelativePath} accepts
 * it, so a hostile template or lock file cannot reach outside the workspace.
 *
 * @public
 */
export function assertSafeRelativePath(path: string, origin: string): void {
  if (typeof path !== 'string' || !isSafeRelativePath(path)) {
    throw new TypeError(
      `Unsafe path '${String(
        path,
      )}' in ${origin}: expected a relative path with '/' separators that stays inside the repository`,
    );
  }
}

/**
 * Tells whether two file contents are the same bytes (or the same text).
 *
 * @public
 */
export function sameFileContent(
  a: FileContent | undefined,
  b: FileContent | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ('text' in a) return 'text' in b && a.text === b.text;
  if (!('binary' in b)) return false;
  return (
    a.binary.length === b.binary.length &&
    a.binary.every((byte, i) => byte === b.binary[i])
  );
}

/** One file's three versions, and who owns it. */
type FileVersions = {
  path: string;
  ownership: FileOwnership;
  /** The old version's render: the common ancestor. */
  base?: FileContent;
  /** The service's file now. */
  ours?: FileContent;
  /** The new version's render. */
  theirs?: FileContent;
  renamedFrom?: string;
};

type Decision = Omit<
  UpgradeFileChange,
  'path' | 'ownership' | 'renamedFrom'
> & {
  regions?: LineRange[];
};

const KEEP_NEW_SEED =
  'seed file already exists in the service: seed files are never overwritten';

/** A file the template adds (no base): create it, or find a clash. */
function decideNewFile(
  { ownership, ours, theirs }: FileVersions & { theirs: FileContent },
  labels: MergeLabels | undefined,
): Decision {
  if (ours === undefined) {
    return {
      action: 'create',
      content: theirs,
      reason: 'added by the template',
    };
  }
  if (sameFileContent(ours, theirs)) {
    return { action: 'keep', reason: 'already matches the template' };
  }
  if (ownership === 'seed') return { action: 'keep', reason: KEEP_NEW_SEED };
  if ('text' in ours && 'text' in theirs) {
    // With nothing in common to merge from, every difference is a conflict,
    // but markers still show the reviewer both files side by side.
    const merged = mergeText('', ours.text, theirs.text, labels);
    return {
      action: 'conflict',
      content: { text: merged.text },
      reason:
        'added by the template, but the service already has a different file there',
      regions: merged.conflictRegions,
    };
  }
  return {
    action: 'conflict',
    reason:
      'added by the template, but the service already has a different binary file there',
  };
}

/** A file the template no longer renders. */
function decideRemovedFile(
  { base, ours }: FileVersions,
  how: string,
): Decision {
  if (ours === undefined) {
    return { action: 'keep', reason: `${how}; already deleted` };
  }
  if (base !== undefined && sameFileContent(ours, base)) {
    return { action: 'delete', reason: how };
  }
  return { action: 'conflict', reason: `${how}, but changed by the team` };
}

/** A `shared` file both sides changed. */
function decideBothChanged(
  base: FileContent,
  ours: FileContent,
  theirs: FileContent,
  labels: MergeLabels | undefined,
): Decision {
  if (!('text' in base && 'text' in ours && 'text' in theirs)) {
    return {
      action: 'conflict',
      reason: 'binary file changed by both the team and the template',
    };
  }
  const merged = mergeText(base.text, ours.text, theirs.text, labels);
  if (merged.conflicts > 0) {
    return {
      action: 'conflict',
      content: { text: merged.text },
      reason: `changed by both the team and the template: ${
        merged.conflicts
      } conflicting ${merged.conflicts === 1 ? 'region' : 'regions'}`,
      regions: merged.conflictRegions,
    };
  }
  return {
    action: 'update',
    content: { text: merged.text },
    reason: 'changed by both the team and the template: merged cleanly',
  };
}

function decide(file: FileVersions, labels: MergeLabels | undefined): Decision {
  const { ownership, base, ours, theirs } = file;
  const removal = 'removed by the template';

  if (base === undefined) {
    if (theirs === undefined) {
      return {
        action: 'keep',
        reason: 'in the lock file but rendered by neither version',
      };
    }
    return decideNewFile({ ...file, theirs }, labels);
  }

  if (ownership === 'seed') {
    return {
      action: 'keep',
      reason:
        ours === undefined
          ? 'seed file deleted by the team: seed files are never touched by upgrades'
          : 'seed file: written once, never touched by upgrades',
    };
  }

  if (ownership === 'platform') {
    if (theirs === undefined) return decideRemovedFile(file, removal);
    if (ours === undefined) {
      return {
        action: 'create',
        content: theirs,
        reason: 'owned by the template: restored after the team deleted it',
      };
    }
    if (sameFileContent(ours, theirs)) {
      return { action: 'keep', reason: 'already matches the template' };
    }
    return {
      action: 'update',
      content: theirs,
      reason: sameFileContent(ours, base)
        ? 'owned by the template: replaced by the new version'
        : "owned by the template: replaced by the new version, overwriting the team's changes",
    };
  }

  // shared
  if (ours === undefined) {
    return { action: 'keep', reason: 'deleted by the team' };
  }
  if (sameFileContent(ours, base)) {
    if (theirs === undefined) return decideRemovedFile(file, removal);
    if (sameFileContent(ours, theirs)) {
      return {
        action: 'keep',
        reason: 'changed by neither the team nor the template',
      };
    }
    return {
      action: 'update',
      content: theirs,
      reason: 'changed by the template only',
    };
  }
  if (theirs === undefined) return decideRemovedFile(file, removal);
  if (sameFileContent(theirs, base)) {
    return { action: 'keep', reason: 'changed by the team only' };
  }
  if (sameFileContent(ours, theirs)) {
    return {
      action: 'keep',
      reason: 'same change made by the team and the template',
    };
  }
  return decideBothChanged(base, ours, theirs, labels);
}

// Code-unit order, like the lock file, so plans are identical on every machine.
function byPath(a: { path: string }, b: { path: string }): number {
  if (a.path < b.path) return -1;
  return a.path > b.path ? 1 : 0;
}

/**
 * Plans the upgrade of a service to a new template version: for every file
 * either version renders or the lock lists, what to write, delete or leave,
 * and why. Pure: the caller reads the files, renders both versions, and
 * applies the plan.
 *
 * An existing file follows the ownership its lock entry records (a file the
 * lock misses, `ownershipFor`); a file new in this version follows
 * `ownershipFor`. "Changed by the team" means the service's file differs from
 * the old render; "changed by the template", that the new render differs from
 * the old one.
 *
 * - `platform`: the new render replaces the file, the team's edits included;
 *   a deleted file is restored. Removed from the template: deleted when the
 *   team did not change it, otherwise a conflict that leaves it in place.
 * - `seed`: kept as it is, whatever the template did, even when deleted.
 * - `shared`: unchanged by the team → takes the new render (or is deleted
 *   when the template removed it); unchanged by the template → kept; deleted
 *   by the team → stays deleted; changed by both → merged line by line
 *   ({@link mergeText}), a conflict with markers when the changes overlap;
 *   binary and changed by both → a conflict that keeps the team's file;
 *   changed by the team and removed by the template → a conflict that keeps it.
 * - new in this version: created; where the service already has a different
 *   file, a conflict with markers between the two (an empty base) — except a
 *   `seed` file, which keeps the service's file.
 * - `renames` (old → new): the file at the old path moves to the new path with
 *   its lock ownership, merged as above with the old render of the old path
 *   as base, and the old path is deleted (or kept as a conflict when a
 *   `platform` file the team changed). A seed file stays where it is. A rename
 *   applies only when the old path was rendered by the old version and not by
 *   the new one, the new path by the new version and not by the old one, and
 *   the service has no file at the new path; otherwise the rules above apply to
 *   each path alone, since renames collected over many versions need not all
 *   concern this service.
 *
 * Every path must be a normalized relative path ({@link isSafeRelativePath});
 * any other path in the renders, the lock or the renames throws a TypeError
 * naming it. Changes and conflicts come sorted by path.
 *
 * @public
 */
export function planUpgrade(input: UpgradeInput): UpgradePlan {
  const { oldRender, newRender, current, lock, ownershipFor, labels } = input;
  const renames = input.renames ?? {};

  for (const path of oldRender.keys())
    assertSafeRelativePath(path, 'the old render');
  for (const path of newRender.keys())
    assertSafeRelativePath(path, 'the new render');
  for (const entry of lock.files)
    assertSafeRelativePath(entry.path, 'the lock file');
  for (const [from, to] of Object.entries(renames)) {
    assertSafeRelativePath(from, 'the renames');
    assertSafeRelativePath(to, 'the renames');
  }

  const lockOwnership = new Map<string, FileOwnership>();
  for (const entry of lock.files) {
    if (!isFileOwnership(entry.ownership)) {
      throw new TypeError(
        `Unknown ownership '${String(entry.ownership)}' for '${
          entry.path
        }' in the lock file`,
      );
    }
    lockOwnership.set(entry.path, entry.ownership);
  }
  // The lock records what the team agreed to when the file was rendered; the
  // new version's rules only speak for files the lock does not know.
  const ownershipOf = (path: string) =>
    lockOwnership.get(path) ?? ownershipFor(path);

  const paths = new Set([
    ...oldRender.keys(),
    ...newRender.keys(),
    ...lockOwnership.keys(),
  ]);
  const changes: UpgradeFileChange[] = [];
  const conflicts: UpgradeConflict[] = [];
  const record = (file: FileVersions, decision: Decision) => {
    const { regions, ...rest } = decision;
    changes.push({
      path: file.path,
      ...rest,
      ownership: file.ownership,
      ...(file.renamedFrom ? { renamedFrom: file.renamedFrom } : {}),
    });
    if (decision.action === 'conflict') {
      conflicts.push({
        path: file.path,
        reason: decision.reason,
        ...(regions && regions.length > 0 ? { regions } : {}),
      });
    }
  };

  for (const [from, to] of Object.entries(renames)) {
    const applies =
      from !== to &&
      // Not already taken by an earlier rename.
      paths.has(from) &&
      paths.has(to) &&
      oldRender.has(from) &&
      !newRender.has(from) &&
      newRender.has(to) &&
      !oldRender.has(to) &&
      !current.has(to);
    if (!applies) continue;
    paths.delete(from);
    paths.delete(to);

    const ownership = ownershipOf(from);
    const ours = current.get(from);
    const base = oldRender.get(from);
    if (ownership === 'seed') {
      record(
        { path: from, ownership },
        {
          action: 'keep',
          reason: `seed file: left in place, never touched by upgrades (the template renamed it to ${to})`,
        },
      );
      record(
        { path: to, ownership, renamedFrom: from },
        {
          action: 'keep',
          reason: `not created: the seed file stays at ${from}`,
        },
      );
      continue;
    }
    const moved: FileVersions = {
      path: to,
      ownership,
      base,
      ours,
      theirs: newRender.get(to),
      renamedFrom: from,
    };
    const decision = decide(moved, labels);
    const reason = `renamed from ${from}: ${decision.reason}`;
    if (ours === undefined) {
      record(moved, { ...decision, reason });
    } else {
      // The file moves, so the new path is written even where the rules say
      // "keep": what is kept is the team's file, now under its new name.
      const action = decision.action === 'conflict' ? 'conflict' : 'create';
      record(moved, {
        ...decision,
        action,
        content: decision.content ?? ours,
        reason,
      });
    }

    const old: FileVersions = { path: from, ownership, base, ours };
    if (ours === undefined) {
      record(old, {
        action: 'keep',
        reason: `renamed to ${to} by the template; already deleted`,
      });
    } else if (ownership === 'platform') {
      record(old, decideRemovedFile(old, `renamed to ${to} by the template`));
    } else {
      record(old, {
        action: 'delete',
        reason: `renamed to ${to} by the template`,
      });
    }
  }

  for (const path of paths) {
    const file: FileVersions = {
      path,
      ownership: ownershipOf(path),
      base: oldRender.get(path),
      ours: current.get(path),
      theirs: newRender.get(path),
    };
    record(file, decide(file, labels));
  }

  changes.sort(byPath);
  conflicts.sort(byPath);
  const count = (action: UpgradeAction) =>
    changes.filter(change => change.action === action).length;
  return {
    changes,
    conflicts,
    summary: {
      created: count('create'),
      updated: count('update'),
      deleted: count('delete'),
      kept: count('keep'),
      conflicted: count('conflict'),
    },
  };
}

const ACTION_WORDS: Record<UpgradeAction, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  keep: 'kept',
  conflict: 'conflict',
};

// A code span that survives backticks in the text, per CommonMark.
function codeSpan(text: string): string {
  const longestRun = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

// Table cells end at a pipe or a line break.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function plural(count: number, one: string, many: string = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

function describeRegions(regions: LineRange[]): string {
  return regions
    .map(({ startLine, endLine }) => `${startLine}–${endLine}`)
    .join(', ');
}

/**
 * Describes an upgrade plan in markdown, for the body of the pull request that
 * applies it: a headline, the counts, a table of the files that change, and
 * the conflicts to resolve before merging, each with its reason.
 *
 * @public
 */
export function summarizeUpgrade(
  plan: UpgradePlan,
  options: { fromVersion: string; toVersion: string; templateRef?: string },
): string {
  const { fromVersion, toVersion, templateRef } = options;
  const { summary } = plan;
  const template = templateRef ? ` of ${codeSpan(templateRef)}` : '';
  const lines = [
    `## Upgrade from ${fromVersion} to ${toVersion}`,
    '',
    `This pull request upgrades the service from version ${fromVersion} to ${toVersion}${template}.`,
    '',
    `${plural(summary.created, 'file')} created, ${summary.updated} updated, ${
      summary.deleted
    } deleted, ${summary.kept} kept as they are, ${plural(
      summary.conflicted,
      'conflict',
    )} to resolve.`,
  ];

  const changed = plan.changes.filter(change => change.action !== 'keep');
  if (changed.length > 0) {
    lines.push('', '| File | Change | Ownership | Why |', '|---|---|---|---|');
    for (const change of changed) {
      const path = change.renamedFrom
        ? `${codeSpan(change.path)} (from ${codeSpan(change.renamedFrom)})`
        : codeSpan(change.path);
      lines.push(
        `| ${cell(path)} | ${ACTION_WORDS[change.action]} | ${
          change.ownership
        } | ${cell(change.reason)} |`,
      );
    }
  }

  lines.push('', '### Conflicts to resolve', '');
  if (plan.conflicts.length === 0) {
    lines.push('None: every change merged cleanly.');
  } else {
    lines.push(
      'Resolve these before merging. Where a file has conflict markers, keep what each side needs between `<<<<<<<` and `>>>>>>>` and remove the markers.',
      '',
    );
    for (const conflict of plan.conflicts) {
      const where = conflict.regions
        ? ` (conflict markers on lines ${describeRegions(conflict.regions)})`
        : '';
      lines.push(
        `- [ ] ${codeSpan(conflict.path)}: ${conflict.reason}${where}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
