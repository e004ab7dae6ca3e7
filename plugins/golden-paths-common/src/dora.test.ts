import {
  ChangeRecord,
  computeDoraMetrics,
  computeDoraMetricsByGroup,
  computeDoraMetricsByGroupFromFacts,
  computeDoraMetricsFromFacts,
  ComputeDoraMetricsOptions,
  computeDoraTrend,
  computeDoraTrendFromFacts,
  DeploymentRecord,
  doraFacts,
  DoraFacts,
  doraWindowEndingAt,
  DoraWindow,
  IncidentRecord,
  linkIncidents,
} from './dora';

const SVC = 'component:default/payments';
const OTHER = 'component:default/ledger';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** `days` after the start of January 2026, as ISO. */
function at(days: number, hours = 0): string {
  return new Date(T0 + days * DAY + hours * HOUR).toISOString();
}

/** January 1 (inclusive) to January 31 (exclusive): 30 days. */
const WINDOW: DoraWindow = { from: at(0), to: at(30) };

function deploy(
  id: string,
  finishedAt: string,
  extra: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  return {
    id,
    entityRef: SVC,
    environment: 'production',
    finishedAt,
    succeeded: true,
    kind: 'deploy',
    ...extra,
  };
}

function change(
  id: string,
  mergedAt: string,
  extra: Partial<ChangeRecord> = {},
): ChangeRecord {
  return { id, entityRef: SVC, mergedAt, ...extra };
}

function incident(
  id: string,
  startedAt: string,
  extra: Partial<IncidentRecord> = {},
): IncidentRecord {
  return { id, entityRef: SVC, startedAt, ...extra };
}

function metrics(options: Partial<ComputeDoraMetricsOptions>) {
  return computeDoraMetrics({
    deployments: [],
    changes: [],
    incidents: [],
    ...options,
    window: options.window ?? WINDOW,
  });
}

/** `n` production deployments, one every `everyHours` from day 1. */
function deploys(n: number, everyHours = 24, prefix = 'd'): DeploymentRecord[] {
  return Array.from({ length: n }, (_, i) =>
    deploy(`${prefix}${i}`, at(1, i * everyHours)),
  );
}

/** mulberry32: a tiny seeded PRNG so the shuffles are repeatable. */
function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

describe('deployment frequency', () => {
  it.each<{
    name: string;
    deployments: DeploymentRecord[];
    window?: DoraWindow;
    perDay: number;
    deployDaysPerWeek: number;
    sample: number;
    band: string;
  }>([
    {
      name: 'one a day is elite',
      deployments: Array.from({ length: 30 }, (_, i) => deploy(`d${i}`, at(i))),
      perDay: 1,
      deployDaysPerWeek: 7,
      sample: 30,
      band: 'elite',
    },
    {
      name: 'six deployments on three days is high',
      deployments: [
        deploy('a', at(2, 1)),
        deploy('b', at(2, 5)),
        deploy('c', at(9, 1)),
        deploy('d', at(9, 2)),
        deploy('e', at(9, 3)),
        deploy('f', at(20)),
      ],
      perDay: 6 / 30,
      deployDaysPerWeek: 3 / (30 / 7),
      sample: 6,
      band: 'high',
    },
    {
      name: 'one in thirty days is exactly the medium threshold',
      deployments: [deploy('a', at(3))],
      perDay: 1 / 30,
      deployDaysPerWeek: 7 / 30,
      sample: 1,
      band: 'medium',
    },
    {
      name: 'one in thirty-one days is low',
      deployments: [deploy('a', at(3))],
      window: { from: at(0), to: at(31) },
      perDay: 1 / 31,
      deployDaysPerWeek: 7 / 31,
      sample: 1,
      band: 'low',
    },
    {
      name: 'none is not enough data, not low',
      deployments: [],
      perDay: 0,
      deployDaysPerWeek: 0,
      sample: 0,
      band: 'unknown',
    },
    {
      name: 'failed attempts and other environments do not count',
      deployments: [
        deploy('ok', at(1)),
        deploy('failed', at(2), { succeeded: false }),
        deploy('staging', at(3), { environment: 'staging' }),
        deploy('upper', at(4), { environment: ' PROD ' }),
      ],
      perDay: 2 / 30,
      deployDaysPerWeek: 14 / 30,
      sample: 2,
      band: 'medium',
    },
  ])('$name', ({ deployments, window, ...expected }) => {
    const { deploymentFrequency } = metrics({ deployments, window });
    expect(deploymentFrequency.perDay).toBeCloseTo(expected.perDay, 12);
    expect(deploymentFrequency.deployDaysPerWeek).toBeCloseTo(
      expected.deployDaysPerWeek,
      12,
    );
    expect(deploymentFrequency.sample).toBe(expected.sample);
    expect(deploymentFrequency.band).toBe(expected.band);
    expect(deploymentFrequency.enoughData).toBe(expected.band !== 'unknown');
  });

  it('counts from inclusive and to exclusive', () => {
    const { deploymentFrequency } = metrics({
      deployments: [
        deploy('before', new Date(T0 - 1).toISOString()),
        deploy('at-from', WINDOW.from),
        deploy('last-ms', new Date(Date.parse(WINDOW.to) - 1).toISOString()),
        deploy('at-to', WINDOW.to),
      ],
    });
    expect(deploymentFrequency.sample).toBe(2);
  });

  it('honours custom production environments', () => {
    const { deploymentFrequency } = metrics({
      deployments: [
        deploy('a', at(1), { environment: 'live' }),
        deploy('b', at(2)),
      ],
      productionEnvironments: ['live'],
    });
    expect(deploymentFrequency.sample).toBe(1);
  });
});

