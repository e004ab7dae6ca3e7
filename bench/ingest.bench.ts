/**
 * How the store's ingest rate changes as the events table grows (issue 5,
 * batched ingest ≥ 50,000 events/s). No HTTP and no load generator: the
 * real `DatabaseDoraEventStore.ingestBatch`, called in this process the way
 * the plugin's group commit calls it (10 callers of 500 new deployments per
 * transaction, 30,000 services in turn; PAVED_BENCH_CALLERS and
 * PAVED_BENCH_PER_CALLER change that), from an empty table up to
 * PAVED_BENCH_EVENTS events (default 1,000,000). One line per tenth of the
 * run, with events/s and this process's CPU per event (on PostgreSQL the
 * server's own CPU is not in it).
 *
 * The events are those of load.bench.ts's batched row (new deployments,
 * now, each service in turn), in the store's form, so the two benches'
 * figures compare; lib/doraGenerator's `generateDoraEvents` makes history
 * spread over 90 days instead.
 *
 * The store keeps new events in a small table and moves them into the
 * large one in bulk, sorted by service, once PAVED_BENCH_MOVE_AT of them
 * are recent (default the store's own, 200,000; a list runs once per value).
 * A run with `PAVED_BENCH_MOVE_AT=never` moves none, so every event stays in
 * one table that grows as the shipped table did before the moves: each new
 * event lands at its own place of its `(entity_ref, occurred_at)` index
 * (30,000 services), and a commit rewrites most of that index's pages.
 * Moves run inside the timed ingest calls, as they do in the plugin.
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
import { envNumbers } from './lib/env';
import { machineInfo, markdownTable } from './lib/report';

const TOTAL = Number(process.env.PAVED_BENCH_EVENTS ?? 1_000_000);
const SERVICES = 30_000;
const [CALLERS] = envNumbers('PAVED_BENCH_CALLERS', '10');
const [PER_CALLER] = envNumbers('PAVED_BENCH_PER_CALLER', '500');
const PER_COMMIT = CALLERS * PER_CALLER;
const STEPS = 10;
/** Recent events that make a move due, per run; Infinity never moves. */
const MOVE_AT: number[] = (process.env.PAVED_BENCH_MOVE_AT ?? '200000')
  .split(',')
  .flatMap(part =>
    part.trim() === 'never'
      ? [Infinity]
      : envNumbers('PAVED_BENCH_MOVE_AT', part),
  );

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

async function run(engine: BenchEngine, moveEventsAt: number) {
  const db = await createBenchDatabase(engine, 'paved_bench_ingest');
  try {
    const database: DatabaseService = {
      getClient: async () => db.knex,
      migrations: { skip: false },
    };
    const store = await DatabaseDoraEventStore.create({
      database,
      moveEventsAt,
    });
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
      .knex('golden_paths_dora_all_events')
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
    for (const moveAt of MOVE_AT) {
      const steps = await run(engine, moveAt);
      for (const step of steps) {
        rows.push([
          engine,
          Number.isFinite(moveAt)
            ? moveAt.toLocaleString('en-US')
            : 'never (one table)',
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
        'moved at (recent events)',
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
