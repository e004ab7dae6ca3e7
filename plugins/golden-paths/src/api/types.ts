import {
  DriftSummary,
  FileDrift,
  PolicyState,
  TemplateChangelogEntry,
  TemplateSummary,
  TemplateVersion,
  VersionLag,
} from '@paved/backstage-plugin-golden-paths-common';

export type { TemplateChangelogEntry };

/**
 * A template version with its changelog, as the registry serves it.
 *
 * @public
 */
export type GoldenPathTemplateVersion = TemplateVersion;

/**
 * A template with every registered version, oldest first.
 *
 * @public
 */
export type GoldenPathTemplate = Omit<TemplateSummary, 'versions'> & {
  versions: GoldenPathTemplateVersion[];
};

/**
 * A service's drift from its template, as `GET /compliance` returns it.
 *
 * @public
 */
export type ServiceDrift = {
  summary: DriftSummary;
  /** Per file; only on single-service answers. */
  files?: FileDrift[];
  /** Whether the latest template version could be compared at all. */
  comparedWithLatest: boolean;
  /** The report in one line, e.g. `2 files changed by the team`. */
  text: string;
  /** Why the latest version could not be rendered, when it could not. */
  latestProblem?: string;
};

/**
 * One service's stored policy evaluation (`GET /compliance?entityRef=`).
 *
 * @public
 */
export type ComplianceEvaluation = {
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
  drift?: ServiceDrift;
  evaluatedAt: string;
  changedAt: string;
};

/**
 * What a team asks for to be exempt from its template's policy for a while.
 *
 * @public
 */
export type ExemptionRequest = {
  entityRef: string;
  reason: string;
  /** ISO 8601 timestamp, in the future and within the backend's maximum duration. */
  expiresAt: string;
  /** When set, only this template's policy is covered. */
  templateRef?: string;
};

/**
 * A granted (or revoked) exemption.
 *
 * @public
 */
export type Exemption = {
  id: string;
  entityRef: string;
  templateRef?: string;
  reason: string;
  approvedBy: string;
  expiresAt: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
};

/**
 * The exemption and the service's evaluation right after it changed.
 *
 * @public
 */
export type ExemptionResult = {
  exemption: Exemption;
  evaluation: ComplianceEvaluation;
};
