/**
 * How long stamping provenance adds to a scaffolder task. Target, from the
 * issue: under 100 ms.
 *
 * For a rendered service of 50 and of 500 files (1–20 KiB each, nested
 * directories, a binary logo, a catalog-info.yaml Component), times
 * `stampWorkspace` (stamp catalog-info.yaml, hash every file, write
 * .paved/lock.json) and the whole `paved:provenance:stamp` action handler
 * (input checks, secret filtering, then the same work). Each run gets a
 * fresh copy of the service; copying is not timed. A baseline row times
 * only reading every file once, the floor of any stamp, so a slow file
 * system can be told apart from a slow stamp.
 *
 * Run: `source scripts/env.sh && yarn tsx bench/stamp.bench.ts`
 */
import {
  ANNOTATION_TEMPLATE_VERSION,
  DEFAULT_LOCK_PATH,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  createStampProvenanceAction,
  stampWorkspace,
} from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import yaml from 'yaml';
import { createActionContext } from './lib/actionContext';
import {
  formatBytes,
  machineInfo,
  markdownTable,
  TIMING_HEADER,
  timingCells,
} from './lib/report';
import {
  generateServiceSkeleton,
  listTree,
  renderService,
  writeSkeleton,
} from './lib/serviceSkeleton';
import { timeIterations, TimingSummary } from './lib/timing';
import {
  BENCH_OWNERSHIP,
  BENCH_TEMPLATE_REF,
  BENCH_VALUES,
} from './lib/upgradeScenario';

const TARGET_MS = 100;
const FILE_COUNTS = [50, 500];
const WARMUP = 5;
const ITERATIONS = 30;
const VERSION = '1.0.0';

// Proves a run did the whole job: every file hashed as it is on disk, and
// the catalog entity stamped. A stamp that skipped files would look fast.
async function checkStamped(workspace: string, fileCount: number) {
  const lock = JSON.parse(
    await fs.readFile(path.join(workspace, DEFAULT_LOCK_PATH), 'utf8'),
  ) as { version: string; files: Array<{ path: string; sha256: string }> };
  if (lock.version !== VERSION || lock.files.length !== fileCount) {
    throw new Error(
      `lock lists ${lock.files.length} files at ${lock.version}, expected ${fileCount} at ${VERSION}`,
    );
  }
  for (const entry of lock.files) {
    const bytes = await fs.readFile(path.join(workspace, entry.path));
    if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
      throw new Error(`lock has a wrong sha256 for ${entry.path}`);
    }
  }
  const entity = yaml.parse(
    await fs.readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8'),
  );
  if (entity.metadata.annotations[ANNOTATION_TEMPLATE_VERSION] !== VERSION) {
    throw new Error('catalog-info.yaml was not stamped');
  }
}

async function benchServiceSize(root: string, fileCount: number) {
  const skeletonDir = path.join(root, `skeleton-${fileCount}`);
  const serviceDir = path.join(root, `service-${fileCount}`);
  await writeSkeleton(
    skeletonDir,
    generateServiceSkeleton({ fileCount, seed: 1, version: VERSION }),
  );
  await renderService({ skeletonDir, serviceDir, values: BENCH_VALUES });
  const tree = await listTree(serviceDir);
  const templateSource = pathToFileURL(
    path.join(root, 'template.yaml'),
  ).toString();

  const runs = path.join(root, `runs-${fileCount}`);
  const fresh = async (run: number) => {
    const workspace = path.join(runs, `run-${run}`);
    await fs.cp(serviceDir, workspace, { recursive: true });
    return workspace;
  };
  const cleanup = (workspace: string) =>
    fs.rm(workspace, { recursive: true, force: true });

  const direct = await timeIterations({
    warmup: WARMUP,
    iterations: ITERATIONS,
    prepare: fresh,
    run: workspace =>
      stampWorkspace({
        workspacePath: workspace,
        templateRef: BENCH_TEMPLATE_REF,
        version: VERSION,
        templateSource,
        values: BENCH_VALUES,
        ownership: BENCH_OWNERSHIP,
      }),
    check: workspace => checkStamped(workspace, tree.files.length),
    cleanup,
  });

  const action = createStampProvenanceAction();
  const handler = await timeIterations({
    warmup: WARMUP,
    iterations: ITERATIONS,
    prepare: fresh,
    run: workspace =>
      action.handler(
        createActionContext(action, {
          workspacePath: workspace,
          tmpRoot: path.join(runs, 'tmp'),
          input: { values: BENCH_VALUES, ownership: BENCH_OWNERSHIP },
          // The version comes from the template's annotation, as in a task.
          templateInfo: {
            entityRef: BENCH_TEMPLATE_REF,
            baseUrl: templateSource,
            entity: {
              metadata: {
                name: 'bench-service',
                annotations: { [ANNOTATION_TEMPLATE_VERSION]: VERSION },
              },
            },
          },
        }).ctx,
      ),
    check: workspace => checkStamped(workspace, tree.files.length),
    cleanup,
  });

  // The floor: the stamp must read every file once to hash it, and how fast
  // a file system answers varies a lot between machines and moments.
  const readOnly = await timeIterations({
    warmup: WARMUP,
    iterations: ITERATIONS,
    prepare: fresh,
    run: async workspace => {
      for (const file of tree.files) {
        await fs.readFile(path.join(workspace, file));
      }
    },
    cleanup,
  });

  const describe = `${tree.files.length} files, ${formatBytes(tree.bytes)}`;
  return [
    { what: '`stampWorkspace`', service: describe, summary: direct },
    {
      what: '`paved:provenance:stamp` handler',
      service: describe,
      summary: handler,
    },
    {
      what: 'baseline: read every file once, in turn',
      service: describe,
      summary: readOnly,
      baseline: true,
    },
  ];
}

async function main() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-bench-stamp-'));
  const rows: Array<{
    what: string;
    service: string;
    summary: TimingSummary;
    baseline?: boolean;
  }> = [];
  try {
    for (const fileCount of FILE_COUNTS) {
      rows.push(...(await benchServiceSize(root, fileCount)));
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }

  console.log('## Stamp provenance\n');
  console.log(machineInfo().join('\n'));
  console.log(
    `- ${WARMUP} warm-up runs, then ${ITERATIONS} timed runs, each on a fresh copy of the service (copy not timed)\n`,
  );
  console.log(
    markdownTable(
      ['operation', 'service', ...TIMING_HEADER],
      rows.map(row => [
        row.what,
        row.service,
        ...timingCells(row.summary, row.baseline ? undefined : TARGET_MS),
      ]),
    ),
  );
  if (rows.some(row => !row.baseline && row.summary.p95 > TARGET_MS)) {
    console.log(
      `\nSome runs were slower than the ${TARGET_MS} ms target (p95); check the load average above.`,
    );
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
