import {
  DoraBand,
  DoraMetrics,
} from '@paved/backstage-plugin-golden-paths-common';

/** Sample DORA metrics as the backend serves them, for tests and the dev app. */
export function doraMetrics(
  options: {
    band?: DoraBand;
    deployments?: number;
    from?: string;
    to?: string;
    /** Overrides one metric's fields. */
    overrides?: Partial<{ [K in keyof DoraMetrics]: Partial<DoraMetrics[K]> }>;
  } = {},
): DoraMetrics {
  const band = options.band ?? 'high';
  const deployments = options.deployments ?? 42;
  const enoughData = band !== 'unknown';
  const o = options.overrides ?? {};
  return {
    window: {
      from: options.from ?? '2027-01-01T00:00:00.000Z',
      to: options.to ?? '2027-01-31T00:00:00.000Z',
    },
    deploymentFrequency: {
      sample: deployments,
      enoughData,
      band,
      perDay: deployments / 30,
      deployDaysPerWeek: 3.5,
      ...o.deploymentFrequency,
    },
    changeLeadTime: {
      sample: 17,
      enoughData,
      band,
      medianHours: 20.5,
      ...o.changeLeadTime,
    },
    changeFailRate: {
      sample: deployments,
      enoughData,
      band,
      failedDeployments: 3,
      rate: 3 / deployments,
      ...o.changeFailRate,
    },
    failedDeploymentRecoveryTime: {
      sample: 3,
      enoughData,
      band,
      medianHours: 0.5,
      ...o.failedDeploymentRecoveryTime,
    },
    deploymentReworkRate: {
      sample: deployments,
      enoughData,
      band,
      reworkDeployments: 1,
      rate: 1 / deployments,
      ...o.deploymentReworkRate,
    },
  };
}

/** Sample metrics of a window without a single event. */
export function emptyDoraMetrics(): DoraMetrics {
  return doraMetrics({
    band: 'unknown',
    deployments: 0,
    overrides: {
      deploymentFrequency: { perDay: 0, deployDaysPerWeek: 0 },
      changeLeadTime: { sample: 0, medianHours: undefined },
      changeFailRate: { failedDeployments: 0, rate: undefined },
      failedDeploymentRecoveryTime: { sample: 0, medianHours: undefined },
      deploymentReworkRate: { reworkDeployments: 0, rate: undefined },
    },
  });
}