describe('change lead time', () => {
  it.each<{
    name: string;
    deployments: DeploymentRecord[];
    changes: ChangeRecord[];
    medianHours: number | undefined;
    sample: number;
  }>([
    {
      name: "the deployment's change list decides over the first deployment after the merge",
      deployments: [
        deploy('next', at(2)),
        deploy('listed', at(3), { changeIds: ['c1'] }),
      ],
      changes: [change('c1', at(1), { firstCommitAt: at(0, 12) })],
      medianHours: 2.5 * 24,
      sample: 1,
    },
    {
      name: 'the earliest listing deployment ships it',
      deployments: [
        deploy('second', at(5), { changeIds: ['c1'] }),
        deploy('first', at(4), { changeIds: ['c1', 'c2'] }),
      ],
      changes: [change('c1', at(1), { firstCommitAt: at(1) })],
      medianHours: 3 * 24,
      sample: 1,
    },
    {
      name: 'otherwise the first successful production deployment after the merge',
      deployments: [
        deploy('before-merge', at(1)),
        deploy('failed', at(1, 2), { succeeded: false }),
        deploy('staging', at(1, 3), { environment: 'staging' }),
        deploy('other-service', at(1, 4), { entityRef: OTHER }),
        deploy('rollback', at(1, 5), { kind: 'rollback' }),
        deploy('lists-others', at(1, 6), { changeIds: ['c9'] }),
        deploy('ships', at(1, 7)),
        deploy('later', at(1, 8)),
      ],
      changes: [change('c1', at(1, 1), { firstCommitAt: at(1) })],
      medianHours: 7,
      sample: 1,
    },
    {
      name: 'falls back to the merge without a first commit',
      deployments: [deploy('ships', at(2))],
      changes: [change('c1', at(1, 20))],
      medianHours: 4,
      sample: 1,
    },
    {
      name: 'an even count takes the mean of the two middle values',
      deployments: [
        deploy('d1', at(2, 1), { changeIds: ['a'] }),
        deploy('d2', at(2, 2), { changeIds: ['b'] }),
        deploy('d4', at(2, 4), { changeIds: ['c'] }),
        deploy('d10', at(2, 10), { changeIds: ['d'] }),
      ],
      changes: ['a', 'b', 'c', 'd'].map(id => change(id, at(2))),
      medianHours: 3,
      sample: 4,
    },
    {
      name: 'counts changes by the deployment that shipped them',
      deployments: [
        deploy('in-window', at(0, 1)),
        deploy('after-window', at(30, 1), { changeIds: ['late'] }),
      ],
      changes: [
        change('merged-before-window', at(-3), { firstCommitAt: at(-4) }),
        change('late', at(29)),
      ],
      medianHours: 4 * 24 + 1,
      sample: 1,
    },
    {
      name: 'a change never shipped does not count',
      deployments: [deploy('old', at(1))],
      changes: [change('pending', at(2))],
      medianHours: undefined,
      sample: 0,
    },
  ])('$name', ({ deployments, changes, medianHours, sample }) => {
    const { changeLeadTime } = metrics({ deployments, changes });
    expect(changeLeadTime.medianHours).toBe(medianHours);
    expect(changeLeadTime.sample).toBe(sample);
  });

  it.each([
    [23, 'elite'],
    [24, 'high'],
    [24 * 7, 'medium'],
    [24 * 30 - 1, 'medium'],
    [24 * 30, 'low'],
  ])('a median of %d hours is %s', (hours, band) => {
    const { changeLeadTime } = metrics({
      deployments: [deploy('ships', at(0, hours + 1))],
      changes: ['a', 'b', 'c'].map(id => change(id, at(0, 1))),
      // Long enough that a month-long lead time still ships inside it.
      window: { from: at(0), to: at(60) },
    });
    expect(changeLeadTime).toEqual({
      medianHours: hours,
      sample: 3,
      enoughData: true,
      band,
    });
  });
});

