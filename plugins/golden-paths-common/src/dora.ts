import {
  DoraBand,
  DoraBands,
  deploymentFrequencyBand,
  durationBand,
  rateBand,
  resolveDoraBands,
} from './doraBands';
import { doraTrendWindows } from './doraTrend';

export * from './doraBands';
export * from './doraProgression';
export * from './doraTrend';

/**
 * One deployment of a service, as ingested from CDEvents, GitHub or plain
 * JSON. Records with the same `id` are the same event delivered again.
 *
 * @public
 */
export type DeploymentRecord = {
  /** Event id; unique per deployment. */
  id: string;
  /** The service deployed, e.g. `component:default/payments`. */
  entityRef: string;
  /** Where it was deployed; compared against the production environments. */
  environment: string;
  /** When it finished, ISO 8601. */
  finishedAt: string;
  /** Whether it finished successfully; a failed attempt changed nothing. */
  succeeded: boolean;
  /** `rollback` for a deployment that went back to an earlier version. */
  kind: 'deploy' | 'rollback';
  /**
   * The version of the service (the artifact or app version) this deployment
   * put in the environment, e.g. `1.4.2` or a commit sha, when the event says.
   */
  version?: string;
  /**
   * The changes it shipped, when the event says. A non-empty list is
   * authoritative: a change not in it was not shipped by this deployment.
   */
  changeIds?: string[];
  /** Incidents this deployment was made to resolve (a hotfix, a revert). */
  resolvesIncidentIds?: string[];
  /** The golden-path template version the service was on, if known. */
  templateVersion?: string;
};

/**
 * One change (a merged pull request) to a service.
 *
 * @public
 */
export type ChangeRecord = {
  /** Event id, also the id deployments list in `changeIds`. */
  id: string;
  /** The service changed. */
  entityRef: string;
  /** The first commit of the change, ISO 8601; lead time starts here. */
  firstCommitAt?: string;
  /** When it merged, ISO 8601; lead time starts here without a first commit. */
  mergedAt: string;
};

/**
 * One production incident of a service.
 *
 * @public
 */
export type IncidentRecord = {
  /** Event id. */
  id: string;
  /** The service affected. */
  entityRef: string;
  /** When it started (was detected or reported), ISO 8601. */
  startedAt: string;
  /** When it was resolved, ISO 8601; absent while open. */
  resolvedAt?: string;
  /** The deployment that caused it, when the event says so (explicit link). */
  deploymentId?: string;
};

/**
 * A time window, ISO 8601: `from` is inclusive, `to` exclusive, so adjacent
 * windows never count an event twice.
 *
 * @public
 */
export type DoraWindow = {
  from: string;
  to: string;
};

/**
 * The default window length, in days.
 *
 * @public
 */
export const DEFAULT_DORA_WINDOW_DAYS = 30;

/**
 * The environment names that count as production unless told otherwise;
 * compared case-insensitively.
 *
 * @public
 */
export const DEFAULT_PRODUCTION_ENVIRONMENTS: readonly string[] = [
  'production',
  'prod',
];

/**
 * The smallest sample for which each metric gets a band. Below it the value
 * is still reported, with `enoughData: false` and band `unknown`.
 *
 * @public
 */
export type DoraMinSample = {
  deploymentFrequency: number;
  changeLeadTime: number;
  changeFailRate: number;
  failedDeploymentRecoveryTime: number;
  deploymentReworkRate: number;
};

/**
 * Paved's default minimum samples. Deployment frequency needs one deployment:
 * with none, the service may simply not send events, and calling it `low`
 * would blame it for our blind spot. Rates need five deployments, below which
 * a single deployment moves the rate by more than 20 points. Lead time needs
 * three changes so one odd change is not the median; recovery time needs one
 * incident, since incidents are rare and each one is a real recovery.
 *
 * @public
 */
export const DEFAULT_DORA_MIN_SAMPLE: DoraMinSample = Object.freeze({
  deploymentFrequency: 1,
  changeLeadTime: 3,
  changeFailRate: 5,
  failedDeploymentRecoveryTime: 1,
  deploymentReworkRate: 5,
});

/**
 * What every metric carries besides its value.
 *
 * @public
 */
export type DoraMetricSample = {
  /** How many events the value is computed from (see each metric). */
  sample: number;
  /** Whether `sample` reaches the minimum sample for a band. */
  enoughData: boolean;
  /** The DORA band; `unknown` when there is not enough data. */
  band: DoraBand;
};

