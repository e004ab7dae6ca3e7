import semver from 'semver';

/**
 * How far one version is behind another.
 *
 * @public
 */
export type VersionLag = {
  /** Major versions between the two (0 when on the same major). */
  majors: number;
  /** Minor versions behind within the latest major, when on the same major. */
  minors: number;
  /** Patch versions behind within the latest minor, when on the same minor. */
  patches: number;
  /** How many published versions are newer than the one in use. */
  versionsBehind: number;
};

/**
 * Parses a version strictly; returns undefined for anything that is not semver.
 *
 * @public
 */
export function parseVersion(version: string): string | undefined {
  const parsed = semver.valid(version.trim());
  return parsed ?? undefined;
}

/**
 * Compares two semver strings (1.9.0 is before 1.10.0, 2.0.0-rc.1 before 2.0.0).
 * Throws on a string that is not semver, so callers cannot compare garbage.
 *
 * @public
 */
export function compareVersions(a: string, b: string): number {
  const [left, right] = [parseVersion(a), parseVersion(b)];
  if (!left) throw new TypeError(`Not a semver version: '${a}'`);
  if (!right) throw new TypeError(`Not a semver version: '${b}'`);
  return semver.compare(left, right);
}

/**
 * Sorts versions oldest first, dropping anything that is not semver.
 *
 * @public
 */
export function sortVersions(versions: Iterable<string>): string[] {
  const valid = new Set<string>();
  for (const version of versions) {
    const parsed = parseVersion(version);
    if (parsed) valid.add(parsed);
  }
  return [...valid].sort(semver.compare);
}

/**
 * The lag of `current` behind the newest of `published`.
 *
 * @public
 */
export function versionLag(
  current: string,
  published: Iterable<string>,
): VersionLag {
  const used = parseVersion(current);
  if (!used) throw new TypeError(`Not a semver version: '${current}'`);
  const sorted = sortVersions(published);
  const latest = sorted[sorted.length - 1];
  if (!latest || semver.lte(latest, used)) {
    return { majors: 0, minors: 0, patches: 0, versionsBehind: 0 };
  }
  const majors = semver.major(latest) - semver.major(used);
  const minors = majors === 0 ? semver.minor(latest) - semver.minor(used) : 0;
  const patches =
    majors === 0 && minors === 0
      ? semver.patch(latest) - semver.patch(used)
      : 0;
  const versionsBehind = sorted.filter(v => semver.gt(v, used)).length;
  return { majors, minors, patches, versionsBehind };
}

/**
 * Says a lag in words, e.g. "1 major behind", "2 minors behind", "up to date".
 *
 * @public
 */
export function describeLag(lag: VersionLag): string {
  const count = (n: number, one: string, many: string) =>
    `${n} ${n === 1 ? one : many} behind`;
  if (lag.majors > 0) return count(lag.majors, 'major', 'majors');
  if (lag.minors > 0) return count(lag.minors, 'minor', 'minors');
  if (lag.patches > 0) return count(lag.patches, 'patch', 'patches');
  if (lag.versionsBehind > 0) {
    return count(lag.versionsBehind, 'pre-release', 'pre-releases');
  }
  return 'up to date';
}
