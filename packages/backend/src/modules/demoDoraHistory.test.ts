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
          e =>
            e.type === 'deployment' &&
            e.kind === undefined &&
            e.environment === 'production',
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

  it('versions every production deployment, most staged hours before', () => {
    const events = ['payments-api', 'search-indexer'].flatMap(s =>
      demoDoraEvents(s, '2.0.0', now),
    );
    const production = events.filter(
      e => e.type === 'deployment' && e.environment === 'production',
    );
    expect(production.length).toBeGreaterThan(50);
    for (const d of production) {
      expect(d.version).toMatch(/^\d{4}\.\d{1,2}\.\d{1,2}$/);
    }
    const releases = production.filter(d => d.kind === undefined);
    const staged = releases.filter(d => {
      const staging = events.find(
        e =>
          e.environment === 'staging' &&
          e.service === d.service &&
          e.version === d.version,
      );
      if (!staging) return false;
      const hoursBefore =
        (Date.parse(d.finishedAt as string) -
          Date.parse(staging.finishedAt as string)) /
        3_600_000;
      return hoursBefore > 0 && hoursBefore < 24;
    });
    expect(staged.length / releases.length).toBeGreaterThan(0.7);
    expect(staged.length).toBeLessThan(releases.length);

    // A rollback puts back the release before, whatever day history starts.
    const rollbacks = production.filter(d => d.kind === 'rollback');
    expect(rollbacks.length).toBeGreaterThan(0);
    const later = demoDoraEvents(
      'payments-api',
      '2.0.0',
      new Date(now.getTime() + 3 * 86_400_000),
    );
    const mine = rollbacks.filter(e => e.service === 'payments-api');
    const laterIds = new Set(later.map(e => e.id));
    expect(
      later.filter(e => mine.some(r => r.id === e.id)).map(e => e.version),
    ).toEqual(mine.filter(r => laterIds.has(r.id)).map(r => r.version));
    // The release of the rollback's day is the last one; it goes back one.
    const wentBackOne = rollbacks.map(r => {
      const released = releases.filter(
        d =>
          d.service === r.service &&
          Date.parse(d.finishedAt as string) <
            Date.parse(r.finishedAt as string),
      );
      return released.length < 2 || r.version === released.at(-2)!.version;
    });
    expect(wentBackOne.every(Boolean)).toBe(true);
  });
});
