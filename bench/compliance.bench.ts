/**
 * The compliance sweep and the compliance/gate routes on a large catalog.
 * Targets, from the issue, at 30k entities: sweep ≤ 5 s beyond reading the
 * entities, ≤ 300 MB extra memory, cost linear in entities; GET
 * /compliance?entityRef p95 ≤ 20 ms; owner list (500 services) p95 ≤ 100 ms;
 * gate p95 ≤ 20 ms under 50 concurrent callers.
 *
 * For each database engine (SQLite on a temp file, PostgreSQL in a fresh
 * database) and each size, generates a seeded catalog (lib/catalogGenerator),
 * serves it from the in-memory `catalogServiceMock`, builds the real stores
 * (migrations run) and the real `ComplianceSweepTask`, then times:
 * reading every Component alone, a first sweep (every row written) and a
 * second one (nothing changed), with memory; then starts the plugin in a
 * test backend on the same database and fires HTTP requests, from a client
 * in its own worker thread, with 1 and with 50 concurrent callers.
 *
 * Sizes: PAVED_BENCH_SIZES=3000,10000 (default 3000,10000,30000).
 * Engines: PAVED_BENCH_ENGINES=sqlite,postgres (default both; PostgreSQL at
 * PAVED_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432, is skipped
 * with a note when unreachable).
 * Requests per route: PAVED_BENCH_REQUESTS (default 2000).
 * Concurrent callers: PAVED_BENCH_CALLERS=1,50 (default; each in turn).
 *
 * Run: `source scripts/env.sh && yarn tsx bench/compliance.bench.ts`
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  DatabaseService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { indexedCatalogFactory } from './lib/indexedCatalog';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DatabaseComplianceStore } from '../plugins/golden-paths-backend/src/database/DatabaseComplianceStore';
import { DatabaseExemptionStore } from '../plugins/golden-paths-backend/src/database/DatabaseExemptionStore';
import { DatabaseTemplateVersionStore } from '../plugins/golden-paths-backend/src/database/DatabaseTemplateVersionStore';
import { goldenPathsPlugin } from '../plugins/golden-paths-backend/src/plugin';
import { ComplianceService } from '../plugins/golden-paths-backend/src/services/ComplianceService';
import { DriftService } from '../plugins/golden-paths-backend/src/services/DriftService';
import { ComplianceSweepTask } from '../plugins/golden-paths-backend/src/tasks/ComplianceSweepTask';
import { TemplateVersionSyncTask } from '../plugins/golden-paths-backend/src/tasks/TemplateVersionSyncTask';
import { generateCatalog, seededRandom } from './lib/catalogGenerator';
import {
  BenchEngine,
  benchEngines,
  createBenchDatabase,
  percentile,
} from './lib/databases';
import { envNumbers } from './lib/env';
import { WorkerClient } from './lib/workerClient';
import { machineInfo, markdownTable, runBench } from './lib/report';
import { formatMs, summarize } from './lib/timing';
import { NEVER_DURING_TEST } from '../plugins/golden-paths-backend/src/__testUtils__/schedules';

const SIZES = envNumbers('PAVED_BENCH_SIZES', '3000,10000,30000');
const REQUESTS = Number(process.env.PAVED_BENCH_REQUESTS ?? 2000);
const CALLERS = envNumbers('PAVED_BENCH_CALLERS', '1,50');
const READ_RUNS = 3;

// A real gc() between phases, so memory deltas start from a settled heap.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const silentLogger: LoggerService = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

// Drift must not read repositories here; any call is counted and fails.
let urlReads = 0;
const noUrlReader: UrlReaderService = {
  async readUrl() {
    urlReads++;
    throw new Error('no repository reads in this benchmark');
  },
  async readTree() {
    urlReads++;
    throw new Error('no repository reads in this benchmark');
  },
  async search() {
    urlReads++;
    throw new Error('no repository reads in this benchmark');
  },
};

/** Runs `fn`, sampling RSS and heap every 10 ms; deltas from a settled heap. */
async function measured<T>(fn: () => Promise<T>) {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  clearInterval(timer);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  return {
    result,
    ms,
    rssMiB: (peakRss - before.rss) / 1024 ** 2,
    heapMiB: (peakHeap - before.heapUsed) / 1024 ** 2,
  };
}