/**
 * DORA metrics over one window. Definitions:
 *
 * - A production deployment is a successful deployment (a `deploy` or a
 *   `rollback`) to a production environment. Failed attempts never count:
 *   they changed nothing in production.
 * - Deployment-based metrics count production deployments that finished in
 *   the window. Lead time counts changes whose shipping deployment finished
 *   in the window. Recovery time counts incidents that started in the window.
 *
 * @public
 */
export type DoraMetrics = {
  /** The window the metrics cover. */
  window: DoraWindow;
  /**
   * Production deployments per day, and distinct UTC days with at least one
   * production deployment per week. `sample` is the number of deployments.
   */
  deploymentFrequency: DoraMetricSample & {
    perDay: number;
    deployDaysPerWeek: number;
  };
  /**
   * Median hours from a change's first commit (or merge, without one) to the
   * first successful production deployment that shipped it; with an even
   * count, the mean of the two middle values. `sample` is the number of
   * changes shipped in the window; `medianHours` is absent with none.
   */
  changeLeadTime: DoraMetricSample & { medianHours?: number };
  /**
   * Production deployments linked to an incident (see `linkIncidents`),
   * divided by production deployments. The incident may start after the
   * window ends: the deployment in the window still failed. `sample` is the
   * number of deployments; `rate` is absent with none.
   */
  changeFailRate: DoraMetricSample & {
    failedDeployments: number;
    rate?: number;
  };
  /**
   * Median hours from a failed production deployment's finish to the
   * resolution of the incident linked to it, over resolved incidents that
   * started in the window. Open incidents have not recovered yet and are left
   * out. `sample` is the number of incidents.
   */
  failedDeploymentRecoveryTime: DoraMetricSample & { medianHours?: number };
  /**
   * Unplanned production deployments made because of an incident (rollbacks,
   * and deployments whose event names incidents they resolve), divided by
   * production deployments. `sample` is the number of deployments.
   */
  deploymentReworkRate: DoraMetricSample & {
    reworkDeployments: number;
    rate?: number;
  };
};

/**
 * Input of `computeDoraMetrics`.
 *
 * @public
 */
export type ComputeDoraMetricsOptions = {
  deployments: DeploymentRecord[];
  changes: ChangeRecord[];
  incidents: IncidentRecord[];
  window: DoraWindow;
  /** Defaults to `DEFAULT_PRODUCTION_ENVIRONMENTS`. */
  productionEnvironments?: readonly string[];
  /** Overrides of `DEFAULT_DORA_MIN_SAMPLE`, per metric. */
  minSample?: Partial<DoraMinSample>;
  /** Overrides of `DEFAULT_DORA_BANDS`, per metric. */
  bands?: Partial<DoraBands>;
};

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/** A deployment with its timestamp parsed once. */
type Deployment = DeploymentRecord & { finishedMs: number };

