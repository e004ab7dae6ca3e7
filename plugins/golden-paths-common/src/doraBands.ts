/**
 * A DORA performance band. `unknown` means the metric has too small a sample
 * to place it: a band on two deployments would be noise, not a finding.
 *
 * @public
 */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low' | 'unknown';

/**
 * Deployment frequency thresholds, in production deployments per day. A value
 * at or above a threshold reaches that band; below `mediumAtLeastPerDay` is
 * `low`.
 *
 * @public
 */
export type DoraDeploymentFrequencyBands = {
  eliteAtLeastPerDay: number;
  highAtLeastPerDay: number;
  mediumAtLeastPerDay: number;
};

/**
 * Duration thresholds (lead time, recovery time), in hours. A value strictly
 * below a threshold reaches that band, as in DORA's "less than one day"; at or
 * above `mediumBelowHours` is `low`.
 *
 * @public
 */
export type DoraDurationBands = {
  eliteBelowHours: number;
  highBelowHours: number;
  mediumBelowHours: number;
};

/**
 * Rate thresholds (change fail rate, rework rate), as fractions from 0 to 1.
 * A value at or below a threshold reaches that band, as in DORA's "5% or
 * less"; above `mediumAtMost` is `low`.
 *
 * @public
 */
export type DoraRateBands = {
  eliteAtMost: number;
  highAtMost: number;
  mediumAtMost: number;
};

/**
 * Band thresholds for every DORA metric.
 *
 * @public
 */
export type DoraBands = {
  deploymentFrequency: DoraDeploymentFrequencyBands;
  changeLeadTime: DoraDurationBands;
  changeFailRate: DoraRateBands;
  failedDeploymentRecoveryTime: DoraDurationBands;
  deploymentReworkRate: DoraRateBands;
};

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 7 * HOURS_PER_DAY;
/** DORA's "month" for bands; thirty days keeps the thresholds calendar-free. */
const HOURS_PER_MONTH = 30 * HOURS_PER_DAY;

/**
 * Paved's default bands, from the DORA 2024 State of DevOps report's
 * performance clusters as commonly cited:
 *
 * - deployment frequency: elite on demand (at least once a day), high at
 *   least once a week, medium at least once a month (30 days), low less often;
 * - change lead time: elite under a day, high under a week, medium under a
 *   month (30 days), low a month or more;
 * - change fail rate: elite at most 5%, high at most 10%, medium at most 20%,
 *   low above. The 2024 clusters are not monotonic here (high 20%, medium
 *   10%); a threshold table must be, so Paved orders them by rate;
 * - failed deployment recovery time: elite under an hour, high under a day,
 *   medium under a week, low a week or more;
 * - deployment rework rate: elite at most 2%, high at most 5%, medium at most
 *   10%, low above. DORA 2024 introduced this metric without publishing
 *   clusters for it, so these are Paved's own defaults.
 *
 * Override any metric with the `bands` option of `computeDoraMetrics`.
 *
 * @public
 */
export const DEFAULT_DORA_BANDS: DoraBands = Object.freeze({
  deploymentFrequency: Object.freeze({
    eliteAtLeastPerDay: 1,
    highAtLeastPerDay: 1 / 7,
    mediumAtLeastPerDay: 1 / 30,
  }),
  changeLeadTime: Object.freeze({
    eliteBelowHours: HOURS_PER_DAY,
    highBelowHours: HOURS_PER_WEEK,
    mediumBelowHours: HOURS_PER_MONTH,
  }),
  changeFailRate: Object.freeze({
    eliteAtMost: 0.05,
    highAtMost: 0.1,
    mediumAtMost: 0.2,
  }),
  failedDeploymentRecoveryTime: Object.freeze({
    eliteBelowHours: 1,
    highBelowHours: HOURS_PER_DAY,
    mediumBelowHours: HOURS_PER_WEEK,
  }),
  deploymentReworkRate: Object.freeze({
    eliteAtMost: 0.02,
    highAtMost: 0.05,
    mediumAtMost: 0.1,
  }),
});

function assertOrdered(
  metric: string,
  values: [number, number, number],
  direction: 'descending' | 'ascending',
) {
  const ok =
    values.every(v => Number.isFinite(v) && v >= 0) &&
    (direction === 'descending'
      ? values[0] >= values[1] && values[1] >= values[2]
      : values[0] <= values[1] && values[1] <= values[2]);
  if (!ok) {
    throw new Error(
      `Invalid DORA bands for ${metric}: thresholds must be finite, non-negative and ${direction} from elite to medium, got ${values.join(
        ', ',
      )}`,
    );
  }
}

/**
 * The default bands with per-metric overrides applied; an override replaces
 * all three thresholds of its metric. Throws when a metric's thresholds are
 * out of order, since a misordered table would band silently wrong.
 *
 * @public
 */
export function resolveDoraBands(overrides?: Partial<DoraBands>): DoraBands {
  const bands: DoraBands = { ...DEFAULT_DORA_BANDS, ...overrides };
  const f = bands.deploymentFrequency;
  assertOrdered(
    'deploymentFrequency',
    [f.eliteAtLeastPerDay, f.highAtLeastPerDay, f.mediumAtLeastPerDay],
    'descending',
  );
  for (const metric of [
    'changeLeadTime',
    'failedDeploymentRecoveryTime',
  ] as const) {
    const d = bands[metric];
    assertOrdered(
      metric,
      [d.eliteBelowHours, d.highBelowHours, d.mediumBelowHours],
      'ascending',
    );
  }
  for (const metric of ['changeFailRate', 'deploymentReworkRate'] as const) {
    const r = bands[metric];
    assertOrdered(
      metric,
      [r.eliteAtMost, r.highAtMost, r.mediumAtMost],
      'ascending',
    );
  }
  return bands;
}

/**
 * The band of a deployment frequency, in production deployments per day.
 *
 * @public
 */
export function deploymentFrequencyBand(
  perDay: number,
  bands: DoraDeploymentFrequencyBands,
): DoraBand {
  if (perDay >= bands.eliteAtLeastPerDay) return 'elite';
  if (perDay >= bands.highAtLeastPerDay) return 'high';
  if (perDay >= bands.mediumAtLeastPerDay) return 'medium';
  return 'low';
}

/**
 * The band of a duration in hours (change lead time, recovery time).
 *
 * @public
 */
export function durationBand(
  hours: number,
  bands: DoraDurationBands,
): DoraBand {
  if (hours < bands.eliteBelowHours) return 'elite';
  if (hours < bands.highBelowHours) return 'high';
  if (hours < bands.mediumBelowHours) return 'medium';
  return 'low';
}

/**
 * The band of a rate from 0 to 1 (change fail rate, rework rate).
 *
 * @public
 */
export function rateBand(rate: number, bands: DoraRateBands): DoraBand {
  if (rate <= bands.eliteAtMost) return 'elite';
  if (rate <= bands.highAtMost) return 'high';
  if (rate <= bands.mediumAtMost) return 'medium';
  return 'low';
}
