/**
 * DORA ingest and queries at scale (issue 5, speed section). Targets: ingest
 * ≥ 5,000 events/s as single events and ≥ 50,000 events/s batched, over
 * loopback HTTP; `GET /dora` p95 ≤ 50 ms per service, ≤ 250 ms per team of
 * 500 services, ≤ 2 s for the org-wide per-template-version breakdown, at the
 * reference size of 30k services, 1M production deployments, 100k incidents
 * and 2M changes; cost linear in events (100k, 1M, 3M deployments).
 *
 * For each engine (SQLite on a temp file, PostgreSQL in `paved_bench_dora`,
 * dropped at the end): starts the real plugin with `startTestBackend` on that
 * database and an in-memory catalog of 30k services (lib/doraGenerator), runs
 * the compliance sweep through `POST /admin/sweep` (the template-version
 * breakdown reads its rows), then for each size, in increasing order, grows
 * the events table to that many deployments (and their changes and
 * incidents) through the real `DatabaseDoraEventStore.ingest`, times working
 * out the facts of every service the load made stale (`DoraService.refreshFacts`,
 * what the plugin's background task runs), and times each query over HTTP
 * next to the bare SQL aggregate of the facts it reads, on the same data.
 * Last, on the largest table, ingest through `POST /events` of the plugin
 * served by a process of its own (lib/loadServer.ts): single events from 50
 * concurrent callers, then batches of 1,000 from 10, sent by autocannon in a
 * worker thread (lib/workerClient.ts); the events stored are counted in the
 * table, and the server process's CPU time is read before and after.
 *
 * Sizes: PAVED_BENCH_SIZES=100k,1m,3m (deployments; default 100k,300k).
 * Engines: PAVED_BENCH_ENGINES=sqlite,postgres (default both).
 * Services: PAVED_BENCH_SERVICES (default 30000); for ingest,
 * PAVED_BENCH_INGEST_SERVICES (default 30000). Ingest volume:
 * PAVED_BENCH_SINGLE_EVENTS (default 30000), PAVED_BENCH_BATCHES (default 200).
 * Profiles: PAVED_BENCH_PROFILE=/tmp/profiles writes the ingest server's CPU
 * profile of each ingest row to that folder.
 *
 * Run: `npm run bench -- dora`
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_PRODUCTION_ENVIRONMENTS } from '@paved/backstage-plugin-golden-paths-common';
import { ComplianceStore } from '../plugins/golden-paths-backend/src/database/ComplianceStore';
import { DoraService } from '../plugins/golden-paths-backend/src/services/DoraService';
import { startBenchPlugin } from './lib/benchPlugin';
import { Knex } from 'knex';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseDoraEventStore } from '../plugins/golden-paths-backend/src/database/DatabaseDoraEventStore';
import { seededRandom } from './lib/catalogGenerator';
import {
  BenchDatabase,
  BenchEngine,
  benchEngines,
  createBenchDatabase,
  percentile,
} from './lib/databases';
import {
  DoraCatalog,
  doraEventCounts,
  generateDoraCatalog,
  generateDoraEvents,
  plainDeployment,
} from './lib/doraGenerator';
import { machineInfo, markdownTable, runBench } from './lib/report';
import { formatMs } from './lib/timing';
import { startServerProcess } from './lib/serverProcess';
import { WorkerClient } from './lib/workerClient';

const SIZES = (process.env.PAVED_BENCH_SIZES ?? '100k,300k')
  .split(',')
  .map(parseSize)
  .sort((a, b) => a - b);
const SERVICES = Number(process.env.PAVED_BENCH_SERVICES ?? 30_000);
// Deployments spread over a year; the default window is the last 30 days.
const DAYS = 365;
// The view of both event tables (recent and moved).
const TABLE = 'golden_paths_dora_all_events';
const FACTS = 'golden_paths_dora_facts';
const WINDOW_MS = 30 * 24 * 3_600_000;
const SINGLE_EVENTS = Number(process.env.PAVED_BENCH_SINGLE_EVENTS ?? 30_000);
const BATCHES = Number(process.env.PAVED_BENCH_BATCHES ?? 200);
const BATCH = 1000;
const CONCURRENCY = 50;
const BATCH_CALLERS = 10;
const INGEST_SERVICES = Number(
  process.env.PAVED_BENCH_INGEST_SERVICES ?? 30_000,
);
const PROFILE_DIR = process.env.PAVED_BENCH_PROFILE;

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`PAVED_BENCH_SIZES: cannot read ${text}`);
  const unit = { '': 1, k: 1_000, m: 1_000_000 }[m[2].toLowerCase()]!;
  return Math.round(Number(m[1]) * unit);
}

const sizeLabel = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);

type QueryRow = {
  engine: BenchEngine;
  deployments: number;
  rows: number;
  query: string;
  target: number;
  http: number[];
  sql: number[];
  detail: string;
};
type LoadRow = {
  engine: BenchEngine;
  deployments: number;
  rows: number;
  ms: number;
  stale: number;
  factsMs: number;
  factRows: number;
};
type IngestRow = {
  engine: BenchEngine;
  tableRows: number;
  mode: string;
  events: number;
  stored: number;
  errors: number;
  ms: number;
  /** The server process's CPU time (user + system) over the round. */
  serverCpuMicros: number;
  latencies: number[];
  target: number;
};