describe('linkIncidents', () => {
  const deployments = [
    deploy('old', at(1)),
    deploy('latest', at(2)),
    deploy('failed', at(2, 1), { succeeded: false }),
    deploy('staging', at(2, 2), { environment: 'staging' }),
    deploy('other-service', at(2, 3), { entityRef: OTHER }),
    deploy('same-instant', at(3)),
  ];

  it.each<[string, IncidentRecord, string | undefined]>([
    [
      'explicit wins over the implicit rule',
      incident('i', at(2, 5), { deploymentId: 'old' }),
      'old',
    ],
    [
      'explicit wins even for a deployment not ingested',
      incident('i', at(2, 5), { deploymentId: 'unknown' }),
      'unknown',
    ],
    [
      'implicit: the latest successful production deployment before the start',
      incident('i', at(2, 5)),
      'latest',
    ],
    [
      'a deployment finishing as the incident starts is not before it',
      incident('i', at(3)),
      'latest',
    ],
    [
      'none before the start leaves it unlinked',
      incident('i', at(0)),
      undefined,
    ],
    [
      "another service's deployments never link",
      incident('i', at(5), { entityRef: 'component:default/unknown' }),
      undefined,
    ],
  ])('%s', (_, record, expected) => {
    expect(linkIncidents(deployments, [record]).get('i')).toBe(expected);
  });

  it('breaks ties between equal finishes by id, whatever the order', () => {
    const tied = [deploy('b', at(1)), deploy('a', at(1))];
    const incidents = [incident('i', at(2))];
    expect(linkIncidents(tied, incidents).get('i')).toBe('b');
    expect(linkIncidents([...tied].reverse(), incidents).get('i')).toBe('b');
  });
});

