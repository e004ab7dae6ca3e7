/**
 * Load on the golden-paths routes (issue 7, load section): gate and
 * compliance reads at 50 and 200 concurrent connections, plus ingest, with
 * p50, p95, p99, requests per second and the error count.
 *
 * For each engine (SQLite on a temp file, PostgreSQL in `paved_bench_load`,
 * dropped at the end) and catalog size, starts the real plugin in a child
 * process (lib/loadServer.ts: `startTestBackend`, the seeded catalog of
 * lib/doraGenerator served by `catalogServiceMock`, a compliance sweep before
 * it reports ready) and drives it from this process with autocannon over
 * loopback, each scenario for PAVED_BENCH_DURATION seconds (default 10),
 * every request carrying a mock-auth bearer token through the plugin's auth
 * and permission checks (permissions allow all).
 *
 * Sizes: PAVED_BENCH_SIZES=3000,30000 (services; default both).
 * Engines: PAVED_BENCH_ENGINES=sqlite,postgres (default both).
 * Connections: PAVED_BENCH_CONNECTIONS=50,200 (default both).
 * Scenarios: PAVED_BENCH_SCENARIOS=gate,events (substrings of the scenario
 * names; default all).
 * Repeats: PAVED_BENCH_REPEATS=3 runs each row three times in a row (default
 * 1); on a shared machine the spread between runs says how far to trust one.
 *
 * Profiles: PAVED_BENCH_PROFILE=/tmp/profiles writes the server's CPU
 * profile of each row to that folder.
 *
 * Run: `npm run bench -- load`
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { OWNER_GROUPS } from './lib/catalogGenerator';
import {
  BenchEngine,
  benchEngines,
  createBenchDatabase,
  percentile,
} from './lib/databases';
import { generateDoraCatalog, plainDeployment } from './lib/doraGenerator';
import { envNumbers } from './lib/env';
import { runLoad } from './lib/loadClient.cjs';
import { startServerProcess } from './lib/serverProcess';
import { machineInfo, markdownTable, runBench } from './lib/report';
import { formatMs } from './lib/timing';

const SIZES = envNumbers('PAVED_BENCH_SIZES', '3000,30000');
const DURATION = Number(process.env.PAVED_BENCH_DURATION ?? 10);
const CONNECTIONS = envNumbers('PAVED_BENCH_CONNECTIONS', '50,200');
const SCENARIOS = process.env.PAVED_BENCH_SCENARIOS?.split(',').map(s =>
  s.trim(),
);
/** How many times each row is run, one after another. */
const REPEATS = Number(process.env.PAVED_BENCH_REPEATS ?? 1);
/**
 * A folder: with it, the server writes a CPU profile of each row there
 * (`<engine>-<services>-<row>.cpuprofile`, for Chrome DevTools).
 */
const PROFILE_DIR = process.env.PAVED_BENCH_PROFILE;
/** Events per request in the batched ingest scenario. */
const BATCH = 500;

type Row = {
  engine: BenchEngine;
  services: number;
  scenario: string;
  connections: number;
  requests: number;
  rps: number;
  eventsPerRequest?: number;
  latencies: number[];
  errors: number;
  non2xx: number;
  /** Server CPU time (user + system) per response, in microseconds. */
  cpuPerRequest: number;
  /** This process's (the load generator's) CPU time per response. */
  loadCpuPerRequest: number;
  /**
   * The rest of the machine's busy CPU time per response (on Linux): above
   * all the PostgreSQL server's processes, which come and go with their
   * connections, so no process of theirs can be asked afterwards.
   */
  otherCpuPerRequest?: number;
  /** The share of the machine's cores the hypervisor gave to others. */
  stolen?: number;
};

/** The tick of /proc/stat: 100 on every Linux that Node runs on. */
const USER_HZ = 100;

/**
 * The machine's CPU time so far, all cores, in microseconds, from
 * /proc/stat: busy (user, nice, system, irq, softirq) and stolen (time the
 * hypervisor gave to others, not work done here); undefined where there is
 * no /proc/stat.
 */
