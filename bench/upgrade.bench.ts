/**
 * How long upgrading a service takes. Target, from the issue: a 500-file
 * service with 50 customised files upgrades in under 5 s.
 *
 * Generates a golden-path template with versions 1.0.0 and 2.0.0 (2.0.0
 * changes 100 files, 20 of them platform-owned, renames 5, removes 5, adds
 * 10), creates a service at 1.0.0 by rendering and stamping it, customises
 * 50 shared files (5 of them on lines 2.0.0 changes too, so 5 conflicts),
 * then times the real `paved:template:upgrade` handler: fetch both versions
 * from the `file://` template source, render both, 3-way merge, write the
 * files and the new lock. Each run upgrades a fresh copy of the service
 * (copy not timed) and is checked against the designed outcome.
 *
 * Two parts of the upgrade are also timed alone, to show where the time
 * goes: fetching the template's versions/ directory, and rendering one
 * version's skeleton (an upgrade renders two).
 *
 * Run: `source scripts/env.sh && yarn tsx bench/upgrade.bench.ts`
 */
import { fetchContents } from '@backstage/plugin-scaffolder-node';
import { JsonValue } from '@backstage/types';
import {
  createTemplateUpgradeAction,
  renderSkeleton,
} from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createActionContext,
  integrations,
  localOnlyReader,
} from './lib/actionContext';
import {
  formatBytes,
  machineInfo,
  markdownTable,
  TIMING_HEADER,
  timingCells,
} from './lib/report';
import { timeIterations } from './lib/timing';
import {
  BENCH_VALUES,
  createUpgradeScenario,
  ISSUE_UPGRADE,
  verifyUpgrade,
} from './lib/upgradeScenario';

const TARGET_MS = 5000;
const WARMUP = 1;
const ITERATIONS = 5;

async function main() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-bench-upgrade-'));
  try {
    const scenario = await createUpgradeScenario(root, ISSUE_UPGRADE);
    const action = createTemplateUpgradeAction({
      reader: localOnlyReader,
      integrations,
    });

    let last: Map<string, JsonValue> | undefined;
    const summary = await timeIterations({
      warmup: WARMUP,
      iterations: ITERATIONS,
      prepare: async run => {
        const runDir = path.join(root, `run-${run}`);
        const workspace = path.join(runDir, 'workspace');
        await fs.cp(scenario.serviceDir, workspace, { recursive: true });
        return { runDir, workspace };
      },
      run: async ({ runDir, workspace }) => {
        const { ctx, outputs } = createActionContext(action, {
          workspacePath: workspace,
          tmpRoot: path.join(runDir, 'tmp'),
          input: { targetVersion: scenario.targetVersion },
        });
        await action.handler(ctx);
        return outputs;
      },
      check: async ({ workspace }, outputs) => {
        await verifyUpgrade(scenario, workspace, outputs);
        last = outputs;
      },
      cleanup: ({ runDir }) => fs.rm(runDir, { recursive: true, force: true }),
    });

    // The parts, run as the action runs them, on the same template.
    const fetched = await timeIterations({
      warmup: WARMUP,
      iterations: ITERATIONS,
      prepare: async run => path.join(root, `fetch-${run}`),
      run: outputPath =>
        fetchContents({
          reader: localOnlyReader,
          integrations,
          baseUrl: scenario.templateSource,
          fetchUrl: './versions',
          outputPath,
        }),
      cleanup: outputPath =>
        fs.rm(outputPath, { recursive: true, force: true }),
    });
    const rendered = await timeIterations({
      warmup: WARMUP,
      iterations: ITERATIONS,
      prepare: async () =>
        path.join(scenario.templateDir, 'versions', '1.0.0', 'skeleton'),
      run: skeletonDir =>
        renderSkeleton({ skeletonDir, values: BENCH_VALUES, integrations }),
      check: async (_, result) => {
        if (result.files.size !== scenario.serviceFiles) {
          throw new Error(`rendered ${result.files.size} files`);
        }
      },
    });

    const changed = (last?.get('changedFiles') as string[]).length;
    const conflicts = (last?.get('conflicts') as unknown[]).length;
    const customised = scenario.expected.customisations.length;
    console.log('## Upgrade a service\n');
    console.log(machineInfo().join('\n'));
    console.log(
      `- ${WARMUP} warm-up run, then ${ITERATIONS} timed runs, each on a fresh copy of the service (copy not timed), each checked against the designed outcome\n`,
    );
    console.log(
      markdownTable(
        [
          'operation',
          'service',
          'customised',
          'changed files',
          'conflicts',
          ...TIMING_HEADER,
        ],
        [
          [
            '`paved:template:upgrade` handler, 1.0.0 → 2.0.0',
            `${scenario.serviceFiles} files, ${formatBytes(
              scenario.serviceBytes,
            )}`,
            String(customised),
            String(changed),
            String(conflicts),
            ...timingCells(summary, TARGET_MS),
          ],
          [
            'of which: fetch versions/ (`fetchContents`, both versions)',
            '',
            '',
            '',
            '',
            ...timingCells(fetched),
          ],
          [
            'of which: render one version (`renderSkeleton`; twice per upgrade)',
            '',
            '',
            '',
            '',
            ...timingCells(rendered),
          ],
        ],
      ),
    );
    if (summary.p95 > TARGET_MS) {
      console.log(
        `\nSome runs were slower than the ${
          TARGET_MS / 1000
        } s target (p95); check the load average above.`,
      );
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
