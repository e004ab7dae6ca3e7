import type { DriftReport } from './drift';
import type { VersionLag } from './semver';
import type { TemplatePolicy } from './policy';

/**
 * One entry of a Template's `paved.dev/changelog` annotation.
 *
 * @public
 */
export type TemplateChangelogEntry = {
  /** Semver of the version this entry describes. */
  version: string;
  /** Release day as written in the changelog (YYYY-MM-DD). */
  date?: string;
  /** Whether upgrading to this version needs work from the team. */
  breaking: boolean;
  /** What changed, one line each. */
  changes: string[];
};

/**
 * One published version of a golden-path template, as the backend's template
 * version registry keeps it.
 *
 * @public
 */
export type TemplateVersion = {
  /** Entity ref of the Template, e.g. `template:default/node-service`. */
  templateRef: string;
  /** Semver of this version. */
  version: string;
  /** Title of the template at this version. */
  title?: string;
  /** When the backend first saw this version (ISO 8601). */
  firstSeenAt: string;
  /** Whether upgrading to this version is breaking, when the changelog says. */
  breaking?: boolean;
  /** The version's changelog entry, when the template publishes one. */
  changelog?: TemplateChangelogEntry;
};

/**
 * A template with all its versions known to the registry, oldest first.
 *
 * @public
 */
export type TemplateSummary = {
  templateRef: string;
  title?: string;
  latestVersion: string;
  versions: TemplateVersion[];
  /**
   * The policy in force now: the template's annotations, overridden by
   * app-config `goldenPaths.policies`. Absent when the template is no longer
   * in the catalog.
   */
  policy?: TemplatePolicy;
};

/**
 * The policy state of one service.
 *
 * @public
 */
export type PolicyState = 'compliant' | 'warn' | 'block' | 'exempt' | 'unknown';

/**
 * A service's drift as `GET /compliance` returns it: the report plus one line
 * for cards (`summarizeDrift`). Lists leave out `files`.
 *
 * @public
 */
export type ComplianceDrift = Omit<DriftReport, 'files'> & {
  files?: DriftReport['files'];
  /** The report in one line, e.g. `2 files changed by the team`. */
  text: string;
  /** Why the latest version could not be rendered, when it could not. */
  latestProblem?: string;
};

/**
 * One service's stored policy evaluation, as `GET /compliance` returns it.
 *
 * @public
 */
export type ComplianceEvaluation = {
  /** Entity ref of the service, lowercase. */
  entityRef: string;
  /** Owner entity ref; `''` when the service has none. */
  owner: string;
  state: PolicyState;
  /** Why, one sentence each. */
  reasons: string[];
  /** When the state next gets worse: YYYY-MM-DD or an ISO 8601 timestamp. */
  deadline?: string;
  lag?: VersionLag;
  currentVersion?: string;
  latestVersion?: string;
  templateRef?: string;
  /** The exemption that applied when it was evaluated. */
  exemptionId?: string;
  /** Drift from the template; lists leave out its `files`. */
  drift?: ComplianceDrift;
  /** When this evaluation was written (ISO 8601). */
  evaluatedAt: string;
  /** Since when the service has been in this state (ISO 8601). */
  changedAt: string;
};