function machineCpu(): { busy: number; steal: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  // cpu user nice system idle iowait irq softirq steal …, in USER_HZ ticks.
  const [user, nice, system, , , irq, softirq, steal] = stat
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    busy: ((user + nice + system + irq + softirq) * 1e6) / USER_HZ,
    steal: (steal * 1e6) / USER_HZ,
  };
}

function run(
  url: string,
  connections: number,
  duration: number,
  request: Parameters<typeof autocannon>[0]['requests'],
) {
  return runLoad(autocannon, {
    url,
    connections,
    duration,
    timeout: 30,
    requests: request,
  });
}

async function main() {
  const { engines, postgresVersion, notes } = await benchEngines();
  const rows: Row[] = [];
  const runId = Date.now();
  for (const engine of engines) {
    for (const services of SIZES) {
      process.stderr.write(`load bench: ${engine}, ${services} services…\n`);
      const catalog = generateDoraCatalog(services);
      const db = await createBenchDatabase(engine, 'paved_bench_load');
      const server = await startServerProcess(services, db.connection);
      try {
        const url = `http://127.0.0.1:${server.port}`;
        const api = '/api/golden-paths';
        const user = {
          authorization: `Bearer ${mockCredentials.user.token()}`,
        };
        const pipeline = {
          authorization: `Bearer ${mockCredentials.service.token()}`,
        };
        let n = 0;
        const anyRef = () =>
          encodeURIComponent(
            catalog.componentRefs[(n++ * 7919) % catalog.componentRefs.length],
          );
        const deployment = (i: number) =>
          plainDeployment(
            `load-${runId}-${i}`,
            catalog.doraIds[i % catalog.doraIds.length],
            new Date(),
          );
        const scenarios: Array<
          [string, Parameters<typeof autocannon>[0]['requests'], number?]
        > = [
          // The floor: the same credentials check and router, and no work.
          [
            'GET /health (the HTTP stack alone)',
            [{ headers: pipeline, path: `${api}/health` }],
          ],
          [
            'GET /gate?entityRef=',
            [
              {
                headers: pipeline,
                setupRequest: r => ({
                  ...r,
                  path: `${api}/gate?entityRef=${anyRef()}`,
                }),
              },
            ],
          ],
          [
            'GET /compliance?entityRef=',
            [
              {
                headers: user,
                setupRequest: r => ({
                  ...r,
                  path: `${api}/compliance?entityRef=${anyRef()}`,
                }),
              },
            ],
          ],
          [
            `GET /compliance?owner= (${OWNER_GROUPS} owners in turn, first page of 50)`,
            [
              {
                headers: user,
                setupRequest: r => ({
                  ...r,
                  path: `${api}/compliance?owner=${encodeURIComponent(
                    `group:default/team-${String(n++ % OWNER_GROUPS).padStart(
                      2,
                      '0',
                    )}`,
                  )}`,
                }),
              },
            ],
          ],
          [
            'GET /compliance?owner=group:default/team-00&limit=500 (its 500 services)',
            [
              {
                headers: user,
                path: `${api}/compliance?owner=${encodeURIComponent(
                  'group:default/team-00',
                )}&limit=500`,
              },
            ],
          ],
          [
            'POST /events (one new deployment each)',
            [
              {
                method: 'POST',
                headers: { ...pipeline, 'content-type': 'application/json' },
                setupRequest: r => {
                  const i = n++;
                  return {
                    ...r,
                    path: `${api}/events`,
                    body: JSON.stringify(deployment(i)),
                  };
                },
              },
            ],
            1,
          ],
          [
            `POST /events (batches of ${BATCH} new deployments)`,
            [
              {
                method: 'POST',
                headers: { ...pipeline, 'content-type': 'application/json' },
                setupRequest: r => {
                  const first = n;
                  n += BATCH;
                  return {
                    ...r,
                    path: `${api}/events`,
                    body: JSON.stringify(
                      Array.from({ length: BATCH }, (_, j) =>
                        deployment(first + j),
                      ),
                    ),
                  };
                },
              },
            ],
            BATCH,
          ],
        ];
        // Warm-up: connections, JIT, caches.
        const warmUp = scenarios.find(([name]) =>
          name.startsWith('GET /compliance?entityRef='),
        )!;
        await run(url, 50, 3, warmUp[1]);
        for (const [scenario, requests, eventsPerRequest] of scenarios) {
          if (SCENARIOS && !SCENARIOS.some(s => scenario.includes(s))) {
            continue;
          }
          for (const connections of CONNECTIONS.flatMap(c =>
            Array.from({ length: REPEATS }, () => c),
          )) {
            const cpuBefore = await server.cpuMicros(PROFILE_DIR && 'start');
            const loadCpuBefore = process.cpuUsage();
            const machineBefore = machineCpu();
            const startedAt = performance.now();
            const { result, latencies } = await run(
              url,
              connections,
              DURATION,
              requests,
            );
            const loadCpu = process.cpuUsage(loadCpuBefore);
            const loadMicros = loadCpu.user + loadCpu.system;
            const machineAfter = machineCpu();
            const elapsedMicros = (performance.now() - startedAt) * 1000;
            const cpu =
              (await server.cpuMicros(
                PROFILE_DIR &&
                  path.resolve(
                    PROFILE_DIR,
                    `${engine}-${services}-${rows.length + 1}.cpuprofile`,
                  ),
              )) - cpuBefore;
            const responses = Math.max(1, latencies.length);
            rows.push({
              engine,
              services,
              scenario,
              connections,
              requests: result.requests.total,
              rps: result.requests.average,
              eventsPerRequest,
              latencies: latencies.sort((a, b) => a - b),
              errors: result.errors,
              non2xx: result.non2xx,
              cpuPerRequest: cpu / responses,
              loadCpuPerRequest: loadMicros / responses,
              ...(machineBefore &&
                machineAfter && {
                  otherCpuPerRequest:
                    (machineAfter.busy -
                      machineBefore.busy -
                      cpu -
                      loadMicros) /
                    responses,
                  stolen:
                    (machineAfter.steal - machineBefore.steal) /
                    (elapsedMicros * availableParallelism()),
                }),
            });
          }
        }
      } finally {
        await server.stop();
        await db.drop();
      }
    }
  }

  const lines = [
    '## Load: gate, compliance reads and ingest',
    '',
    ...machineInfo(),
  ];
  if (postgresVersion) lines.push(`- PostgreSQL: ${postgresVersion}`);
  lines.push(
    `- server: the plugin in a child process (\`startTestBackend\`, \`catalogServiceMock\`, mock auth tokens, permissions allow); load: autocannon in this process, ${DURATION} s per row`,
    ...notes.map(note => `- ${note}`),
    '',
    markdownTable(
      [
        'engine',
        'services',
        'scenario',
        'connections',
        'requests',
        'req/s',
        'events/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'server CPU µs/request',
        'load generator CPU µs/request',
        'other CPU µs/request (PostgreSQL, …)',
        'CPU stolen by the host',
        'errors (non-2xx + socket)',
      ],
      rows.map(r => [
        r.engine,
        r.services.toLocaleString('en-US'),
        r.scenario,
        String(r.connections),
        r.requests.toLocaleString('en-US'),
        Math.round(r.rps).toLocaleString('en-US'),
        r.eventsPerRequest
          ? Math.round(r.rps * r.eventsPerRequest).toLocaleString('en-US')
          : '—',
        ...(r.latencies.length > 0
          ? [
              formatMs(percentile(r.latencies, 0.5)),
              formatMs(percentile(r.latencies, 0.95)),
              formatMs(percentile(r.latencies, 0.99)),
              formatMs(r.latencies[r.latencies.length - 1]),
            ]
          : ['—', '—', '—', '—']),
        Math.round(r.cpuPerRequest).toLocaleString('en-US'),
        Math.round(r.loadCpuPerRequest).toLocaleString('en-US'),
        r.otherCpuPerRequest === undefined
          ? '—'
          : Math.round(r.otherCpuPerRequest).toLocaleString('en-US'),
        r.stolen === undefined ? '—' : `${(r.stolen * 100).toFixed(1)} %`,
        `${r.non2xx + r.errors} (${r.non2xx} + ${r.errors})`,
      ]),
    ),
  );
  console.log(lines.join('\n'));
}

runBench(main);
