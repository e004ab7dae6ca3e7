import {
  ComplianceDrift,
  ComplianceEvaluation,
  DoraByTemplateVersion,
  DoraServicesMetrics,
  DoraTrend,
  GoldenPathsApiComponents,
  GoldenPathsApiOperations,
  PolicyState,
  TemplateChangelogEntry,
  TemplateSummary,
  TemplateVersion,
  TemplateVersionDoraMetrics,
} from '@paved/backstage-plugin-golden-paths-common';

// The wire types the backend answers with, shared through -common.
export type {
  ComplianceEvaluation,
  DoraByTemplateVersion,
  DoraServicesMetrics,
  DoraTrend,
  TemplateChangelogEntry,
  TemplateVersionDoraMetrics,
};

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
export type ServiceDrift = ComplianceDrift;

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

/**
 * Services per policy state, as counted by the backend.
 *
 * @public
 */
export type PolicyStateCounts = Record<PolicyState, number>;

/**
 * What `GET /compliance/summary` groups the current services by.
 *
 * @public
 */
export type ComplianceSummaryGroupBy = 'owner' | 'template' | 'version';

/**
 * One group of `GET /compliance/summary`: `owner` when grouped by owner,
 * `templateRef` (`''` without a template) by template or version, `version`
 * by version. Generated from the backend's OpenAPI spec.
 *
 * @public
 */
export type ComplianceSummaryItem =
  GoldenPathsApiComponents['schemas']['ComplianceSummaryItem'];

/**
 * `GET /compliance/summary`.
 *
 * @public
 */
export type ComplianceSummary = {
  groupBy: ComplianceSummaryGroupBy;
  items: ComplianceSummaryItem[];
};

/**
 * Filters and page of `GET /compliance` without an entity ref.
 *
 * @public
 */
export type ComplianceListQuery = {
  owner?: string;
  template?: string;
  state?: PolicyState;
  version?: string;
  limit?: number;
  offset?: number;
};

/**
 * One page of services' evaluations (without drift files), with the total.
 *
 * @public
 */
export type ComplianceList = {
  items: ComplianceEvaluation[];
  totalCount: number;
};

/**
 * One day of `GET /history`: services per state, summed over the filter.
 *
 * @public
 */
export type ComplianceHistoryPoint = PolicyStateCounts & {
  /** UTC day, YYYY-MM-DD. */
  day: string;
};

/**
 * `GET /history`: daily counts from `from` to `to` (inclusive), oldest first.
 *
 * @public
 */
export type ComplianceHistory = {
  from: string;
  to: string;
  items: ComplianceHistoryPoint[];
};

/**
 * A window for DORA queries: ISO timestamps or YYYY-MM-DD days; the backend
 * defaults to the last 30 days.
 *
 * @public
 */
export type DoraQueryWindow = { from?: string; to?: string };

/**
 * What `GET /dora/trend` is asked for: one service or one owner.
 *
 * @public
 */
export type DoraTrendQuery = ({ entityRef: string } | { owner: string }) &
  DoraQueryWindow & { bucketDays?: number };

/**
 * `GET /environments?entityRef=`: the version in each environment now, and
 * promotions newest version first. Generated from the backend's OpenAPI spec.
 *
 * @public
 */
export type EnvironmentProgression =
  GoldenPathsApiOperations['GetEnvironments']['responses'][200]['content']['application/json'];

/**
 * The version a service runs in one environment now.
 *
 * @public
 */
export type EnvironmentDeployment =
  EnvironmentProgression['environments'][number];

/**
 * How one version moved through the environments, in order.
 *
 * @public
 */
export type VersionPromotion = EnvironmentProgression['promotions'][number];