const authorization = `Bearer ${mockCredentials.user.token()}`;

async function getJson(url: string) {
  const res = await fetch(url, { headers: { authorization } }).catch(error =>
    // After minutes of loading, the server may close an idle keep-alive
    // connection just as it is reused: that GET is sent again, once.
    error?.cause?.code === 'ECONNRESET'
      ? fetch(url, { headers: { authorization } })
      : Promise.reject(error),
  );
  const body = await res.json();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

/** The facts a query reads for these services and window, counted by kind. */
function bareAggregate(
  knex: Knex,
  window: { from: Date; to: Date },
  entityRefs?: string[],
) {
  const q = knex(FACTS)
    .select('kind')
    .count({ n: '*' })
    .where('at_ms', '>=', window.from.getTime())
    .where('at_ms', '<', window.to.getTime())
    .groupBy('kind');
  return entityRefs ? q.whereIn('entity_ref', entityRefs) : q;
}

/** The same, per template version: joined with the sweep's rows. */
function bareAggregateByVersion(knex: Knex, window: { from: Date; to: Date }) {
  return knex(`${FACTS} as f`)
    .join('golden_paths_compliance as c', 'c.entity_ref', 'f.entity_ref')
    .select('c.template_ref', 'c.current_version', 'f.kind')
    .count({ n: '*' })
    .whereNotNull('c.template_ref')
    .whereNotNull('c.current_version')
    .where('f.at_ms', '>=', window.from.getTime())
    .where('f.at_ms', '<', window.to.getTime())
    .groupBy('c.template_ref', 'c.current_version', 'f.kind');
}

async function benchEngine(
  engine: BenchEngine,
  catalog: DoraCatalog,
  out: {
    loads: LoadRow[];
    queries: QueryRow[];
    ingest: IngestRow[];
    errors: string[];
  },
) {
  const db: BenchDatabase = await createBenchDatabase(
    engine,
    'paved_bench_dora',
  );
  const backend = await startBenchPlugin(catalog.entities, db.knex);
  let stopBackend: () => Promise<void> = () => backend.stop();
  try {
    let base = `http://127.0.0.1:${backend.server.port()}/api/golden-paths`;
    const sweep = await fetch(`${base}/admin/sweep`, {
      method: 'POST',
      headers: { authorization },
    });
    if (!sweep.ok)
      throw new Error(`sweep: ${sweep.status} ${await sweep.text()}`);
    const store = new DatabaseDoraEventStore(db.knex);
    // The plugin's own fact refresh, as its background task runs it.
    const dora = new DoraService({
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
      events: store,
      compliance: {} as ComplianceStore,
      config: { productionEnvironments: DEFAULT_PRODUCTION_ENVIRONMENTS },
    });
    const now = new Date();
    const window = { from: new Date(now.getTime() - WINDOW_MS), to: now };
    const random = seededRandom(11);
    const anyService = () =>
      catalog.componentRefs[
        Math.floor(random() * catalog.componentRefs.length)
      ];
    const team = catalog.entities
      .filter(e => e.relations?.[0]?.targetRef === catalog.bigOwner.ref)
      .map(e => `component:default/${e.metadata.name}`);
    if (team.length !== catalog.bigOwner.services) {
      throw new Error(
        `team of ${team.length}, expected ${catalog.bigOwner.services}`,
      );
    }

    let loaded = 0;
    let rows = 0;
    for (const size of SIZES) {
      process.stderr.write(
        `dora bench: ${engine}, loading ${sizeLabel(size)} deployments…\n`,
      );
      const [ms] = await timed(async () => {
        for (const chunk of generateDoraEvents({
          entityRefs: catalog.componentRefs,
          from: loaded,
          to: size,
          now,
          days: DAYS,
        })) {
          const { stored } = await store.ingest(chunk, now);
          if (stored !== chunk.length) {
            throw new Error(`stored ${stored} of ${chunk.length}`);
          }
        }
      });
      const c = doraEventCounts(loaded, size);
      const stale = (await store.listStale()).length;
      const [factsMs, refreshed] = await timed(() => dora.refreshFacts());
      if (refreshed !== stale) {
        throw new Error(`refreshed ${refreshed} of ${stale} stale services`);
      }
      const [{ n: factRows }] = await db.knex(FACTS).count({ n: '*' });
      out.loads.push({
        engine,
        deployments: size,
        rows: c.deployments + c.changes + c.incidents,
        ms,
        stale,
        factsMs,
        factRows: Number(factRows),
      });
      loaded = size;
      const [{ n }] = await db.knex(TABLE).count({ n: '*' });
      rows = Number(n);
      if (engine === 'postgres') {
        await db.knex.raw('ANALYZE golden_paths_dora_events');
        await db.knex.raw('ANALYZE golden_paths_dora_recent_events');
        await db.knex.raw(`ANALYZE ${FACTS}`);
      }

      process.stderr.write(
        `dora bench: ${engine}, ${sizeLabel(size)}: queries…\n`,
      );
      const large = size > 1_000_000;
      const queries: Array<{
        query: string;
        target: number;
        runs: number;
        url: () => string;
        sql: () => Promise<unknown>;
        check: (body: any) => string;
      }> = [
        {
          query: 'per service (`?entityRef=`)',
          target: 50,
          runs: 200,
          url: () =>
            `${base}/dora?entityRef=${encodeURIComponent(anyService())}`,
          sql: () => bareAggregate(db.knex, window, [anyService()]),
          check: b =>
            `${b.metrics.deploymentFrequency.sample} deployments in window (last run)`,
        },
        {
          query: `per team (\`?owner=\`, ${team.length} services)`,
          target: 250,
          runs: large ? 10 : 30,
          url: () =>
            `${base}/dora?owner=${encodeURIComponent(catalog.bigOwner.ref)}`,
          sql: () => bareAggregate(db.knex, window, team),
          check: b => {
            if (b.entityRefs.length !== team.length) {
              throw new Error(
                `owner query covered ${b.entityRefs.length} services`,
              );
            }
            return `${b.metrics.deploymentFrequency.sample} deployments in window`;
          },
        },
        {
          query: 'org-wide per template version (`?groupBy=templateVersion`)',
          target: 2000,
          runs: large ? 3 : 5,
          url: () => `${base}/dora?groupBy=templateVersion`,
          sql: () => bareAggregateByVersion(db.knex, window),
          check: b => {
            const deployments = b.groups.reduce(
              (sum: number, g: any) =>
                sum + g.metrics.deploymentFrequency.sample,
              0,
            );
            if (b.groups.length === 0)
              throw new Error('no template-version groups');
            return `${b.groups.length} groups, ${deployments} deployments in window`;
          },
        },
      ];
      for (const q of queries) {
        let detail = '';
        const http: number[] = [];
        const sql: number[] = [];
        // One warm-up each, untimed.
        detail = q.check(await getJson(q.url()));
        await q.sql();
        for (let i = 0; i < q.runs; i++) {
          const [ms1, body] = await timed(() => getJson(q.url()));
          http.push(ms1);
          if (i === q.runs - 1) detail = q.check(body);
          const [ms2] = await timed(() => q.sql());
          sql.push(ms2);
        }
        out.queries.push({
          engine,
          deployments: size,
          rows,
          query: q.query,
          target: q.target,
          http,
          sql,
          detail,
        });
      }
    }

    // Ingest over loopback HTTP, into the largest table, spread over the
    // first INGEST_SERVICES services of the whole catalog (indexed lookups,
    // see lib/indexedCatalog.ts).
    process.stderr.write(`dora bench: ${engine}: ingest…\n`);
    await stopBackend();
    stopBackend = async () => {};
    // The server of this phase is a process of its own (lib/loadServer.ts),
    // as in load.bench.ts: this process's heap holds the bench's catalog,
    // results and request bodies, whose garbage collection would otherwise
    // be the server's. Its catalog must hold the dora ids the events name,
    // the first INGEST_SERVICES of this one: otherwise every event would be
    // stored unmatched, a cheaper path than the one measured. The sweep's
    // rows are in the database already.
    const served = generateDoraCatalog(INGEST_SERVICES).doraIds;
    if (
      served.length !== INGEST_SERVICES ||
      served.some((id, i) => id !== catalog.doraIds[i])
    ) {
      throw new Error(
        `PAVED_BENCH_INGEST_SERVICES: the ingest server's catalog of ${INGEST_SERVICES} services is not the first ${INGEST_SERVICES} of the bench's ${catalog.doraIds.length}`,
      );
    }
    const server = await startServerProcess(INGEST_SERVICES, db.connection, {
      sweep: false,
    });
    stopBackend = server.stop;
    base = `http://127.0.0.1:${server.port}/api/golden-paths`;
    const idPrefix = `ingest-${engine}-${Date.now()}`;
    const recent = (i: number) => new Date(now.getTime() - (i % 1000) * 60_000);
    // The client runs in a worker thread (lib/workerClient.ts), so the
    // server's event loop is its own, as in load.bench.ts.
    const client = new WorkerClient(new URL(base), authorization);
    const storedWith = async (prefix: string) => {
      const [{ n }] = await db
        .knex(TABLE)
        .where('id', 'like', `%${prefix}%`)
        .count({ n: '*' });
      return Number(n);
    };
    const posts = (count: number, bodyOf: (i: number) => unknown) =>
      Array.from({ length: count }, (_, i) => ({
        path: '/events',
        method: 'POST' as const,
        body: JSON.stringify(bodyOf(i)),
      }));
    const runIngest = async (
      mode: string,
      requests: number,
      concurrency: number,
      bodyOf: (i: number) => unknown,
      eventsPer: number,
      target: number,
      prefix: string,
    ) => {
      const bodies = posts(requests, bodyOf);
      const cpuBefore = await server.cpuMicros(PROFILE_DIR && 'start');
      const { samples, errors, seconds, firstError } = await client.fire(
        bodies,
        concurrency,
      );
      const serverCpu =
        (await server.cpuMicros(
          PROFILE_DIR &&
            path.resolve(
              PROFILE_DIR,
              `dora-${engine}-ingest-${out.ingest.length + 1}.cpuprofile`,
            ),
        )) - cpuBefore;
      out.ingest.push({
        engine,
        tableRows: rows,
        mode,
        events: requests * eventsPer,
        // Counted in the table, not taken from the answers.
        stored: await storedWith(prefix),
        errors,
        ms: seconds * 1000,
        serverCpuMicros: serverCpu,
        latencies: samples,
        target,
      });
      if (firstError) {
        out.errors.push(`${engine}, ${mode}: first error ${firstError}`);
      }
    };
    const doraId = (i: number) => catalog.doraIds[i % INGEST_SERVICES];
    try {
      // Warm-up: connections and JIT.
      await client.fire(
        posts(2_000, i =>
          plainDeployment(`${idPrefix}-w-${i}`, doraId(i), recent(i)),
        ),
        CONCURRENCY,
      );
      await runIngest(
        `single events, ${CONCURRENCY} concurrent callers`,
        SINGLE_EVENTS,
        CONCURRENCY,
        i => plainDeployment(`${idPrefix}-s-${i}`, doraId(i * 7), recent(i)),
        1,
        5000,
        `${idPrefix}-s-`,
      );
      await runIngest(
        `batches of ${BATCH}, ${BATCH_CALLERS} concurrent callers`,
        BATCHES,
        BATCH_CALLERS,
        b =>
          Array.from({ length: BATCH }, (_, j) =>
            plainDeployment(
              `${idPrefix}-b-${b}-${j}`,
              doraId(b * BATCH + j),
              recent(j),
            ),
          ),
        BATCH,
        50_000,
        `${idPrefix}-b-`,
      );
    } finally {
      await client.close();
    }
  } finally {
    await stopBackend();
    await db.drop();
  }
}

async function main() {
  const { engines, postgresVersion, notes } = await benchEngines();
  const catalog = generateDoraCatalog(SERVICES);
  const out = {
    loads: [] as LoadRow[],
    queries: [] as QueryRow[],
    ingest: [] as IngestRow[],
    errors: [] as string[],
  };
  for (const engine of engines) {
    await benchEngine(engine, catalog, out);
  }

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const lines = ['## DORA ingest and queries', '', ...machineInfo()];
  if (postgresVersion) lines.push(`- PostgreSQL: ${postgresVersion}`);
  lines.push(
    `- catalog: in-memory \`catalogServiceMock\` with indexed lookups (lib/indexedCatalog.ts), ${SERVICES} services; per deployment 2 changes, 1 incident per 10 deployments, over ${DAYS} days`,
    ...notes.map(n => `- ${n}`),
    '',
    'Bulk load (the real `DatabaseDoraEventStore.ingest`, 5,000 deployments and their events per call; not HTTP), then the facts of every service the load made stale worked out again (`DoraService.refreshFacts`, all their events read):',
    '',
    markdownTable(
      [
        'engine',
        'deployments (total)',
        'rows added',
        'ms',
        'rows/s',
        'stale services',
        'facts refresh ms',
        'fact rows',
      ],
      out.loads.map(l => [
        l.engine,
        sizeLabel(l.deployments),
        l.rows.toLocaleString('en-US'),
        formatMs(l.ms),
        Math.round((l.rows * 1000) / l.ms).toLocaleString('en-US'),
        l.stale.toLocaleString('en-US'),
        formatMs(l.factsMs),
        l.factRows.toLocaleString('en-US'),
      ]),
    ),
    '',
    'Queries, one caller at a time, default window (last 30 days). Each reads the stored facts of its services in the window. "bare SQL" is the aggregate of those facts (counted by kind; per template version joined with the compliance rows), timed right after each request on the same data:',
    '',
    markdownTable(
      [
        'engine',
        'deployments',
        'table rows',
        'query',
        'runs',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'bare SQL p50 ms',
        'bare SQL p95 ms',
        'target p95',
        'within target',
        'answer',
      ],
      out.queries.map(q => {
        const h = sorted(q.http);
        const s = sorted(q.sql);
        const p95 = percentile(h, 0.95);
        return [
          q.engine,
          sizeLabel(q.deployments),
          q.rows.toLocaleString('en-US'),
          q.query,
          String(h.length),
          formatMs(percentile(h, 0.5)),
          formatMs(p95),
          formatMs(percentile(h, 0.99)),
          formatMs(percentile(s, 0.5)),
          formatMs(percentile(s, 0.95)),
          q.target >= 1000 ? `${q.target / 1000} s` : `${q.target} ms`,
          p95 <= q.target ? 'yes' : '**no**',
          q.detail,
        ];
      }),
    ),
    '',
    `Ingest through \`POST /api/golden-paths/events\` over loopback HTTP (the server in a process of its own, autocannon in a worker thread of this one; stored = rows counted in the table; server CPU = the server process's user and system time over the round, which includes the database's work on SQLite but not on PostgreSQL), into the largest table above, services from a catalog of ${INGEST_SERVICES}; every event new:`,
    '',
    markdownTable(
      [
        'engine',
        'table rows before',
        'mode',
        'events',
        'stored',
        'errors',
        'seconds',
        'events/s',
        'request p50 ms',
        'request p95 ms',
        'request p99 ms',
        'server CPU µs per event',
        'target',
        'within target',
      ],
      out.ingest.map(r => {
        const l = sorted(r.latencies);
        const rate = r.ms > 0 ? (r.stored * 1000) / r.ms : 0;
        return [
          r.engine,
          r.tableRows.toLocaleString('en-US'),
          r.mode,
          r.events.toLocaleString('en-US'),
          r.stored.toLocaleString('en-US'),
          String(r.errors),
          (r.ms / 1000).toFixed(1),
          Math.round(rate).toLocaleString('en-US'),
          formatMs(percentile(l, 0.5)),
          formatMs(percentile(l, 0.95)),
          formatMs(percentile(l, 0.99)),
          r.stored > 0 ? (r.serverCpuMicros / r.stored).toFixed(0) : '–',
          `${r.target.toLocaleString('en-US')} events/s`,
          rate >= r.target && r.errors === 0 && r.stored === r.events
            ? 'yes'
            : '**no**',
        ];
      }),
    ),
  );
  if (out.errors.length > 0) {
    lines.push('', ...out.errors.map(e => `- ${e}`));
  }
  console.log(lines.join('\n'));
}

runBench(main);
