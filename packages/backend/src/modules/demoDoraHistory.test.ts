import { demoDoraEvents } from './demoDoraHistory';

describe('demoDoraEvents', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('is the same history on every start, with unique ids', () => {
    const first = demoDoraEvents('payments-api', '1.0.0', now);
    expect(demoDoraEvents('payments-api', '1.0.0', now)).toEqual(first);
    const ids = first.map(e => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // A later start adds the new days and repeats the rest with the same ids.
    const tomorrow = demoDoraEvents(
      'payments-api',
      '1.0.0',
      new Date(now.getTime() + 86_400_000),
    );
    const overlap = tomorrow.filter(e => ids.includes(e.id as string));
    expect(overlap.length).toBeGreaterThan(ids.length * 0.8);
  });

  it('makes services on newer golden-path versions deliver more often, faster', () => {
    const deploys = (version?: string) =>
      ['a', 'b', 'c', 'd'].flatMap(s =>
        demoDoraEvents(`svc-${s}`, version, now).filter(
          e => e.type === 'deployment' && e.kind === undefined,
        ),
      ).length;
    expect(deploys('2.0.0')).toBeGreaterThan(deploys('1.1.0'));
    expect(deploys('1.1.0')).toBeGreaterThan(deploys('1.0.0'));
    expect(deploys('1.0.0')).toBeGreaterThan(deploys(undefined));
  });

  it('only produces events inside the last 90 days and incidents already resolved', () => {
    for (const event of demoDoraEvents('search-indexer', '2.0.0', now)) {
      const times = ['finishedAt', 'mergedAt', 'startedAt', 'resolvedAt']
        .map(k => event[k])
        .filter(Boolean)
        .map(t => Date.parse(t as string));
      for (const t of times) {
        expect(t).toBeLessThanOrEqual(now.getTime());
        expect(t).toBeGreaterThan(now.getTime() - 92 * 86_400_000);
      }
    }
  });
});
