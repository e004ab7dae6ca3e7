import {
  DEFAULT_DORA_BANDS,
  deploymentFrequencyBand,
  durationBand,
  rateBand,
  resolveDoraBands,
} from './doraBands';

describe('deploymentFrequencyBand', () => {
  it.each([
    [2, 'elite'],
    [1, 'elite'],
    [0.99, 'high'],
    [1 / 7, 'high'],
    [0.14, 'medium'],
    [1 / 30, 'medium'],
    [0.033, 'low'],
    [0, 'low'],
  ])('%d per day is %s (thresholds inclusive)', (perDay, band) => {
    expect(
      deploymentFrequencyBand(perDay, DEFAULT_DORA_BANDS.deploymentFrequency),
    ).toBe(band);
  });
});

describe('durationBand', () => {
  it.each([
    ['changeLeadTime', 0, 'elite'],
    ['changeLeadTime', 23.99, 'elite'],
    ['changeLeadTime', 24, 'high'],
    ['changeLeadTime', 168, 'medium'],
    ['changeLeadTime', 720, 'low'],
    ['failedDeploymentRecoveryTime', 0.99, 'elite'],
    ['failedDeploymentRecoveryTime', 1, 'high'],
    ['failedDeploymentRecoveryTime', 24, 'medium'],
    ['failedDeploymentRecoveryTime', 167.9, 'medium'],
    ['failedDeploymentRecoveryTime', 168, 'low'],
  ] as const)(
    '%s of %d hours is %s (thresholds exclusive)',
    (metric, hours, band) => {
      expect(durationBand(hours, DEFAULT_DORA_BANDS[metric])).toBe(band);
    },
  );
});

describe('rateBand', () => {
  it.each([
    ['changeFailRate', 0.05, 'elite'],
    ['changeFailRate', 0.0501, 'high'],
    ['changeFailRate', 0.1, 'high'],
    ['changeFailRate', 0.2, 'medium'],
    ['changeFailRate', 0.2001, 'low'],
    ['deploymentReworkRate', 0.02, 'elite'],
    ['deploymentReworkRate', 0.05, 'high'],
    ['deploymentReworkRate', 0.1, 'medium'],
    ['deploymentReworkRate', 0.11, 'low'],
  ] as const)('%s of %d is %s (thresholds inclusive)', (metric, rate, band) => {
    expect(rateBand(rate, DEFAULT_DORA_BANDS[metric])).toBe(band);
  });
});

describe('resolveDoraBands', () => {
  it('replaces whole metrics and keeps the defaults of the rest', () => {
    const custom = { eliteAtMost: 0.01, highAtMost: 0.02, mediumAtMost: 0.03 };
    const bands = resolveDoraBands({ deploymentReworkRate: custom });
    expect(bands.deploymentReworkRate).toEqual(custom);
    expect(bands.changeFailRate).toBe(DEFAULT_DORA_BANDS.changeFailRate);
  });

  it.each([
    [
      'deploymentFrequency',
      {
        deploymentFrequency: {
          eliteAtLeastPerDay: 0.1,
          highAtLeastPerDay: 1,
          mediumAtLeastPerDay: 0.01,
        },
      },
    ],
    [
      'changeFailRate',
      {
        changeFailRate: { eliteAtMost: 0.1, highAtMost: 0.05, mediumAtMost: 1 },
      },
    ],
    [
      'failedDeploymentRecoveryTime',
      {
        failedDeploymentRecoveryTime: {
          eliteBelowHours: -1,
          highBelowHours: 24,
          mediumBelowHours: 168,
        },
      },
    ],
    [
      'deploymentReworkRate',
      {
        deploymentReworkRate: {
          eliteAtMost: NaN,
          highAtMost: 0.05,
          mediumAtMost: 0.1,
        },
      },
    ],
  ])(
    'refuses %s thresholds out of order or not finite',
    (metric, overrides) => {
      expect(() => resolveDoraBands(overrides)).toThrow(
        `Invalid DORA bands for ${metric}`,
      );
    },
  );
});
