import { Entity } from '@backstage/catalog-model';
import { DoraEvent } from '../../plugins/golden-paths-backend/src/database/DoraEventStore';
import {
  GeneratedCatalog,
  generateCatalog,
  seededRandom,
} from './catalogGenerator';

/**
 * Seeded DORA data for the benchmarks. The reference organisation has
 * 30k services, 1,000,000 production deployments, 100k incidents and 2M
 * changes; {@link generateDoraEvents} keeps those ratios for any number of
 * deployments: per deployment two changes (each with a first commit), and one
 * incident per ten deployments.
 */
export type DoraCatalog = GeneratedCatalog & {
  /** `paved.dev/dora-id` of each Component, in the order of `componentRefs`. */
  doraIds: string[];
};

/**
 * The compliance benchmark's catalog (templates, provenance, 60 groups, one
 * owning 500 services), with an `ownedBy` relation on each Component, as the
 * catalog adds it (owner queries filter on it), and a `paved.dev/dora-id`,
 * so events name services the way pipelines do.
 */
export function generateDoraCatalog(services: number): DoraCatalog {
  const catalog = generateCatalog(services);
  const doraIds: string[] = [];
  const entities = catalog.entities.map((entity): Entity => {
    if (entity.kind !== 'Component') return entity;
    const owner = String(entity.spec?.owner);
    const doraId = `dora-${entity.metadata.name}`;
    doraIds.push(doraId);
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'paved.dev/dora-id': doraId,
        },
      },
      relations: [
        {
          type: 'ownedBy',
          targetRef: owner.includes(':') ? owner : `group:default/${owner}`,
        },
      ],
    };
  });
  return { ...catalog, entities, doraIds };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What {@link generateDoraEvents} produced, by kind. */
export type DoraEventCounts = {
  deployments: number;
  changes: number;
  incidents: number;
};

/**
 * Generates, in chunks (so millions of events never sit in memory at once),
 * the store's events for deployments `[from, to)` of a seeded sequence:
 * deployment `n` of a run is the same whatever the chunking, so a dataset can
 * be grown from 100k to 1M deployments by generating `[100k, 1M)`. Each
 * deployment goes to a service picked uniformly at random, at a time spread
 * uniformly over the `days` before `now`; 5% fail, 3% are rollbacks.
 */
export function* generateDoraEvents(options: {
  entityRefs: string[];
  from: number;
  to: number;
  now: Date;
  days: number;
  chunk?: number;
}): Generator<Array<DoraEvent & { entityRef: string }>> {
  const { entityRefs, now, days } = options;
  const chunk = options.chunk ?? 5_000;
  const end = now.getTime();
  for (let start = options.from; start < options.to; start += chunk) {
    const events: Array<DoraEvent & { entityRef: string }> = [];
    for (let n = start; n < Math.min(start + chunk, options.to); n++) {
      // One seeded stream per deployment keeps deployment n stable.
      const random = seededRandom(n * 7919 + 17);
      const entityRef =
        entityRefs[Math.floor(random() * entityRefs.length)].toLowerCase();
      const finished = end - Math.floor(random() * days * DAY);
      const changeIds = [`bench-c-${n}-a`, `bench-c-${n}-b`];
      for (const id of changeIds) {
        const merged = finished - Math.floor((1 + random() * 47) * HOUR);
        const firstCommit = merged - Math.floor((1 + random() * 71) * HOUR);
        events.push({
          id: `json:${id}`,
          kind: 'change',
          entityRef,
          matchKey: entityRef,
          occurredAt: new Date(merged).toISOString(),
          record: {
            id,
            mergedAt: new Date(merged).toISOString(),
            firstCommitAt: new Date(firstCommit).toISOString(),
          },
        });
      }
      const id = `bench-d-${n}`;
      const roll = random();
      events.push({
        id: `json:${id}`,
        kind: 'deployment',
        entityRef,
        matchKey: entityRef,
        occurredAt: new Date(finished).toISOString(),
        record: {
          id,
          environment: 'production',
          finishedAt: new Date(finished).toISOString(),
          succeeded: roll >= 0.05,
          kind: roll >= 0.05 && roll < 0.08 ? 'rollback' : 'deploy',
          changeIds,
        },
      });
      if (n % 10 === 0) {
        const started = finished + Math.floor((0.5 + random() * 12) * HOUR);
        const resolved = started + Math.floor((0.5 + random() * 24) * HOUR);
        const incident = `bench-i-${n}`;
        events.push({
          id: `json:${incident}`,
          kind: 'incident',
          entityRef,
          matchKey: entityRef,
          occurredAt: new Date(resolved).toISOString(),
          record: {
            id: incident,
            startedAt: new Date(started).toISOString(),
            resolvedAt: new Date(resolved).toISOString(),
            deploymentId: id,
          },
        });
      }
    }
    yield events;
  }
}

/** How many events of each kind deployments `[from, to)` make. */
export function doraEventCounts(from: number, to: number): DoraEventCounts {
  const incidents = Math.ceil(to / 10) - Math.ceil(from / 10);
  return { deployments: to - from, changes: 2 * (to - from), incidents };
}

/**
 * A production deployment in the plain JSON form of `POST /events`, for
 * ingest over HTTP: a fresh id, a service by its dora id, a recent time.
 */
export function plainDeployment(
  id: string,
  doraId: string,
  finishedAt: Date,
): Record<string, unknown> {
  return {
    id,
    type: 'deployment',
    service: doraId,
    environment: 'production',
    finishedAt: finishedAt.toISOString(),
    succeeded: true,
    changeIds: [`${id}-change`],
  };
}