describe('change fail rate', () => {
  it.each<{
    name: string;
    deployments: DeploymentRecord[];
    incidents: IncidentRecord[];
    failed: number;
    rate: number | undefined;
    band: string;
  }>([
    {
      name: 'one implicitly linked deployment in twenty is elite (5% inclusive)',
      deployments: deploys(20),
      incidents: [incident('i1', at(1, 1))],
      failed: 1,
      rate: 0.05,
      band: 'elite',
    },
    {
      name: 'two in ten is medium (20% inclusive)',
      deployments: deploys(10),
      incidents: [
        incident('i1', at(1, 1)),
        incident('i2', at(3), { deploymentId: 'd5' }),
      ],
      failed: 2,
      rate: 0.2,
      band: 'medium',
    },
    {
      name: 'two incidents on one deployment fail it once',
      deployments: deploys(10),
      incidents: [
        incident('i1', at(1, 1)),
        incident('i2', at(1, 2), { deploymentId: 'd0' }),
      ],
      failed: 1,
      rate: 0.1,
      band: 'high',
    },
    {
      name: 'an incident after the window still fails a deployment inside it',
      deployments: [...deploys(4), deploy('last', at(29, 23))],
      incidents: [incident('i1', at(30, 2))],
      failed: 1,
      rate: 0.2,
      band: 'medium',
    },
    {
      name: 'a deployment before the window does not count',
      deployments: [deploy('before', at(-1)), ...deploys(5, 24, 'w')],
      incidents: [incident('i1', at(0, 1))],
      failed: 0,
      rate: 0,
      band: 'elite',
    },
    {
      name: 'three in ten is low',
      deployments: deploys(10),
      incidents: ['d1', 'd2', 'd3'].map(id =>
        incident(`i-${id}`, at(9), { deploymentId: id }),
      ),
      failed: 3,
      rate: 0.3,
      band: 'low',
    },
    {
      name: 'no deployments has no rate',
      deployments: [],
      incidents: [incident('i1', at(2))],
      failed: 0,
      rate: undefined,
      band: 'unknown',
    },
  ])('$name', ({ deployments, incidents, failed, rate, band }) => {
    const { changeFailRate } = metrics({ deployments, incidents });
    expect(changeFailRate.failedDeployments).toBe(failed);
    expect(changeFailRate.rate).toBe(rate);
    expect(changeFailRate.band).toBe(band);
  });
});

describe('failed deployment recovery time', () => {
  it.each<{
    name: string;
    deployments: DeploymentRecord[];
    incidents: IncidentRecord[];
    medianHours: number | undefined;
    sample: number;
    band: string;
  }>([
    {
      name: 'resolved − the failed deployment finish, not − the incident start',
      deployments: [deploy('d', at(2))],
      incidents: [incident('i', at(2, 0.25), { resolvedAt: at(2, 0.5) })],
      medianHours: 0.5,
      sample: 1,
      band: 'elite',
    },
    {
      name: 'explicit links measure from the named deployment',
      deployments: [deploy('a', at(2)), deploy('b', at(3))],
      incidents: [
        incident('i', at(3, 1), { resolvedAt: at(3, 2), deploymentId: 'a' }),
      ],
      medianHours: 26,
      sample: 1,
      band: 'medium',
    },
    {
      name: 'even count: mean of the middle two; open and out-of-window incidents left out',
      deployments: [deploy('old', at(-2)), deploy('d', at(5))],
      incidents: [
        incident('i1', at(5, 1), { resolvedAt: at(5, 1) }),
        incident('i2', at(5, 1), { resolvedAt: at(5, 2) }),
        incident('i3', at(5, 1), { resolvedAt: at(5, 4) }),
        incident('i4', at(5, 1), { resolvedAt: at(6) }),
        incident('open', at(5, 1)),
        incident('started-before', at(-1), { resolvedAt: at(1) }),
        incident('unlinked', at(1), {
          entityRef: OTHER,
          resolvedAt: at(2),
        }),
      ],
      medianHours: 3,
      sample: 4,
      band: 'high',
    },
    {
      name: 'a week or more is low',
      deployments: [deploy('d', at(1))],
      incidents: [incident('i', at(1, 1), { resolvedAt: at(8) })],
      medianHours: 24 * 7,
      sample: 1,
      band: 'low',
    },
    {
      name: 'no incidents is not enough data',
      deployments: [deploy('d', at(1))],
      incidents: [],
      medianHours: undefined,
      sample: 0,
      band: 'unknown',
    },
  ])('$name', ({ deployments, incidents, ...expected }) => {
    const { failedDeploymentRecoveryTime } = metrics({
      deployments,
      incidents,
    });
    expect(failedDeploymentRecoveryTime.medianHours).toBe(expected.medianHours);
    expect(failedDeploymentRecoveryTime.sample).toBe(expected.sample);
    expect(failedDeploymentRecoveryTime.band).toBe(expected.band);
  });
});