type SweepRow = {
  engine: string;
  size: number;
  readMs: number;
  sweep1: Awaited<ReturnType<typeof measured>> & { written: number };
  sweep2: { ms: number; unchanged: number };
  states: string;
};
type HttpRow = {
  engine: string;
  size: number;
  route: string;
  callers: number;
  target: number;
  samples: number[];
  errors: number;
};

async function benchOne(
  engine: BenchEngine,
  size: number,
): Promise<{ sweep: SweepRow; http: HttpRow[] }> {
  const catalogData = generateCatalog(size);
  const catalog = catalogServiceMock({ entities: catalogData.entities });
  const db = await createBenchDatabase(engine, 'paved_bench_compliance');
  try {
    const database: DatabaseService = {
      getClient: async () => db.knex,
      migrations: { skip: false },
    };
    const auth = mockServices.auth();
    const config = mockServices.rootConfig({ data: {} });
    const templateVersions = await DatabaseTemplateVersionStore.create({
      database,
    });
    const compliance = await DatabaseComplianceStore.create({ database });
    const exemptions = await DatabaseExemptionStore.create({ database });
    // The registry as the sync task leaves it: every changelog version.
    await new TemplateVersionSyncTask({
      auth,
      catalog,
      store: templateVersions,
      logger: silentLogger,
    }).run();
    const service = new ComplianceService({
      auth,
      catalog,
      config,
      templateVersions,
      exemptions,
      compliance,
      drift: new DriftService({
        urlReader: noUrlReader,
        config,
        logger: silentLogger,
      }),
    });
    const sweep = new ComplianceSweepTask({
      auth,
      catalog,
      service,
      store: compliance,
      logger: silentLogger,
    });

    // (1) Reading alone: the same stream, same fields, as the sweep.
    const credentials = await auth.getOwnServiceCredentials();
    const readOnce = async () => {
      let n = 0;
      for await (const page of catalog.streamEntities(
        {
          filter: { kind: 'Component' },
          fields: ['kind', 'metadata', 'spec.owner', 'spec.scaffoldedFrom'],
        },
        { credentials },
      )) {
        n += page.length;
      }
      if (n !== size) throw new Error(`read ${n} Components, expected ${size}`);
    };
    await readOnce(); // warm-up
    const reads: number[] = [];
    for (let i = 0; i < READ_RUNS; i++) {
      const started = performance.now();
      await readOnce();
      reads.push(performance.now() - started);
    }
    const readMs = summarize(reads).median;

    // (2) The sweep: first run writes every row, second finds none changed.
    const now = new Date('2026-11-21T12:00:00Z');
    const first = await measured(() => sweep.run(now));
    if (first.result.evaluated !== size || first.result.written !== size) {
      throw new Error(`first sweep: ${JSON.stringify(first.result)}`);
    }
    const started = performance.now();
    const second = await sweep.run(now);
    const secondMs = performance.now() - started;
    if (second.unchanged !== size) {
      throw new Error(`second sweep: ${JSON.stringify(second)}`);
    }
    if (urlReads !== 0) throw new Error(`${urlReads} repository reads`);
    const sweepRow: SweepRow = {
      engine,
      size,
      readMs,
      sweep1: { ...first, written: first.result.written },
      sweep2: { ms: secondMs, unchanged: second.unchanged },
      states: Object.entries(first.result.states)
        .map(([s, n]) => `${n} ${s}`)
        .join(', '),
    };

    // (3) HTTP: the plugin in a test backend on the same database.
    const backend = await startTestBackend({
      features: [
        goldenPathsPlugin,
        indexedCatalogFactory(catalogData.entities),
        mockServices.database.factory({ knex: db.knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: NEVER_DURING_TEST,
              },
              sweep: {
                schedule: NEVER_DURING_TEST,
              },
            },
          },
        }),
      ],
    });
    const http: HttpRow[] = [];
    const baseUrl = `http://127.0.0.1:${backend.server.port()}/api/golden-paths`;
    const client = new WorkerClient(
      new URL(baseUrl),
      `Bearer ${mockCredentials.user.token()}`,
    );
    const gets = (paths: () => string, count: number) =>
      Array.from({ length: count }, () => ({ path: paths() }));
    try {
      const random = seededRandom(7);
      const anyRef = () =>
        encodeURIComponent(
          catalogData.componentRefs[
            Math.floor(random() * catalogData.componentRefs.length)
          ],
        );
      // Warm-up: connections, JIT, caches.
      await client.fire(
        gets(() => `/compliance?entityRef=${anyRef()}`, 200),
        Math.max(...CALLERS),
      );
      const routes: [string, number, () => string][] = [
        [
          'GET /compliance?entityRef=',
          20,
          () => `/compliance?entityRef=${anyRef()}`,
        ],
        [
          `GET /compliance?owner= (${catalogData.bigOwner.services} services, limit=500)`,
          100,
          () =>
            `/compliance?owner=${encodeURIComponent(
              catalogData.bigOwner.ref,
            )}&limit=500`,
        ],
        ['GET /gate?entityRef=', 20, () => `/gate?entityRef=${anyRef()}`],
      ];
      for (const [route, target, paths] of routes) {
        for (const callers of CALLERS) {
          const { samples, errors } = await client.fire(
            gets(paths, REQUESTS),
            callers,
          );
          http.push({ engine, size, route, callers, target, samples, errors });
        }
      }
      // The owner list really holds the big owner's services.
      const res = await fetch(
        `${baseUrl}/compliance?owner=${encodeURIComponent(
          catalogData.bigOwner.ref,
        )}&limit=500`,
        {
          headers: { authorization: `Bearer ${mockCredentials.user.token()}` },
        },
      );
      const body = (await res.json()) as { items?: unknown[] };
      if (body.items?.length !== catalogData.bigOwner.services) {
        throw new Error(
          `owner list returned ${body.items?.length} items, expected ${catalogData.bigOwner.services}`,
        );
      }
    } finally {
      await client.close();
      await backend.stop();
    }
    return { sweep: sweepRow, http };
  } finally {
    await db.drop();
  }
}

