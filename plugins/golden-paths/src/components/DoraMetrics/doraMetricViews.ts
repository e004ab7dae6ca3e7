import {
  DoraBand,
  DoraMetricSample,
  DoraMetrics,
} from '@paved/backstage-plugin-golden-paths-common';

/** The five metrics, in the order DORA lists them. */
export type DoraMetricKey =
  | 'deploymentFrequency'
  | 'changeLeadTime'
  | 'changeFailRate'
  | 'failedDeploymentRecoveryTime'
  | 'deploymentReworkRate';

/** How one metric reads to a person: its name, its value, what its sample counts. */
export type DoraMetricView = {
  key: DoraMetricKey;
  title: string;
  /** What the chart's axis measures. */
  unit: string;
  /** The number charted, or undefined when there is nothing to chart. */
  value: (metrics: DoraMetrics) => number | undefined;
  /** The value in words, e.g. `0.8 per day · 4 deploy days/week`. */
  describe: (metrics: DoraMetrics) => string;
  /** What the sample size counts, singular and plural. */
  sampleNoun: [string, string];
  /** Whether a lower value is better (durations, rates). */
  lowerIsBetter: boolean;
};

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Hours as a person says them: minutes under an hour, days beyond two. */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${round(hours, 1)} h`;
  return `${round(hours / 24, 1)} days`;
}

/** A rate between 0 and 1 as a percentage with at most one decimal. */
export function formatRate(rate: number): string {
  return `${round(rate * 100, 1)}%`;
}

/** The five metrics, with how each is read and charted. */
export const DORA_METRIC_VIEWS: readonly DoraMetricView[] = [
  {
    key: 'deploymentFrequency',
    title: 'Deployment frequency',
    unit: 'deployments per day',
    value: m => m.deploymentFrequency.perDay,
    describe: m =>
      `${round(m.deploymentFrequency.perDay, 2)} per day · ${round(
        m.deploymentFrequency.deployDaysPerWeek,
        1,
      )} deploy days/week`,
    sampleNoun: ['deployment', 'deployments'],
    lowerIsBetter: false,
  },
  {
    key: 'changeLeadTime',
    title: 'Change lead time',
    unit: 'median hours',
    value: m => m.changeLeadTime.medianHours,
    describe: m =>
      m.changeLeadTime.medianHours === undefined
        ? 'No change shipped'
        : `${formatHours(m.changeLeadTime.medianHours)} median`,
    sampleNoun: ['change', 'changes'],
    lowerIsBetter: true,
  },
  {
    key: 'changeFailRate',
    title: 'Change fail rate',
    unit: 'percent of deployments',
    value: m =>
      m.changeFailRate.rate === undefined
        ? undefined
        : round(m.changeFailRate.rate * 100, 1),
    describe: m =>
      m.changeFailRate.rate === undefined
        ? 'No deployment'
        : `${formatRate(m.changeFailRate.rate)} (${
            m.changeFailRate.failedDeployments
          } failed)`,
    sampleNoun: ['deployment', 'deployments'],
    lowerIsBetter: true,
  },
  {
    key: 'failedDeploymentRecoveryTime',
    title: 'Failed deployment recovery time',
    unit: 'median hours',
    value: m => m.failedDeploymentRecoveryTime.medianHours,
    describe: m =>
      m.failedDeploymentRecoveryTime.medianHours === undefined
        ? 'No incident resolved'
        : `${formatHours(m.failedDeploymentRecoveryTime.medianHours)} median`,
    sampleNoun: ['incident', 'incidents'],
    lowerIsBetter: true,
  },
  {
    key: 'deploymentReworkRate',
    title: 'Deployment rework rate',
    unit: 'percent of deployments',
    value: m =>
      m.deploymentReworkRate.rate === undefined
        ? undefined
        : round(m.deploymentReworkRate.rate * 100, 1),
    describe: m =>
      m.deploymentReworkRate.rate === undefined
        ? 'No deployment'
        : `${formatRate(m.deploymentReworkRate.rate)} (${
            m.deploymentReworkRate.reworkDeployments
          } rework)`,
    sampleNoun: ['deployment', 'deployments'],
    lowerIsBetter: true,
  },
];

/** The sample part of one metric. */
export function sampleOf(
  metrics: DoraMetrics,
  key: DoraMetricKey,
): DoraMetricSample {
  return metrics[key];
}

/** `n = 42 deployments`. */
export function describeSample(view: DoraMetricView, sample: number): string {
  return `n = ${sample} ${view.sampleNoun[sample === 1 ? 0 : 1]}`;
}

/** A band as a word; colour is never the only signal. */
export function bandLabel(band: DoraBand): string {
  switch (band) {
    case 'elite':
      return 'Elite';
    case 'high':
      return 'High';
    case 'medium':
      return 'Medium';
    case 'low':
      return 'Low';
    default:
      return 'No band';
  }
}

/** True when the window saw no deployment, change or incident at all. */
export function hasNoEvents(metrics: DoraMetrics): boolean {
  return (
    metrics.deploymentFrequency.sample === 0 &&
    metrics.changeLeadTime.sample === 0 &&
    metrics.failedDeploymentRecoveryTime.sample === 0
  );
}
