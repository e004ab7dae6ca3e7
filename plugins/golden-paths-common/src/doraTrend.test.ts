import {
  computeDoraMetrics,
  computeDoraTrend,
  DeploymentRecord,
  IncidentRecord,
} from './dora';
import { countDoraTrendBuckets, doraTrendWindows } from './doraTrend';

const SVC = 'component:default/payments';

describe('doraTrendWindows', () => {
  it('tiles the window with whole buckets and a shorter last one', () => {
    const window = {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-17T00:00:00.000Z',
    };
    expect(doraTrendWindows(window, 7)).toEqual([
      { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' },
      { from: '2026-11-08T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z' },
      { from: '2026-11-15T00:00:00.000Z', to: '2026-11-17T00:00:00.000Z' },
    ]);
    expect(countDoraTrendBuckets(window, 7)).toBe(3);
    expect(doraTrendWindows(window, 16)).toEqual([window]);
    expect(doraTrendWindows(window, 92)).toEqual([window]);
  });

  it('refuses bad bucket lengths, empty windows and too many buckets', () => {
    const window = {
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-12-31T00:00:00.000Z',
    };
    expect(() => doraTrendWindows(window, 0)).toThrow(/bucketDays/);
    expect(() => doraTrendWindows(window, 1.5)).toThrow(/bucketDays/);
    expect(countDoraTrendBuckets(window, 1)).toBe(364);
    expect(() => doraTrendWindows(window, 1)).toThrow(/364 buckets/);
    expect(doraTrendWindows(window, 4)).toHaveLength(91);
    expect(() =>
      doraTrendWindows({ from: window.to, to: window.from }, 7),
    ).toThrow(/must be before/);
  });
});

describe('computeDoraTrend', () => {
  const deploy = (id: string, finishedAt: string): DeploymentRecord => ({
    id,
    entityRef: SVC,
    environment: 'production',
    finishedAt,
    succeeded: true,
    kind: 'deploy',
  });
  // d1 (week 1) causes i1, which starts in week 2: the link crosses buckets.
  const deployments = [
    deploy('d1', '2026-11-02T12:00:00Z'),
    deploy('d2', '2026-11-03T12:00:00Z'),
    deploy('d3', '2026-11-10T12:00:00Z'),
  ];
  const incidents: IncidentRecord[] = [
    {
      id: 'i1',
      entityRef: SVC,
      startedAt: '2026-11-09T00:00:00Z',
      resolvedAt: '2026-11-09T06:00:00Z',
    },
  ];
  const window = {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-11-15T00:00:00.000Z',
  };

  it('equals computeDoraMetrics over each bucket, links across buckets included', () => {
    const trend = computeDoraTrend(
      { deployments, changes: [], incidents, window },
      7,
    );
    expect(trend.window).toEqual(window);
    expect(trend.bucketDays).toBe(7);
    expect(trend.buckets.map(b => b.window)).toEqual(
      doraTrendWindows(window, 7),
    );
    for (const bucket of trend.buckets) {
      expect(bucket.metrics).toEqual(
        computeDoraMetrics({
          deployments,
          changes: [],
          incidents,
          window: bucket.window,
        }),
      );
    }
    const [week1, week2] = trend.buckets.map(b => b.metrics);
    expect(week1.deploymentFrequency.sample).toBe(2);
    // i1 links to d2 (the latest before it), which is in week 1.
    expect(week1.changeFailRate.failedDeployments).toBe(1);
    expect(week2.deploymentFrequency.sample).toBe(1);
    expect(week2.changeFailRate.failedDeployments).toBe(0);
    // Recovery counts where the incident started (week 2): 09T06 − 03T12 = 138 h.
    expect(week2.failedDeploymentRecoveryTime).toMatchObject({
      medianHours: 138,
      sample: 1,
    });
  });
});
