import request from 'supertest';
import { API } from './backend';

const HOUR = 60 * 60 * 1000;
const at = (day: number, hour = 0) =>
  new Date(Date.UTC(2026, 10, day) + hour * HOUR).toISOString();

/**
 * A month of realistic DORA events for the reliability catalog: payments
 * (plain JSON, by DORA id), search (CDEvents, by GitHub slug) and ledger
 * (plain JSON, team-b), with changes shipped by deployments, failed and
 * staging deployments, a rollback, and incidents detected and resolved by
 * separate events, one of them linked to its deployment explicitly.
 * Deterministic ids, so a redelivery is recognisable.
 */
export function doraHistory(): object[] {
  const events: object[] = [];
  const plain = (service: string, event: object) =>
    events.push({ service, ...event });
  for (const [service, prefix, offset] of [
    ['payments-id', 'p', 0],
    ['ledger-id', 'l', 1],
  ] as const) {
    for (let week = 0; week < 4; week++) {
      const day = 2 + week * 7 + offset;
      plain(service, {
        id: `${prefix}-c${week}`,
        type: 'change',
        firstCommitAt: at(day - 1, 9),
        mergedAt: at(day, 10),
      });
      plain(service, {
        id: `${prefix}-d${week}`,
        type: 'deployment',
        environment: 'production',
        finishedAt: at(day + 1, 14),
        succeeded: true,
        changeIds: [`${prefix}-c${week}`],
      });
      plain(service, {
        id: `${prefix}-s${week}`,
        type: 'deployment',
        environment: 'staging',
        finishedAt: at(day, 18),
        succeeded: true,
      });
    }
    plain(service, {
      id: `${prefix}-failed`,
      type: 'deployment',
      environment: 'production',
      finishedAt: at(20 + offset, 9),
      succeeded: false,
    });
    // An incident opened and resolved by two events, in any order.
    plain(service, {
      id: `${prefix}-i1-open`,
      incidentId: `${prefix}-i1`,
      type: 'incident',
      startedAt: at(10 + offset, 16),
    });
    plain(service, {
      id: `${prefix}-i1-resolved`,
      incidentId: `${prefix}-i1`,
      type: 'incident',
      startedAt: at(10 + offset, 16),
      resolvedAt: at(10 + offset, 21),
    });
    plain(service, {
      id: `${prefix}-rollback`,
      type: 'deployment',
      kind: 'rollback',
      environment: 'production',
      finishedAt: at(10 + offset, 20),
      succeeded: true,
    });
    plain(service, {
      id: `${prefix}-i2`,
      type: 'incident',
      startedAt: at(24 + offset, 8),
      resolvedAt: at(24 + offset, 12),
      deploymentId: `${prefix}-d3`,
    });
  }

  const cd = (id: string, type: string, time: string, subject: object) =>
    events.push({
      specversion: '1.0',
      id,
      source: 'argo',
      type,
      data: { context: { id, source: 'argo', type, timestamp: time }, subject },
    });
  for (let n = 0; n < 6; n++) {
    const day = 3 + n * 4;
    cd(`search-m${n}`, 'dev.cdevents.change.merged.0.2.0', at(day, 11), {
      id: `pr-${n}`,
      content: { repository: { id: 'acme/search' } },
    });
    cd(`search-d${n}`, 'dev.cdevents.service.deployed.0.2.0', at(day, 17), {
      id: 'acme/search',
      content: { environment: { id: 'prod' } },
    });
  }
  cd('search-inc', 'dev.cdevents.incident.detected.0.1.0', at(16, 2), {
    id: 'search-inc-1',
    content: { service: { id: 'acme/search' } },
  });
  cd('search-inc-fixed', 'dev.cdevents.incident.resolved.0.1.0', at(16, 5), {
    id: 'search-inc-1',
    content: { service: { id: 'acme/search' } },
  });
  cd('search-rb', 'dev.cdevents.service.rolledback.0.2.0', at(16, 4), {
    id: 'acme/search',
    content: { environment: { id: 'prod' } },
  });
  // A service the catalog does not know: kept, unmatched.
  plain('not-in-catalog', {
    id: 'x-d1',
    type: 'deployment',
    environment: 'production',
    finishedAt: at(12),
    succeeded: true,
  });
  return events;
}

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
export function shuffled<T>(items: T[], seed: number): T[] {
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

/** Cuts a list into batches of 1 to `max` events, sizes from the seed. */
export function batches<T>(items: T[], seed: number, max = 7): T[][] {
  const sizes = shuffled(
    Array.from({ length: items.length }, (_, i) => (i % max) + 1),
    seed,
  );
  const result: T[][] = [];
  for (let i = 0, k = 0; i < items.length; k++) {
    result.push(items.slice(i, i + sizes[k]));
    i += sizes[k];
  }
  return result;
}

type Server = Parameters<typeof request>[0];

/**
 * What a user would see of the events: the metrics of every service, of
 * each team, and the unmatched list.
 */
export async function observedMetrics(server: Server, auth: string) {
  const paths = [
    '/dora?owner=team-a',
    '/dora?owner=team-b',
    '/dora?entityRef=component:default/payments',
    '/dora?entityRef=component:default/search',
    '/dora?entityRef=component:default/ledger',
    '/dora?owner=team-a&from=2026-11-10&to=2026-11-20',
    '/events/unmatched',
  ];
  const result: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await request(server)
      .get(`${API}${path}`)
      .set('Authorization', auth);
    expect([path, res.status]).toEqual([path, 200]);
    result[path] = res.body;
  }
  return result;
}