describe('deployment rework rate', () => {
  it.each<{
    name: string;
    extra: DeploymentRecord[];
    rework: number;
    rate: number;
    band: string;
  }>([
    {
      name: 'planned deployments only is elite',
      extra: [],
      rework: 0,
      rate: 0,
      band: 'elite',
    },
    {
      name: 'a rollback counts as rework',
      extra: [deploy('rb', at(12), { kind: 'rollback' })],
      rework: 1,
      rate: 1 / 20,
      band: 'high',
    },
    {
      name: 'a deployment made to resolve an incident counts as rework',
      extra: [deploy('fix', at(12), { resolvesIncidentIds: ['i1'] })],
      rework: 1,
      rate: 1 / 20,
      band: 'high',
    },
    {
      name: 'both, plus a failed rollback that changed nothing',
      extra: [
        deploy('rb', at(12), { kind: 'rollback' }),
        deploy('fix', at(13), { resolvesIncidentIds: ['i1'] }),
        deploy('rb-failed', at(14), { kind: 'rollback', succeeded: false }),
      ],
      rework: 2,
      rate: 2 / 21,
      band: 'medium',
    },
  ])('$name', ({ extra, rework, rate, band }) => {
    const deployments = [...deploys(20 - Math.min(extra.length, 1)), ...extra];
    const { deploymentReworkRate } = metrics({ deployments });
    expect(deploymentReworkRate.reworkDeployments).toBe(rework);
    expect(deploymentReworkRate.rate).toBeCloseTo(rate, 12);
    expect(deploymentReworkRate.band).toBe(band);
  });

  it('an empty resolvesIncidentIds list is not rework', () => {
    const { deploymentReworkRate } = metrics({
      deployments: [deploy('d', at(1), { resolvesIncidentIds: [] })],
    });
    expect(deploymentReworkRate.reworkDeployments).toBe(0);
  });
});

describe('not enough data', () => {
  it('reports values with band unknown below the default minimum samples', () => {
    const result = metrics({
      deployments: [
        deploy('d1', at(1), { changeIds: ['c1'] }),
        deploy('d2', at(2), { changeIds: ['c2'] }),
        deploy('rb', at(3), { kind: 'rollback' }),
        deploy('d4', at(4)),
      ],
      changes: [change('c1', at(0, 20)), change('c2', at(1, 20))],
      incidents: [incident('i', at(1, 1))],
    });
    expect(result.changeLeadTime).toEqual({
      medianHours: 4,
      sample: 2,
      enoughData: false,
      band: 'unknown',
    });
    expect(result.changeFailRate).toEqual({
      failedDeployments: 1,
      rate: 0.25,
      sample: 4,
      enoughData: false,
      band: 'unknown',
    });
    expect(result.deploymentReworkRate).toEqual({
      reworkDeployments: 1,
      rate: 0.25,
      sample: 4,
      enoughData: false,
      band: 'unknown',
    });
    // One deployment and one incident are enough for these two.
    expect(result.deploymentFrequency.enoughData).toBe(true);
    expect(result.failedDeploymentRecoveryTime.sample).toBe(0);
    expect(result.failedDeploymentRecoveryTime.band).toBe('unknown');
  });

  it('takes minimum samples per metric', () => {
    const result = metrics({
      deployments: deploys(4),
      minSample: { changeFailRate: 4, deploymentFrequency: 5 },
    });
    expect(result.changeFailRate.enoughData).toBe(true);
    expect(result.changeFailRate.band).toBe('elite');
    expect(result.deploymentFrequency.enoughData).toBe(false);
    expect(result.deploymentFrequency.band).toBe('unknown');
    expect(result.deploymentReworkRate.enoughData).toBe(false);
  });

  it('a minimum of zero still needs one event for a band', () => {
    const result = metrics({ minSample: { changeFailRate: 0 } });
    expect(result.changeFailRate).toEqual({
      failedDeployments: 0,
      rate: undefined,
      sample: 0,
      enoughData: false,
      band: 'unknown',
    });
  });
});

