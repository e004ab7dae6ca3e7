/**
 * How the store's ingest rate changes as the events table grows (issue 5,
 * batched ingest ≥ 50,000 events/s). No HTTP and no load generator: the
 * real `DatabaseDoraEventStore.ingestBatch`, called in this process the way
 * the plugin's group commit calls it (10 callers of 500 new deployments per
 * transaction, 30,000 services in turn), from an empty table up to
 * PAVED_BENCH_EVENTS events (default 1,000,000). One line per tenth of the
 * run, with events/s and this process's CPU per event (on PostgreSQL the
 * server's own CPU is not in it).
 *
 * The events are those of load.bench.ts's batched row (new deployments,
 * now, each service in turn), in the store's form, so the two benches'
 * figures compare; lib/doraGenerator's `generateDoraEvents` makes history
 * spread over 90 days instead.
 *
 * A second run per engine drops the `(entity_ref, occurred_at)` index
 * first. It is a diagnosis, not a setup to ship: the plugin reads events by
 * service through that index. Comparing the two shows what its upkeep
 * costs once the table is large, since each new event lands in a different
 * place of it (30,000 services) and a commit rewrites most of its pages.
 *
 * Engines: PAVED_BENCH_ENGINES=sqlite,postgres (default both).
 *
 * Run: `npm run bench -- ingest`
 */
import { DatabaseService } from '@backstage/backend-plugin-api';
import { performance } from 'node:perf_hooks';
import { DatabaseDoraEventStore } from '../plugins/golden-paths-backend/src/database/DatabaseDoraEventStore';
import { DoraEvent } from '../plugins/golden-paths-backend/src/database/DoraEventStore';
import {
  BenchEngine,
  benchEngines,
  createBenchDatabase,
} from './lib/databases';
import { machineInfo, markdownTable } from './lib/report';

const TOTAL = Number(process.env.PAVED_BENCH_EVENTS ?? 1_000_000);
const SERVICES = 30_000;
const CALLERS = 10;
const PER_CALLER = 500;
const PER_COMMIT = CALLERS * PER_CALLER;
const STEPS = 10;

type Step = { upTo: number; eventsPerSecond: number; cpuUsPerEvent: number };

function deployments(
  first: number,
  count: number,
): Array<DoraEvent & { entityRef: string }> {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, k) => {
    const n = first + k;
    const service = n % SERVICES;
    return {
      id: `json:ingest-${n}`,
      kind: 'deployment' as const,
      matchKey: `dora-${service}`,
      entityRef: `component:default/service-${service}`,
      occurredAt: now,
      record: {
        id: `ingest-${n}`,
        environment: 'production',
        finishedAt: now,
        succeeded: true,
        kind: 'deploy' as const,
        changeIds: [`ingest-${n}-change`],
      },
    };
  });
}

async function run(engine: BenchEngine, withEntityIndex: boolean) {
  const db = await createBenchDatabase(engine, 'paved_bench_ingest');
  try {
    const database: DatabaseService = {
      getClient: async () => db.knex,
      migrations: { skip: false },
    };
    const store = await DatabaseDoraEventStore.create({ database });
    if (!withEntityIndex) {
      await db.knex.raw('DROP INDEX golden_paths_dora_events_entity_idx');
    }
    const steps: Step[] = [];
    const stepSize = Math.max(PER_COMMIT, Math.floor(TOTAL / STEPS));
    let stored = 0;
    let started = performance.now();
    let cpu = process.cpuUsage();
    let inStep = 0;
    for (let n = 0; n < TOTAL; n += PER_COMMIT) {
      const batch = Array.from({ length: CALLERS }, (_, c) => ({
        events: deployments(n + c * PER_CALLER, PER_CALLER),
        receivedAt: new Date(),
      }));
      const results = await store.ingestBatch(batch);
      for (const r of results) stored += r.stored;
      inStep += PER_COMMIT;
      if (inStep >= stepSize || n + PER_COMMIT >= TOTAL) {
        const ms = performance.now() - started;
        const used = process.cpuUsage(cpu);
        steps.push({
          upTo: n + PER_COMMIT,
          eventsPerSecond: (inStep / ms) * 1000,
          cpuUsPerEvent: (used.user + used.system) / inStep,
        });
        inStep = 0;
        started = performance.now();
        cpu = process.cpuUsage();
      }
    }
    // Every event was new: a store that skipped some would look fast.
    const [{ count }] = await db
      .knex('golden_paths_dora_events')
      .count({ count: '*' });
    if (stored !== TOTAL || Number(count) !== TOTAL) {
      throw new Error(
        `${engine}: stored ${stored}, ${count} rows, of ${TOTAL} events`,
      );
    }
    return steps;
  } finally {
    await db.drop();
  }
}

async function main() {
  const { engines, postgresVersion, notes } = await benchEngines();
  const rows: string[][] = [];
  for (const engine of engines) {
    for (const withEntityIndex of [true, false]) {
      const steps = await run(engine, withEntityIndex);
      for (const step of steps) {
        rows.push([
          engine,
          withEntityIndex ? 'as shipped' : 'entity index dropped',
          step.upTo.toLocaleString('en-US'),
          Math.round(step.eventsPerSecond).toLocaleString('en-US'),
          step.cpuUsPerEvent.toFixed(1),
        ]);
      }
    }
  }
  const lines = ['## DORA ingest as the table grows', '', ...machineInfo()];
  if (postgresVersion) lines.push(`- PostgreSQL: ${postgresVersion}`);
  lines.push(
    `- \`DatabaseDoraEventStore.ingestBatch\` in this process, ${CALLERS} callers of ${PER_CALLER} new deployments per call, ${SERVICES.toLocaleString(
      'en-US',
    )} services in turn; no HTTP`,
    ...notes.map(n => `- ${n}`),
    '',
    markdownTable(
      [
        'engine',
        'schema',
        'events in the table',
        'events/s',
        'this process CPU µs/event',
      ],
      rows,
    ),
  );
  console.log(lines.join('\n'));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