async function main() {
  const { engines, postgresVersion: pgVersion, notes } = await benchEngines();
  const sweeps: SweepRow[] = [];
  const https: HttpRow[] = [];
  for (const engine of engines) {
    for (const size of SIZES) {
      process.stderr.write(`compliance bench: ${engine}, ${size} entities…\n`);
      const { sweep, http } = await benchOne(engine, size);
      sweeps.push(sweep);
      https.push(...http);
    }
  }

  const lines: string[] = [
    '## Compliance sweep and routes',
    '',
    ...machineInfo(),
  ];
  if (pgVersion) lines.push(`- PostgreSQL: ${pgVersion}`);
  lines.push(
    `- catalog: in-memory \`catalogServiceMock\` (indexed lookups for the HTTP routes, lib/indexedCatalog.ts); components per size plus 6 templates; no repository reads (${urlReads})`,
    ...notes.map(n => `- ${n}`),
    '',
    markdownTable(
      [
        'engine',
        'components',
        'read only ms',
        'sweep 1 (all written) ms',
        'sweep 1 beyond read ms',
        'sweep 1 µs / component',
        'peak RSS +MiB',
        'peak heap +MiB',
        'sweep 2 (unchanged) ms',
        'target (30k): ≤ 5 s beyond read, ≤ 300 MB',
        'states (sweep 1)',
      ],
      sweeps.map(s => [
        s.engine,
        String(s.size),
        formatMs(s.readMs),
        formatMs(s.sweep1.ms),
        formatMs(s.sweep1.ms - s.readMs),
        ((s.sweep1.ms * 1000) / s.size).toFixed(0),
        s.sweep1.rssMiB.toFixed(0),
        s.sweep1.heapMiB.toFixed(0),
        formatMs(s.sweep2.ms),
        s.sweep1.ms - s.readMs <= 5000 && s.sweep1.rssMiB <= 300
          ? 'yes'
          : '**no**',
        s.states,
      ]),
    ),
    '',
    `HTTP from a client in its own worker thread, ${REQUESTS} requests per route and number of concurrent callers (after 200 warm-up requests), random services:`,
    '',
    markdownTable(
      [
        'engine',
        'components',
        'route',
        'callers',
        'requests',
        'errors',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'target p95',
        'within target',
      ],
      https.map(h => {
        const sorted = [...h.samples].sort((a, b) => a - b);
        const p95 = percentile(sorted, 0.95);
        return [
          h.engine,
          String(h.size),
          h.route,
          String(h.callers),
          String(sorted.length),
          String(h.errors),
          formatMs(percentile(sorted, 0.5)),
          formatMs(p95),
          formatMs(percentile(sorted, 0.99)),
          formatMs(sorted[sorted.length - 1]),
          `${h.target} ms`,
          p95 <= h.target && h.errors === 0 ? 'yes' : '**no**',
        ];
      }),
    ),
  );
  console.log(lines.join('\n'));
}

runBench(main);