describe('bands option', () => {
  it('overrides one metric and keeps the defaults of the others', () => {
    const result = metrics({
      deployments: deploys(10),
      incidents: [incident('i', at(1, 1))],
      bands: {
        changeFailRate: { eliteAtMost: 0, highAtMost: 0.1, mediumAtMost: 0.5 },
      },
    });
    expect(result.changeFailRate.band).toBe('high');
    expect(result.deploymentReworkRate.band).toBe('elite');
  });

  it('refuses thresholds out of order', () => {
    expect(() =>
      metrics({
        bands: {
          changeLeadTime: {
            eliteBelowHours: 48,
            highBelowHours: 24,
            mediumBelowHours: 720,
          },
        },
      }),
    ).toThrow(/Invalid DORA bands for changeLeadTime/);
  });
});

describe('duplicates and order', () => {
  const deployments: DeploymentRecord[] = [
    deploy('d1', at(1), { changeIds: ['c1'] }),
    deploy('d2', at(2)),
    deploy('d3', at(3), { kind: 'rollback' }),
    deploy('d4', at(4), { resolvesIncidentIds: ['i1'] }),
    deploy('d5', at(5), { entityRef: OTHER }),
    deploy('d6', at(6)),
    deploy('d7', at(6)),
    deploy('d8', at(7), { succeeded: false }),
    deploy('d9', at(8), { environment: 'staging' }),
    deploy('d10', at(9)),
  ];
  const changes: ChangeRecord[] = [
    change('c1', at(0, 12), { firstCommitAt: at(0) }),
    change('c2', at(1, 12)),
    change('c3', at(5, 1), { firstCommitAt: at(5) }),
    change('c4', at(4, 12), { entityRef: OTHER }),
    change('c5', at(8, 12)),
  ];
  const incidents: IncidentRecord[] = [
    incident('i1', at(2, 3), { resolvedAt: at(4, 1) }),
    incident('i2', at(6, 2), { resolvedAt: at(6, 5) }),
    incident('i3', at(5, 2), { entityRef: OTHER, resolvedAt: at(5, 3) }),
    incident('i4', at(9, 1), { deploymentId: 'd6' }),
  ];
  const input = { deployments, changes, incidents };

  it('gives identical output for shuffled input', () => {
    const expected = metrics(input);
    for (let seed = 1; seed <= 20; seed++) {
      expect(
        metrics({
          deployments: seededShuffle(deployments, seed),
          changes: seededShuffle(changes, seed + 100),
          incidents: seededShuffle(incidents, seed + 200),
        }),
      ).toEqual(expected);
    }
  });

  it('hand-computed values for the shared fixture', () => {
    // Production deployments: d1 d2 d3 d4 d5 d6 d7 d10 (8); failed d8 and
    // staging d9 are out. Incidents link i1→d2, i2→d7 (tie at day 6: greater
    // id), i3→d5, i4→d6: four failed. Rework: d3 (rollback), d4 (fix).
    // Lead times: c1 day 0 → d1 day 1 = 24h; c2 day 1.5 → d2 day 2 = 12h;
    // c3 day 5 → d6 day 6 (d5 is another service) = 24h; c4 (ledger) day 4.5
    // → d5 day 5 = 12h; c5 day 8.5 → d10 day 9 = 12h. Median 12h.
    // Recovery: i1 d2 day 2 → day 4 +1h = 49h; i2 d7 day 6 → +5h = 5h;
    // i3 d5 day 5 → +3h = 3h; i4 open. Median 5h.
    const result = metrics(input);
    expect(result.deploymentFrequency.sample).toBe(8);
    expect(result.changeFailRate.failedDeployments).toBe(4);
    expect(result.changeFailRate.rate).toBe(0.5);
    expect(result.deploymentReworkRate.reworkDeployments).toBe(2);
    expect(result.changeLeadTime.medianHours).toBe(12);
    expect(result.changeLeadTime.sample).toBe(5);
    expect(result.failedDeploymentRecoveryTime.medianHours).toBe(5);
    expect(result.failedDeploymentRecoveryTime.sample).toBe(3);
  });

  it('counts an event delivered twice once', () => {
    const twice = metrics({
      deployments: [...deployments, ...deployments],
      changes: [...changes, ...changes],
      incidents: [...incidents, ...incidents],
    });
    expect(twice).toEqual(metrics(input));
  });

  it('gives the ungrouped metrics for one group holding every deployment', () => {
    const groups = computeDoraMetricsByGroup(
      { ...input, window: WINDOW },
      () => 'all',
    );
    expect([...groups.keys()]).toEqual(['all']);
    expect(groups.get('all')).toEqual(metrics(input));
  });

  it('splits every sample across groups without losing or counting twice', () => {
    const total = metrics(input);
    const groups = [
      ...computeDoraMetricsByGroup(
        {
          deployments: [...deployments, ...deployments],
          changes: seededShuffle(changes, 7),
          incidents: [...incidents, ...incidents],
          window: WINDOW,
        },
        d => d.entityRef,
      ).values(),
    ];
    const sum = (pick: (m: typeof total) => number) =>
      groups.reduce((n, m) => n + pick(m), 0);
    expect(groups.length).toBeGreaterThan(1);
    expect(sum(m => m.deploymentFrequency.sample)).toBe(
      total.deploymentFrequency.sample,
    );
    expect(sum(m => m.changeLeadTime.sample)).toBe(total.changeLeadTime.sample);
    expect(sum(m => m.changeFailRate.failedDeployments)).toBe(
      total.changeFailRate.failedDeployments,
    );
    expect(sum(m => m.failedDeploymentRecoveryTime.sample)).toBe(
      total.failedDeploymentRecoveryTime.sample,
    );
    expect(sum(m => m.deploymentReworkRate.reworkDeployments)).toBe(
      total.deploymentReworkRate.reworkDeployments,
    );
  });

  it('keeps the resolved copy of an incident whichever arrives first', () => {
    const open = incident('i', at(1, 1));
    const resolved = { ...open, resolvedAt: at(1, 3) };
    for (const order of [
      [open, resolved],
      [resolved, open],
    ]) {
      const { failedDeploymentRecoveryTime } = metrics({
        deployments: [deploy('d', at(1))],
        incidents: order,
      });
      expect(failedDeploymentRecoveryTime.medianHours).toBe(3);
    }
  });
  describe('facts', () => {
    const ofService = (ref: string) => ({
      deployments: deployments.filter(d => d.entityRef === ref),
      changes: changes.filter(c => c.entityRef === ref),
      incidents: incidents.filter(i => i.entityRef === ref),
    });
    const concat = (...all: DoraFacts[]): DoraFacts => ({
      deployments: all.flatMap(f => f.deployments),
      leadTimes: all.flatMap(f => f.leadTimes),
      recoveries: all.flatMap(f => f.recoveries),
    });

    it('hand-computed facts for the shared fixture', () => {
      const facts = doraFacts(input);
      const hours = (ms: number) => ms / HOUR;
      expect(
        facts.deployments.map(d => [
          d.entityRef === SVC ? 'svc' : 'other',
          (d.finishedMs - T0) / DAY,
          d.failed,
          d.rework,
        ]),
      ).toEqual([
        ['svc', 1, false, false],
        ['svc', 2, true, false],
        ['svc', 3, false, true],
        ['svc', 4, false, true],
        ['other', 5, true, false],
        ['svc', 6, true, false],
        ['svc', 6, true, false],
        ['svc', 9, false, false],
      ]);
      expect(
        facts.leadTimes
          .map(l => [(l.deployedMs - T0) / DAY, hours(l.leadMs)])
          .sort((a, b) => a[0] - b[0]),
      ).toEqual([
        [1, 24],
        [2, 12],
        [5, 12],
        [6, 24],
        [9, 12],
      ]);
      expect(
        facts.recoveries.map(r => hours(r.recoveryMs)).sort((a, b) => a - b),
      ).toEqual([3, 5, 49]);
    });

    it('do not depend on the window: any window gives what the records give', () => {
      const facts = doraFacts(input);
      for (const window of [
        WINDOW,
        { from: at(2), to: at(6) },
        { from: at(5, 12), to: at(40) },
        { from: at(-30), to: at(1) },
      ]) {
        expect(computeDoraMetricsFromFacts(facts, { window })).toEqual(
          computeDoraMetrics({ ...input, window }),
        );
      }
    });

    it('of each service, put together, give the metrics of all services', () => {
      const together = concat(
        doraFacts(ofService(SVC)),
        doraFacts(ofService(OTHER)),
      );
      expect(computeDoraMetricsFromFacts(together, { window: WINDOW })).toEqual(
        metrics(input),
      );
      expect(
        computeDoraMetricsByGroupFromFacts(
          together,
          { window: WINDOW },
          ref => ref,
        ),
      ).toEqual(
        computeDoraMetricsByGroup(
          { ...input, window: WINDOW },
          d => d.entityRef,
        ),
      );
    });

    it('give the trend the records give, bucket by bucket', () => {
      const options = { ...input, window: { from: at(0), to: at(10) } };
      expect(computeDoraTrendFromFacts(doraFacts(input), options, 3)).toEqual(
        computeDoraTrend(options, 3),
      );
    });

    it('take bands and minimum samples when counted', () => {
      const result = computeDoraMetricsFromFacts(doraFacts(input), {
        window: WINDOW,
        minSample: { changeLeadTime: 6 },
      });
      expect(result.changeLeadTime.sample).toBe(5);
      expect(result.changeLeadTime.band).toBe('unknown');
      expect(() =>
        computeDoraMetricsFromFacts(doraFacts(input), {
          window: { from: at(3), to: at(3) },
        }),
      ).toThrow('Invalid DORA window');
    });
  });
});

