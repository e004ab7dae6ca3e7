import {
  ComplianceDrift,
  ComplianceEvaluation,
  DriftReport,
  PolicyEvaluation,
  PolicyState,
} from '@paved/backstage-plugin-golden-paths-common';

/**
 * A service's drift from its template, as the sweep stores it.
 *
 * @public
 */
export type ServiceDrift = DriftReport & {
  /** Why the latest version could not be rendered, when it could not. */
  latestProblem?: string;
};

/**
 * A service's drift as the API returns it (the shared wire type).
 *
 * @public
 */
export type StoredDrift = ComplianceDrift;

/**
 * The evaluation of one service, ready to be stored.
 *
 * @public
 */
export type ComplianceRecord = {
  /** Entity ref of the service, lowercase. */
  entityRef: string;
  /** Entity ref of its owner, lowercase; `''` when it has none. */
  owner: string;
  evaluation: PolicyEvaluation;
  /** Drift from the template, for a service whose lock file could be read. */
  drift?: ServiceDrift;
};

/**
 * A stored evaluation, as the API returns it (the shared wire type).
 *
 * @public
 */
export type StoredEvaluation = ComplianceEvaluation;

/**
 * How many services were in each state.
 *
 * @public
 */
export type StateCounts = Record<PolicyState, number>;

/**
 * Services per state for one owner and template on one day.
 *
 * @public
 */
export type DailyComplianceCounts = StateCounts & {
  owner: string;
  /** `''` for services without a template. */
  templateRef: string;
};

/**
 * Services per state on one day, summed over the owners and templates asked for.
 *
 * @public
 */
export type ComplianceHistoryPoint = StateCounts & {
  /** UTC day, YYYY-MM-DD. */
  day: string;
};

/**
 * What the current services are counted by.
 *
 * @public
 */
export type ComplianceSummaryGroupBy = 'owner' | 'template' | 'version';

/**
 * Services per state in one group of the current snapshot, with the total.
 * `owner` is set when grouped by owner; `templateRef` (`''` for services
 * without a template) when grouped by template or version; `version` (`''`
 * when unknown) when grouped by version.
 *
 * @public
 */
export type ComplianceSummaryItem = StateCounts & {
  owner?: string;
  templateRef?: string;
  version?: string;
  total: number;
};

/**
 * Keeps the latest evaluation of every service and the daily counts.
 *
 * @public
 */
export interface ComplianceStore {
  /**
   * Stores evaluations; a row whose evaluation did not change is not written.
   */
  upsertEvaluations(
    records: ComplianceRecord[],
    now: Date,
  ): Promise<{ written: number; unchanged: number }>;

  getEvaluation(entityRef: string): Promise<StoredEvaluation | undefined>;

  /** Lists evaluations by entity ref, with the total matching the filters. */
  listEvaluations(options: {
    owner?: string;
    templateRef?: string;
    state?: PolicyState;
    /** The service's current template version, exactly (semver). */
    version?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: StoredEvaluation[]; totalCount: number }>;

  /**
   * Counts the current services per state and group, largest group first,
   * then by group key.
   */
  summarize(options: {
    groupBy: ComplianceSummaryGroupBy;
    owner?: string;
    templateRef?: string;
  }): Promise<ComplianceSummaryItem[]>;

  /**
   * The template and current version of every service that has both, in one
   * read: what per-version rollups group by.
   */
  listTemplateVersions(filter: {
    owner?: string;
    templateRef?: string;
  }): Promise<
    Array<{ entityRef: string; templateRef: string; version: string }>
  >;

  /** Deletes the evaluations of services not in `entityRefs`; returns how many. */
  removeMissing(entityRefs: Iterable<string>): Promise<number>;

  /** Replaces the counts of `day` (YYYY-MM-DD) with these. */
  recordDailyCounts(
    day: string,
    counts: DailyComplianceCounts[],
  ): Promise<void>;

  /** Daily counts from `from` to `to` (YYYY-MM-DD, inclusive), oldest first. */
  listHistory(options: {
    owner?: string;
    templateRef?: string;
    from: string;
    to: string;
  }): Promise<ComplianceHistoryPoint[]>;
}
