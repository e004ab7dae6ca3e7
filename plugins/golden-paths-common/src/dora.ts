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
  const sorted = [...values].sort((a, b) => a - b);
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

type Shipped = { deployment: Deployment; leadMs: number };

/** An incident with the production deployment it links to. */
type LinkedIncident = { incident: IncidentRecord; linked: Deployment };

/** The records one set of metrics counts: all of them, or one group's. */
type Scope = {
  production: Deployment[];
  shipped: Shipped[];
  incidents: LinkedIncident[];
};

type Prepared = Scope & {
  fromMs: number;
  toMs: number;
  bands: DoraBands;
  minSample: DoraMinSample;
  /** Ids of production deployments some incident links to. */
  failedIds: Set<string>;
};

/** Everything that needs all records (links, shipping), computed once. */
function prepare(options: ComputeDoraMetricsOptions): Prepared {
  const { window } = options;
  const fromMs = parseTime(window.from);
  const toMs = parseTime(window.to);
  if (fromMs === undefined || toMs === undefined || toMs <= fromMs) {
    throw new Error(
      `Invalid DORA window: from '${window.from}' must be before to '${window.to}'`,
    );
  }
  const production = productionDeployments(
    options.deployments,
    options.productionEnvironments ?? DEFAULT_PRODUCTION_ENVIRONMENTS,
  );
  const incidents = dedupeById(options.incidents);
  const links = linkWith(production, incidents);
  const productionById = new Map(production.map(d => [d.id, d]));
  const linkedIncidents: LinkedIncident[] = [];
  for (const incident of incidents) {
    const linked = productionById.get(links.get(incident.id) ?? '');
    if (linked) linkedIncidents.push({ incident, linked });
  }
  return {
    fromMs,
    toMs,
    bands: resolveDoraBands(options.bands),
    minSample: { ...DEFAULT_DORA_MIN_SAMPLE, ...options.minSample },
    production,
    shipped: shipChanges(production, options.changes),
    incidents: linkedIncidents,
    failedIds: new Set(links.values()),
  };
}

function computeScoped(
  prepared: Prepared,
  window: DoraWindow,
  scope: Scope,
): DoraMetrics {
  const { bands, minSample, failedIds } = prepared;
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  const inWindow = (ms: number) => ms >= fromMs && ms < toMs;
  const windowed = scope.production.filter(d => inWindow(d.finishedMs));
  const enough = (metric: keyof DoraMinSample, sample: number) =>
    sample > 0 && sample >= minSample[metric];

  // Deployment frequency.
  const days = (toMs - fromMs) / MS_PER_DAY;
  const deployDays = new Set(
    windowed.map(d => new Date(d.finishedMs).toISOString().slice(0, 10)),
  ).size;
  const perDay = windowed.length / days;
  const frequencyEnough = enough('deploymentFrequency', windowed.length);

  // Change lead time: changes follow the deployment that shipped them.
  const leadHours = scope.shipped
    .filter(s => inWindow(s.deployment.finishedMs))
    .map(s => s.leadMs / MS_PER_HOUR);
  const leadMedian = median(leadHours);
  const leadEnough = enough('changeLeadTime', leadHours.length);

  // Change fail rate.
  const failedDeployments = windowed.filter(d => failedIds.has(d.id)).length;
  const failRate = windowed.length
    ? failedDeployments / windowed.length
    : undefined;
  const failEnough = enough('changeFailRate', windowed.length);

  // Failed deployment recovery time: incidents follow their linked deployment.
  const recoveryHours: number[] = [];
  for (const { incident, linked } of scope.incidents) {
    const startedMs = parseTime(incident.startedAt);
    const resolvedMs = parseTime(incident.resolvedAt);
    if (
      startedMs === undefined ||
      resolvedMs === undefined ||
      !inWindow(startedMs)
    ) {
      continue;
    }
    const recoveryMs = resolvedMs - linked.finishedMs;
    // Resolved before the deployment finished: a bad explicit link, not speed.
    if (recoveryMs >= 0) recoveryHours.push(recoveryMs / MS_PER_HOUR);
  }
  const recoveryMedian = median(recoveryHours);
  const recoveryEnough = enough(
    'failedDeploymentRecoveryTime',
    recoveryHours.length,
  );

  // Deployment rework rate.
  const reworkDeployments = windowed.filter(
    d =>
      d.kind === 'rollback' ||
      (d.resolvesIncidentIds !== undefined && d.resolvesIncidentIds.length > 0),
  ).length;
  const reworkRate = windowed.length
    ? reworkDeployments / windowed.length
    : undefined;
  const reworkEnough = enough('deploymentReworkRate', windowed.length);

  return {
    window: { from: window.from, to: window.to },
    deploymentFrequency: {
      perDay,
      deployDaysPerWeek: deployDays / (days / 7),
      sample: windowed.length,
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
      sample: windowed.length,
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
      sample: windowed.length,
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
  const prepared = prepare(options);
  return computeScoped(prepared, options.window, prepared);
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
  const prepared = prepare(options);
  // Each deployment's group is asked once; then every record is dealt to the
  // group of its deployment, so each group's metrics read only its records.
  const scopes = new Map<string, Scope>();
  const keyOf = new Map<Deployment, string | undefined>();
  const scopeOf = (deployment: Deployment) => {
    const key = keyOf.get(deployment);
    return key === undefined ? undefined : scopes.get(key);
  };
  for (const d of prepared.production) {
    const key = groupOf(d);
    keyOf.set(d, key);
    if (key !== undefined && !scopes.has(key)) {
      scopes.set(key, { production: [], shipped: [], incidents: [] });
    }
    if (key !== undefined) scopes.get(key)!.production.push(d);
  }
  for (const s of prepared.shipped) scopeOf(s.deployment)?.shipped.push(s);
  for (const i of prepared.incidents) scopeOf(i.linked)?.incidents.push(i);

  const result = new Map<string, DoraMetrics>();
  for (const key of [...scopes.keys()].sort(compareIds)) {
    const scope = scopes.get(key)!;
    // A group appears when it has a production deployment in the window.
    if (
      scope.production.some(
        d => d.finishedMs >= prepared.fromMs && d.finishedMs < prepared.toMs,
      )
    ) {
      result.set(key, computeScoped(prepared, options.window, scope));
    }
  }
  return result;
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
  const prepared = prepare(options);
  return {
    window: { from: options.window.from, to: options.window.to },
    bucketDays,
    buckets: doraTrendWindows(options.window, bucketDays).map(window => ({
      window,
      metrics: computeScoped(prepared, window, prepared),
    })),
  };
}