describe('computeDoraMetricsByGroup', () => {
  it('links incidents against every deployment, then counts them per group', () => {
    const deployments = [
      deploy('v1', at(5), { templateVersion: '1.0.0' }),
      deploy('v2', at(10), { templateVersion: '2.0.0' }),
      deploy('unknown', at(11), { entityRef: OTHER }),
    ];
    const incidents = [incident('i', at(10, 2), { resolvedAt: at(10, 4) })];
    const groups = computeDoraMetricsByGroup(
      { deployments, changes: [], incidents, window: WINDOW },
      d => d.templateVersion,
    );
    expect([...groups.keys()]).toEqual(['1.0.0', '2.0.0']);
    expect(groups.get('1.0.0')!.changeFailRate.failedDeployments).toBe(0);
    expect(groups.get('2.0.0')!.changeFailRate.failedDeployments).toBe(1);
    expect(groups.get('2.0.0')!.failedDeploymentRecoveryTime.medianHours).toBe(
      4,
    );
    expect(groups.get('1.0.0')!.failedDeploymentRecoveryTime.sample).toBe(0);
  });

  it('leaves out a group whose production deployments are all outside the window', () => {
    const groups = computeDoraMetricsByGroup(
      {
        deployments: [
          deploy('before', at(-40), { templateVersion: '0.9.0' }),
          deploy('inside', at(5), { templateVersion: '1.0.0' }),
        ],
        changes: [],
        incidents: [],
        window: WINDOW,
      },
      d => d.templateVersion,
    );
    expect([...groups.keys()]).toEqual(['1.0.0']);
  });
});

describe('windows', () => {
  it('builds a 30-day window ending at a given instant', () => {
    expect(doraWindowEndingAt('2026-01-31T00:00:00.000Z')).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-31T00:00:00.000Z',
    });
    expect(doraWindowEndingAt('2026-01-31T00:00:00.000Z', 7).from).toBe(
      '2026-01-24T00:00:00.000Z',
    );
  });

  it('refuses empty, inverted and unparseable windows', () => {
    for (const window of [
      { from: at(1), to: at(1) },
      { from: at(2), to: at(1) },
      { from: 'yesterday', to: at(1) },
    ]) {
      expect(() => metrics({ window })).toThrow(/Invalid DORA window/);
    }
    expect(() => doraWindowEndingAt('soon')).toThrow(/Invalid DORA window/);
  });
});