function compareIds(a: string, b: string): number {
  // Not localeCompare: the order must not depend on the runtime's locale.
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function byFinish(a: Deployment, b: Deployment): number {
  return a.finishedMs - b.finishedMs || compareIds(a.id, b.id);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareIds(a, b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * One record per id. When redelivered copies differ, the one kept must not
 * depend on input order: the copy with the most fields set wins (an incident's
 * resolved copy over its open one), ties broken by content. Only ids that
 * actually repeat pay for the comparison; the result keeps first-seen order.
 */
function dedupeById<T extends { id: string }>(records: readonly T[]): T[] {
  const kept = new Map<string, T>();
  let repeated: Map<string, T[]> | undefined;
  for (const record of records) {
    const current = kept.get(record.id);
    if (current === undefined) {
      kept.set(record.id, record);
      continue;
    }
    repeated ??= new Map();
    const copies = repeated.get(record.id);
    if (copies) copies.push(record);
    else repeated.set(record.id, [current, record]);
  }
  for (const [id, copies] of repeated ?? []) {
    kept.set(id, bestCopy(copies));
  }
  return [...kept.values()];
}

function bestCopy<T extends object>(copies: T[]): T {
  let best: { record: T; fields: number; key: string } | undefined;
  for (const record of copies) {
    const fields = Object.values(record).filter(v => v !== undefined).length;
    const key = canonicalJson(record);
    if (
      !best ||
      fields > best.fields ||
      (fields === best.fields && key < best.key)
    ) {
      best = { record, fields, key };
    }
  }
  return best!.record;
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function isProductionEnvironment(
  environment: string,
  productionEnvironments: readonly string[],
): boolean {
  const env = environment.trim().toLowerCase();
  return productionEnvironments.some(p => p.trim().toLowerCase() === env);
}

/**
 * Deduped successful production deployments with a parseable finish, sorted
 * by finish then id. Records with an unparseable timestamp are dropped: no
 * guess at when they happened would be honest.
 */
function productionDeployments(
  deployments: readonly DeploymentRecord[],
  productionEnvironments: readonly string[],
): Deployment[] {
  const result: Deployment[] = [];
  for (const d of dedupeById(deployments)) {
    const finishedMs = parseTime(d.finishedAt);
    if (
      finishedMs !== undefined &&
      d.succeeded &&
      isProductionEnvironment(d.environment, productionEnvironments)
    ) {
      result.push({ ...d, finishedMs });
    }
  }
  return result.sort(byFinish);
}

function groupByEntity(deployments: Deployment[]): Map<string, Deployment[]> {
  const byEntity = new Map<string, Deployment[]>();
  for (const d of deployments) {
    const list = byEntity.get(d.entityRef);
    if (list) list.push(d);
    else byEntity.set(d.entityRef, [d]);
  }
  return byEntity;
}

/** Index of the first deployment (sorted by finish) finishing after `ms`. */
function firstFinishingAfter(sorted: Deployment[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].finishedMs > ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first deployment (sorted by finish) finishing at or after `ms`. */
function firstFinishingAtOrAfter(sorted: Deployment[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].finishedMs >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function linkWith(
  production: Deployment[],
  incidents: readonly IncidentRecord[],
): Map<string, string> {
  const byEntity = groupByEntity(production);
  const links = new Map<string, string>();
  for (const incident of dedupeById(incidents)) {
    if (incident.deploymentId) {
      links.set(incident.id, incident.deploymentId);
      continue;
    }
    const startedMs = parseTime(incident.startedAt);
    const candidates = byEntity.get(incident.entityRef);
    if (startedMs === undefined || !candidates) continue;
    // The last deployment finishing strictly before the start; among equal
    // finishes the greatest id, so the choice is stable.
    const index = firstFinishingAtOrAfter(candidates, startedMs) - 1;
    if (index >= 0) links.set(incident.id, candidates[index].id);
  }
  return links;
}

/**
 * Which deployment caused each incident: the incident's own `deploymentId`
 * when its event names one (explicit wins, even for a deployment not in
 * `deployments`); otherwise the latest successful production deployment of
 * the same service that finished strictly before the incident started
 * (rollbacks included: they are what was running). Incidents with neither
 * are left out of the map. Duplicate ids count once.
 *
 * @public
 */
export function linkIncidents(
  deployments: readonly DeploymentRecord[],
  incidents: readonly IncidentRecord[],
  options?: { productionEnvironments?: readonly string[] },
): Map<string, string> {
  return linkWith(
    productionDeployments(
      deployments,
      options?.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS,
    ),
    incidents,
  );
}

/**
 * The deployment that shipped each change, with the lead time in ms. A
 * deployment that lists the change in `changeIds` decides (the earliest such);
 * otherwise the first production deployment of the service finishing strictly
 * after the merge, skipping deployments with a non-empty change list (their
 * list says the change was not in them). Rollbacks ship nothing new.
 * Both rules require the same service, since change ids such as pull request
 * numbers repeat across repositories.
 */
function shipChanges(
  production: Deployment[],
  changes: readonly ChangeRecord[],
): Array<{ deployment: Deployment; leadMs: number }> {
  const forward = production.filter(d => d.kind === 'deploy');
  const listed = new Map<string, Deployment>();
  const unlisted: Deployment[] = [];
  for (const d of forward) {
    if (d.changeIds && d.changeIds.length > 0) {
      for (const changeId of d.changeIds) {
        const key = `${d.entityRef}\u0000${changeId}`;
        // Sorted by finish, so the first seen is the earliest.
        if (!listed.has(key)) listed.set(key, d);
      }
    } else {
      unlisted.push(d);
    }
  }
  const unlistedByEntity = groupByEntity(unlisted);

  const shipped: Array<{ deployment: Deployment; leadMs: number }> = [];
  for (const change of dedupeById(changes)) {
    const mergedMs = parseTime(change.mergedAt);
    if (mergedMs === undefined) continue;
    let deployment = listed.get(`${change.entityRef}\u0000${change.id}`);
    if (!deployment) {
      const candidates = unlistedByEntity.get(change.entityRef) ?? [];
      deployment = candidates[firstFinishingAfter(candidates, mergedMs)];
    }
    if (!deployment) continue;
    const startMs = parseTime(change.firstCommitAt) ?? mergedMs;
    const leadMs = deployment.finishedMs - startMs;
    // A negative lead time is clock skew or a bad record, not a fast change.
    if (leadMs >= 0) shipped.push({ deployment, leadMs });
  }
  return shipped;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  // A typed array sorts numerically, and faster than a comparator.
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A window of `days` days ending at `to` (exclusive). `to` is a parameter, not
 * the clock, so the maths stays pure and repeatable.
 *
 * @public
 */
export function doraWindowEndingAt(
  to: string,
  days: number = DEFAULT_DORA_WINDOW_DAYS,
): DoraWindow {
  const toMs = parseTime(to);
  if (toMs === undefined || !(days > 0)) {
    throw new Error(`Invalid DORA window: ${days} days ending at '${to}'`);
  }
  return { from: new Date(toMs - days * MS_PER_DAY).toISOString(), to };
}

/**
 * A successful production deployment, as the metrics count it. The facts of a
 * service are worked out once from all its records (links, shipping); the
 * metrics of any window are then counts and medians over them.
 *
 * @public
 */
export type DoraDeploymentFact = {
  /** The service deployed, lowercase ref. */
  entityRef: string;
  /** When it finished, ms since the epoch. */
  finishedMs: number;
  /** Whether an incident links to it (see `linkIncidents`). */
  failed: boolean;
  /** A rollback, or a deployment whose event names incidents it resolves. */
  rework: boolean;
};

/**
 * A change shipped to production. It counts in the window, and the group, of
 * the deployment that shipped it.
 *
 * @public
 */
export type DoraLeadTimeFact = {
  /** The service of the deployment that shipped the change. */
  entityRef: string;
  /** When that deployment finished, ms since the epoch. */
  deployedMs: number;
  /** From the first commit (or the merge, without one) to that finish, ms. */
  leadMs: number;
};

/**
 * A resolved incident linked to a production deployment. It counts in the
 * window it started in, and in the group of the deployment it links to.
 *
 * @public
 */
export type DoraRecoveryFact = {
  /** The service of the deployment the incident links to. */
  entityRef: string;
  /** When the incident started, ms since the epoch. */
  startedMs: number;
  /** From that deployment's finish to the incident's resolution, ms. */
  recoveryMs: number;
};

/**
 * Everything the five metrics of any window need, independent of the window:
 * see `doraFacts`.
 *
 * @public
 */
export type DoraFacts = {
  deployments: DoraDeploymentFact[];
  leadTimes: DoraLeadTimeFact[];
  recoveries: DoraRecoveryFact[];
};

/**
 * The records `doraFacts` works from.
 *
 * @public
 */
export type DoraRecords = Pick<
  ComputeDoraMetricsOptions,
  'deployments' | 'changes' | 'incidents' | 'productionEnvironments'
>;

/**
 * How the metrics of a window are computed from facts.
 *
 * @public
 */
export type DoraFactsMetricsOptions = Pick<
  ComputeDoraMetricsOptions,
  'window' | 'minSample' | 'bands'
>;

/** Facts keep the deployment they follow, to group by deployment. */
type Sourced<F> = F & { source: Deployment };
type SourcedFacts = {
  deployments: Sourced<DoraDeploymentFact>[];
  leadTimes: Sourced<DoraLeadTimeFact>[];
  recoveries: Sourced<DoraRecoveryFact>[];
};

function sourcedFacts(records: DoraRecords): SourcedFacts {
  const production = productionDeployments(
    records.deployments,
    records.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS,
  );
  const incidents = dedupeById(records.incidents);
  const links = linkWith(production, incidents);
  const failedIds = new Set(links.values());
  const productionById = new Map(production.map(d => [d.id, d]));

  const recoveries: Sourced<DoraRecoveryFact>[] = [];
  for (const incident of incidents) {
    const linked = productionById.get(links.get(incident.id) ?? '');
    const startedMs = parseTime(incident.startedAt);
    const resolvedMs = parseTime(incident.resolvedAt);
    // Open incidents have not recovered yet: no sample.
    if (!linked || startedMs === undefined || resolvedMs === undefined) {
      continue;
    }
    const recoveryMs = resolvedMs - linked.finishedMs;
    // Resolved before the deployment finished: a bad explicit link, not speed.
    if (recoveryMs < 0) continue;
    recoveries.push({
      entityRef: linked.entityRef,
      startedMs,
      recoveryMs,
      source: linked,
    });
  }
  return {
    deployments: production.map(d => ({
      entityRef: d.entityRef,
      finishedMs: d.finishedMs,
      failed: failedIds.has(d.id),
      rework:
        d.kind === 'rollback' ||
        (d.resolvesIncidentIds !== undefined &&
          d.resolvesIncidentIds.length > 0),
      source: d,
    })),
    leadTimes: shipChanges(production, records.changes).map(
      ({ deployment, leadMs }) => ({
        entityRef: deployment.entityRef,
        deployedMs: deployment.finishedMs,
        leadMs,
        source: deployment,
      }),
    ),
    recoveries,
  };
}

/**
 * The facts of a set of records: each successful production deployment with
 * whether it failed and whether it is rework, each shipped change with its
 * lead time, each resolved incident with its recovery time. Links and
 * shipping need every record of a service, whatever the window; the facts do
 * not depend on any window, so they can be stored and counted per window
 * later (`computeDoraMetricsFromFacts`). Records with the same id count once.
 *
 * @public
 */
export function doraFacts(records: DoraRecords): DoraFacts {
  return sourcedFacts(records);
}

type Settings = {
  fromMs: number;
  toMs: number;
  bands: DoraBands;
  minSample: DoraMinSample;
};

/** Checks the window and the bands once, before any counting. */
function settingsOf(options: DoraFactsMetricsOptions): Settings {
  const { window } = options;
  const fromMs = parseTime(window.from);
  const toMs = parseTime(window.to);
  if (fromMs === undefined || toMs === undefined || toMs <= fromMs) {
    throw new Error(
      `Invalid DORA window: from '${window.from}' must be before to '${window.to}'`,
    );
  }
  return {
    fromMs,
    toMs,
    bands: resolveDoraBands(options.bands),
    minSample: { ...DEFAULT_DORA_MIN_SAMPLE, ...options.minSample },
  };
}

function metricsOf(
  facts: DoraFacts,
  window: DoraWindow,
  { bands, minSample }: Settings,
): DoraMetrics {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const inWindow = (ms: number) => ms >= fromMs && ms < toMs;
  const enough = (metric: keyof DoraMinSample, sample: number) =>
    sample > 0 && sample >= minSample[metric];

  // Deployment frequency, change fail rate and rework rate.
  let deployments = 0;
  let failedDeployments = 0;
  let reworkDeployments = 0;
  const utcDays = new Set<number>();
  for (const d of facts.deployments) {
    if (!inWindow(d.finishedMs)) continue;
    deployments++;
    if (d.failed) failedDeployments++;
    if (d.rework) reworkDeployments++;
    utcDays.add(Math.floor(d.finishedMs / MS_PER_DAY));
  }
  const days = (toMs - fromMs) / MS_PER_DAY;
  const perDay = deployments / days;
  const frequencyEnough = enough('deploymentFrequency', deployments);
  const failRate = deployments ? failedDeployments / deployments : undefined;
  const failEnough = enough('changeFailRate', deployments);
  const reworkRate = deployments ? reworkDeployments / deployments : undefined;
  const reworkEnough = enough('deploymentReworkRate', deployments);

  // Change lead time: changes follow the deployment that shipped them.
  const leadHours: number[] = [];
  for (const l of facts.leadTimes) {
    if (inWindow(l.deployedMs)) leadHours.push(l.leadMs / MS_PER_HOUR);
  }
  const leadMedian = median(leadHours);
  const leadEnough = enough('changeLeadTime', leadHours.length);

  // Failed deployment recovery time: incidents that started in the window.
  const recoveryHours: number[] = [];
  for (const r of facts.recoveries) {
    if (inWindow(r.startedMs)) recoveryHours.push(r.recoveryMs / MS_PER_HOUR);
  }
  const recoveryMedian = median(recoveryHours);
  const recoveryEnough = enough(
    'failedDeploymentRecoveryTime',
    recoveryHours.length,
  );

  return {
    window: { from: window.from, to: window.to },
    deploymentFrequency: {
      perDay,
      deployDaysPerWeek: utcDays.size / (days / 7),
      sample: deployments,
      enoughData: frequencyEnough,
      band: frequencyEnough
        ? deploymentFrequencyBand(perDay, bands.deploymentFrequency)
        : 'unknown',
    },
    changeLeadTime: {
      medianHours: leadMedian,
      sample: leadHours.length,
      enoughData: leadEnough,
      band:
        leadEnough && leadMedian !== undefined
          ? durationBand(leadMedian, bands.changeLeadTime)
          : 'unknown',
    },
    changeFailRate: {
      failedDeployments,
      rate: failRate,
      sample: deployments,
      enoughData: failEnough,
      band:
        failEnough && failRate !== undefined
          ? rateBand(failRate, bands.changeFailRate)
          : 'unknown',
    },
    failedDeploymentRecoveryTime: {
      medianHours: recoveryMedian,
      sample: recoveryHours.length,
      enoughData: recoveryEnough,
      band:
        recoveryEnough && recoveryMedian !== undefined
          ? durationBand(recoveryMedian, bands.failedDeploymentRecoveryTime)
          : 'unknown',
    },
    deploymentReworkRate: {
      reworkDeployments,
      rate: reworkRate,
      sample: deployments,
      enoughData: reworkEnough,
      band:
        reworkEnough && reworkRate !== undefined
          ? rateBand(reworkRate, bands.deploymentReworkRate)
          : 'unknown',
    },
  };
}

/**
 * The five DORA metrics over a window, each with its sample, whether that is
 * enough data, and its band; see `DoraMetrics` for the definitions. Pass all
 * records of one entity, or of every entity of an owner. Records with the
 * same id count once, and input order never changes the result. Throws when
 * the window is not a valid, non-empty range or the bands are out of order.
 *
 * @public
 */
export function computeDoraMetrics(
  options: ComputeDoraMetricsOptions,
): DoraMetrics {
  const settings = settingsOf(options);
  return metricsOf(sourcedFacts(options), options.window, settings);
}

/**
 * The five DORA metrics of a window from facts (`doraFacts`), e.g. facts of
 * several services stored earlier: the same answer `computeDoraMetrics` gives
 * from those services' records. Facts outside the window are ignored.
 *
 * @public
 */
export function computeDoraMetricsFromFacts(
  facts: DoraFacts,
  options: DoraFactsMetricsOptions,
): DoraMetrics {
  return metricsOf(facts, options.window, settingsOf(options));
}

type FactOf<K extends keyof DoraFacts> = DoraFacts[K][number];

/**
 * Deals each fact to its group; a group appears when it has a production
 * deployment in the window, and groups come sorted by key.
 */
function metricsByGroup<F extends DoraFacts>(
  facts: F,
  window: DoraWindow,
  settings: Settings,
  keyOf: (
    fact:
      | F['deployments'][number]
      | F['leadTimes'][number]
      | F['recoveries'][number],
  ) => string | undefined,
): Map<string, DoraMetrics> {
  const groups = new Map<string, DoraFacts>();
  const groupOf = (fact: Parameters<typeof keyOf>[0]) => {
    const key = keyOf(fact);
    if (key === undefined) return undefined;
    let group = groups.get(key);
    if (!group) {
      group = { deployments: [], leadTimes: [], recoveries: [] };
      groups.set(key, group);
    }
    return group;
  };
  const shown = new Set<DoraFacts>();
  for (const d of facts.deployments) {
    const group = groupOf(d);
    group?.deployments.push(d as FactOf<'deployments'>);
    if (
      group &&
      d.finishedMs >= settings.fromMs &&
      d.finishedMs < settings.toMs
    ) {
      shown.add(group);
    }
  }
  for (const l of facts.leadTimes) {
    groupOf(l)?.leadTimes.push(l as FactOf<'leadTimes'>);
  }
  for (const r of facts.recoveries) {
    groupOf(r)?.recoveries.push(r as FactOf<'recoveries'>);
  }
  const result = new Map<string, DoraMetrics>();
  for (const key of [...groups.keys()].sort(compareIds)) {
    const group = groups.get(key)!;
    if (shown.has(group)) result.set(key, metricsOf(group, window, settings));
  }
  return result;
}

/**
 * DORA metrics per group of deployments, e.g. per template version
 * (`d => d.templateVersion`) or per owner. Filtering the input by group
 * instead would be wrong: an incident must link against every deployment of
 * its service, including those of another group. So links and shipping use
 * all records, then each deployment counts in its group, each change in the
 * group of the deployment that shipped it, and each incident in the group of
 * the deployment it links to. Deployments whose key is `undefined` count in no
 * group; a group appears when it has a production deployment in the window.
 *
 * @public
 */
export function computeDoraMetricsByGroup(
  options: ComputeDoraMetricsOptions,
  groupOf: (deployment: DeploymentRecord) => string | undefined,
): Map<string, DoraMetrics> {
  const settings = settingsOf(options);
  // Each deployment's group is asked once.
  const keys = new Map<Deployment, string | undefined>();
  return metricsByGroup(
    sourcedFacts(options),
    options.window,
    settings,
    ({ source }) => {
      if (!keys.has(source)) keys.set(source, groupOf(source));
      return keys.get(source);
    },
  );
}

/**
 * DORA metrics per group of services, from facts: each fact counts in the
 * group of its `entityRef` (the deployment's service), as in
 * `computeDoraMetricsByGroup`. Services whose key is `undefined` count in no
 * group; a group appears when it has a production deployment in the window.
 *
 * @public
 */
export function computeDoraMetricsByGroupFromFacts(
  facts: DoraFacts,
  options: DoraFactsMetricsOptions,
  groupOf: (entityRef: string) => string | undefined,
): Map<string, DoraMetrics> {
  const settings = settingsOf(options);
  const keys = new Map<string, string | undefined>();
  return metricsByGroup(facts, options.window, settings, ({ entityRef }) => {
    if (!keys.has(entityRef)) keys.set(entityRef, groupOf(entityRef));
    return keys.get(entityRef);
  });
}

/**
 * The DORA metrics of one service or of an owner's services together, as
 * `GET /dora?entityRef=` and `GET /dora?owner=` answer.
 *
 * @public
 */
export type DoraServicesMetrics = {
  window: DoraWindow;
  /** The services counted, lowercase refs. */
  entityRefs: string[];
  metrics: DoraMetrics;
};

/**
 * The DORA metrics of one template version: the deployments of the services
 * on that version now.
 *
 * @public
 */
export type TemplateVersionDoraMetrics = {
  templateRef: string;
  templateVersion: string;
  metrics: DoraMetrics;
};

/**
 * `GET /dora?groupBy=templateVersion`: one entry per template version with a
 * production deployment in the window.
 *
 * @public
 */
export type DoraByTemplateVersion = {
  window: DoraWindow;
  groups: TemplateVersionDoraMetrics[];
};

/**
 * DORA metrics per consecutive bucket of a window, for sparklines and charts.
 *
 * @public
 */
export type DoraTrend = {
  /** The whole window. */
  window: DoraWindow;
  /** The length of each bucket in days; the last may be shorter. */
  bucketDays: number;
  /** One entry per bucket, oldest first. */
  buckets: Array<{ window: DoraWindow; metrics: DoraMetrics }>;
};

/**
 * The DORA metrics of each `bucketDays`-day bucket of `options.window` (see
 * `doraTrendWindows`). Links and shipping are worked out once over all
 * records, as in `computeDoraMetrics`, so an incident in one bucket still
 * links to the deployment of the bucket before, and each bucket equals
 * `computeDoraMetrics` over that bucket's window with the same records.
 *
 * @public
 */
export function computeDoraTrend(
  options: ComputeDoraMetricsOptions,
  bucketDays: number,
): DoraTrend {
  return computeDoraTrendFromFacts(sourcedFacts(options), options, bucketDays);
}

/**
 * `computeDoraTrend` from facts (`doraFacts`).
 *
 * @public
 */
export function computeDoraTrendFromFacts(
  facts: DoraFacts,
  options: DoraFactsMetricsOptions,
  bucketDays: number,
): DoraTrend {
  const settings = settingsOf(options);
  return {
    window: { from: options.window.from, to: options.window.to },
    bucketDays,
    buckets: doraTrendWindows(options.window, bucketDays).map(window => ({
      window,
      metrics: metricsOf(facts, window, settings),
    })),
  };
}
