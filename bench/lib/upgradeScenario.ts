import { JsonValue } from '@backstage/types';
import {
  ANNOTATION_TEMPLATE_VERSION,
  DEFAULT_LOCK_PATH,
  FileOwnershipRules,
  resolveFileOwnership,
} from '@paved/backstage-plugin-golden-paths-common';
import { stampWorkspace } from '@paved/backstage-plugin-scaffolder-backend-module-golden-paths';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import yaml from 'yaml';
import {
  CodeStyle,
  comment,
  createRandom,
  generateBinaryFile,
  generateCodeFile,
  generateServiceSkeleton,
  listTree,
  renderService,
  REVISION_LINE,
  revisionLine,
  shuffle,
  SkeletonFile,
  writeSkeleton,
} from './serviceSkeleton';

/** Entity ref of the benchmark template. */
export const BENCH_TEMPLATE_REF = 'template:default/bench-service';

/** The answers the benchmark service is created with. */
export const BENCH_VALUES = {
  name: 'bench-service',
  description: 'A service generated for the Paved benchmarks',
  owner: 'group:default/team-bench',
};

/**
 * Who owns which file, the same in both versions: most files are shared
 * (3-way merged), as in the sample templates.
 */
export const BENCH_OWNERSHIP: FileOwnershipRules = {
  Dockerfile: 'platform',
  '.github/': 'platform',
  'src/platform/': 'platform',
  'src/app/': 'seed',
};

const FROM_VERSION = '1.0.0';
const TO_VERSION = '2.0.0';

/**
 * How big an upgrade is: what the template changes between the two versions
 * and what the team customised before upgrading.
 */
export type UpgradeScenarioShape = {
  /** Files the service is created with. */
  fileCount: number;
  /** Platform-owned files the new version changes. */
  platformChanges: number;
  /** Shared text files the new version changes; the binary logo comes on top. */
  sharedTextChanges: number;
  /** Shared files the new version moves (declared in its paved.yaml). */
  renames: number;
  /** Shared files the new version no longer renders. */
  removals: number;
  /** Files new in the new version. */
  additions: number;
  /** Customised files the template changes elsewhere in them: merged cleanly. */
  mergedCustomisations: number;
  /** Customised files the template changes on the same line: conflicts. */
  conflictingCustomisations: number;
  /** Customised files the template renames: moved, customisation included. */
  movedCustomisations: number;
  /** Customised files the template leaves alone: kept as they are. */
  keptCustomisations: number;
};

/**
 * The upgrade from the issue: a 500-file service with 50 customised files,
 * and a new version changing 100 files (20 platform-owned, 80 shared),
 * renaming 5, removing 5 and adding 10.
 */
export const ISSUE_UPGRADE: UpgradeScenarioShape = {
  fileCount: 500,
  platformChanges: 20,
  sharedTextChanges: 79,
  renames: 5,
  removals: 5,
  additions: 10,
  mergedCustomisations: 20,
  conflictingCustomisations: 5,
  movedCustomisations: 2,
  keptCustomisations: 23,
};

/** One file the team changed, and what the upgrade must make of it. */
export type Customisation = {
  /** Where the team changed it. */
  path: string;
  /** Where it is after the upgrade (differs for a renamed file). */
  finalPath: string;
  outcome: 'merged' | 'conflict' | 'moved' | 'kept';
  style: CodeStyle;
  /** The line the team added or changed, found again after the upgrade. */
  marker: string;
  /** The file as the team left it. */
  text: string;
};

/** What a correct upgrade of the scenario produces. */
export type UpgradeExpectation = {
  /** Every path the action must report as changed, sorted. */
  changedFiles: string[];
  /** Every path the action must report as a conflict, sorted. */
  conflicts: string[];
  customisations: Customisation[];
  platformChanged: string[];
  renamed: Array<{ from: string; to: string }>;
  removed: string[];
  added: string[];
};

/**
 * A template with two versions on disk, and a service created from the first
 * and customised, ready to be copied and upgraded.
 */
export type UpgradeScenario = {
  /** The template's directory: template.yaml and versions/. */
  templateDir: string;
  /** `file://` URL of the template's template.yaml, as the lock records it. */
  templateSource: string;
  /** The customised service at 1.0.0; copy it, never upgrade it in place. */
  serviceDir: string;
  /** Files of the service, and their bytes, the lock file left out. */
  serviceFiles: number;
  serviceBytes: number;
  targetVersion: string;
  expected: UpgradeExpectation;
};

/** The line a new template version inserts in the middle of a changed file. */
function templateAddedLine(style: CodeStyle): string {
  return comment(style, `Added by template ${TO_VERSION}.`);
}

// The new version of a code file: a new revision line at the top and a line
// inserted in the middle, far from the end where the team appends.
function reviseCodeFile(file: SkeletonFile): SkeletonFile {
  if (file.kind !== 'code') throw new Error(`${file.path} is not code`);
  const lines = [...file.lines];
  lines[REVISION_LINE] = revisionLine(file.style, TO_VERSION);
  lines.splice(Math.floor(lines.length / 2), 0, templateAddedLine(file.style));
  return { ...file, lines };
}

function isCode(
  file: SkeletonFile,
): file is Extract<SkeletonFile, { kind: 'code' }> {
  return file.kind === 'code';
}

async function writeVersion(
  templateDir: string,
  version: string,
  files: SkeletonFile[],
  manifest: Record<string, unknown>,
) {
  const versionDir = path.join(templateDir, 'versions', version);
  await writeSkeleton(path.join(versionDir, 'skeleton'), files);
  await fs.writeFile(
    path.join(versionDir, 'paved.yaml'),
    yaml.stringify({ version, ...manifest }),
  );
}

/**
 * Builds the scenario under `root`: generates a golden-path template with
 * versions 1.0.0 and 2.0.0 in the layout of `templates/` (template.yaml,
 * versions/<v>/paved.yaml and versions/<v>/skeleton/), creates a service at
 * 1.0.0 the way a task does (render, then stamp), and customises it.
 */
export async function createUpgradeScenario(
  root: string,
  shape: UpgradeScenarioShape,
  seed = 1,
): Promise<UpgradeScenario> {
  const v1 = generateServiceSkeleton({
    fileCount: shape.fileCount,
    seed,
    version: FROM_VERSION,
  });
  const random = createRandom(seed + 2);
  const code = v1.filter(isCode);
  const ownershipOf = (file: SkeletonFile) =>
    resolveFileOwnership(file.path, BENCH_OWNERSHIP);
  const platform = shuffle(
    code.filter(file => ownershipOf(file) === 'platform'),
    random,
  );
  const shared = shuffle(
    code.filter(file => ownershipOf(file) === 'shared'),
    random,
  );

  // Disjoint picks from the shared files, so every file has one fate.
  let taken = 0;
  const take = (count: number) => {
    if (taken + count > shared.length) {
      throw new Error(
        `the scenario needs more than the ${shared.length} shared files of a ${shape.fileCount}-file service`,
      );
    }
    return shared.slice(taken, (taken += count));
  };
  const sharedChanged = take(shape.sharedTextChanges);
  const renamed = take(shape.renames);
  const removed = take(shape.removals);
  const keptByTemplate = take(shape.keptCustomisations);
  if (platform.length < shape.platformChanges) {
    throw new Error(`only ${platform.length} platform files to change`);
  }
  const platformChanged = platform.slice(0, shape.platformChanges);
  const renames = renamed.map(file => ({
    from: file.path,
    to: `src/moved/${path.posix.basename(file.path)}`,
  }));

  // Version 2.0.0.
  const v2 = new Map(v1.map(file => [file.path, file]));
  for (const file of [...platformChanged, ...sharedChanged]) {
    v2.set(file.path, reviseCodeFile(file));
  }
  v2.set(
    'docs/logo.png',
    generateBinaryFile('docs/logo.png', 16 * 1024, createRandom(seed + 3)),
  );
  renamed.forEach((file, i) => {
    v2.delete(file.path);
    v2.set(renames[i].to, { ...file, path: renames[i].to });
  });
  for (const file of removed) v2.delete(file.path);
  const added: SkeletonFile[] = [];
  for (let i = 0; i < shape.additions; i++) {
    added.push(
      generateCodeFile({
        path: `src/insights/metric-${i}.ts`,
        style: 'ts',
        bytes: 1024 + Math.floor(random() * 19 * 1024),
        random,
        version: TO_VERSION,
      }),
    );
  }
  for (const file of added) v2.set(file.path, file);

  const templateDir = path.join(root, 'template');
  await fs.mkdir(templateDir, { recursive: true });
  await fs.writeFile(
    path.join(templateDir, 'template.yaml'),
    yaml.stringify({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: {
        name: 'bench-service',
        annotations: { [ANNOTATION_TEMPLATE_VERSION]: TO_VERSION },
      },
      spec: { owner: 'group:default/platform-team', type: 'service' },
    }),
  );
  await writeVersion(templateDir, FROM_VERSION, v1, {
    breaking: false,
    changes: ['First release'],
    ownership: BENCH_OWNERSHIP,
    renames: {},
    parameters: {},
  });
  await writeVersion(templateDir, TO_VERSION, [...v2.values()], {
    breaking: true,
    changes: [
      `Revises ${platformChanged.length + sharedChanged.length + 1} files`,
      `Moves ${renames.length} files to src/moved/`,
      `Adds src/insights/ (${added.length} files)`,
    ],
    ownership: BENCH_OWNERSHIP,
    renames: Object.fromEntries(renames.map(({ from, to }) => [from, to])),
    parameters: {},
  });
  const templateSource = pathToFileURL(
    path.join(templateDir, 'template.yaml'),
  ).toString();

  // The service at 1.0.0, exactly as fetch:template + the stamp leave it.
  const serviceDir = path.join(root, 'service');
  await renderService({
    skeletonDir: path.join(templateDir, 'versions', FROM_VERSION, 'skeleton'),
    serviceDir,
    values: BENCH_VALUES,
  });
  await stampWorkspace({
    workspacePath: serviceDir,
    templateRef: BENCH_TEMPLATE_REF,
    version: FROM_VERSION,
    templateSource,
    values: BENCH_VALUES,
    ownership: BENCH_OWNERSHIP,
  });

  // The team's changes: appended lines the template never touches, or, for
  // the conflicts, an edit of the revision line the template changes too.
  const customisations: Customisation[] = [];
  const customise = async (
    file: Extract<SkeletonFile, { kind: 'code' }>,
    outcome: Customisation['outcome'],
    finalPath = file.path,
  ) => {
    const absolute = path.join(serviceDir, file.path);
    const marker = comment(file.style, `team-customisation: ${file.path}`);
    let text = await fs.readFile(absolute, 'utf8');
    if (outcome === 'conflict') {
      const lines = text.split('\n');
      lines[REVISION_LINE] = `${lines[REVISION_LINE]} ${marker}`;
      text = lines.join('\n');
    } else {
      text += `${marker}\n${comment(file.style, 'Kept by every upgrade.')}\n`;
    }
    await fs.writeFile(absolute, text);
    customisations.push({
      path: file.path,
      finalPath,
      outcome,
      style: file.style,
      marker,
      text,
    });
  };
  const merged = sharedChanged.slice(0, shape.mergedCustomisations);
  const conflicting = sharedChanged.slice(
    shape.mergedCustomisations,
    shape.mergedCustomisations + shape.conflictingCustomisations,
  );
  for (const file of merged) await customise(file, 'merged');
  for (const file of conflicting) await customise(file, 'conflict');
  for (const [i, file] of renamed
    .slice(0, shape.movedCustomisations)
    .entries()) {
    await customise(file, 'moved', renames[i].to);
  }
  for (const file of keptByTemplate) await customise(file, 'kept');

  const changedFiles = [
    ...platformChanged.map(file => file.path),
    ...sharedChanged.map(file => file.path),
    'docs/logo.png',
    ...renames.flatMap(({ from, to }) => [from, to]),
    ...removed.map(file => file.path),
    ...added.map(file => file.path),
    // Re-stamped with the new version, and rewritten by the action.
    'catalog-info.yaml',
    DEFAULT_LOCK_PATH,
  ].sort();
  const tree = await listTree(serviceDir, [DEFAULT_LOCK_PATH]);
  return {
    templateDir,
    templateSource,
    serviceDir,
    serviceFiles: tree.files.length,
    serviceBytes: tree.bytes,
    targetVersion: TO_VERSION,
    expected: {
      changedFiles,
      conflicts: conflicting.map(file => file.path).sort(),
      customisations,
      platformChanged: platformChanged.map(file => file.path),
      renamed: renames,
      removed: removed.map(file => file.path),
      added: added.map(file => file.path),
    },
  };
}

async function readIfExists(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
}

function describeDifference(what: string, actual: string[], want: string[]) {
  const missing = want.filter(item => !actual.includes(item));
  const extra = actual.filter(item => !want.includes(item));
  return `${what}: ${actual.length} instead of ${
    want.length
  }; missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`;
}

/**
 * Checks that an upgraded copy of the scenario's service is what a correct
 * upgrade gives: the reported changed files and conflicts exactly as
 * designed, every customisation kept, merged, moved or marked as a
 * conflict, template changes applied, and the lock and catalog-info.yaml at
 * the new version. Throws listing every problem.
 */
export async function verifyUpgrade(
  scenario: UpgradeScenario,
  workspacePath: string,
  outputs: Map<string, JsonValue>,
): Promise<void> {
  const { expected } = scenario;
  const problems: string[] = [];
  const read = (file: string) => readIfExists(path.join(workspacePath, file));

  const changedFiles = [...((outputs.get('changedFiles') as string[]) ?? [])];
  if (changedFiles.sort().join('\n') !== expected.changedFiles.join('\n')) {
    problems.push(
      describeDifference('changedFiles', changedFiles, expected.changedFiles),
    );
  }
  const conflicts = (
    (outputs.get('conflicts') as Array<{ path: string }>) ?? []
  )
    .map(conflict => conflict.path)
    .sort();
  if (conflicts.join('\n') !== expected.conflicts.join('\n')) {
    problems.push(
      describeDifference('conflicts', conflicts, expected.conflicts),
    );
  }

  for (const custom of expected.customisations) {
    const text = await read(custom.finalPath);
    if (text === undefined) {
      problems.push(`${custom.finalPath}: missing`);
      continue;
    }
    const ok = {
      kept: () => text === custom.text,
      moved: () => text === custom.text,
      merged: () =>
        text.includes(custom.marker) &&
        text.includes(revisionLine(custom.style, TO_VERSION)) &&
        text.includes(templateAddedLine(custom.style)) &&
        !text.includes('<<<<<<<'),
      conflict: () => text.includes(custom.marker) && text.includes('<<<<<<<'),
    }[custom.outcome]();
    if (!ok)
      problems.push(`${custom.finalPath}: not ${custom.outcome} as designed`);
  }
  for (const file of expected.platformChanged) {
    if (!(await read(file))?.includes(revisionLine('ts', TO_VERSION))) {
      problems.push(`${file}: not replaced by the new version`);
    }
  }
  for (const file of [
    ...expected.removed,
    ...expected.renamed.map(({ from }) => from),
  ]) {
    if ((await read(file)) !== undefined) problems.push(`${file}: still there`);
  }
  for (const file of [
    ...expected.added,
    ...expected.renamed.map(({ to }) => to),
  ]) {
    if ((await read(file)) === undefined) problems.push(`${file}: not created`);
  }

  const lock = JSON.parse((await read(DEFAULT_LOCK_PATH)) ?? '{}');
  if (lock.version !== TO_VERSION) {
    problems.push(`lock: at version ${lock.version}, not ${TO_VERSION}`);
  }
  const entity = yaml.parse((await read('catalog-info.yaml')) ?? '');
  const stamped = entity?.metadata?.annotations?.[ANNOTATION_TEMPLATE_VERSION];
  if (stamped !== TO_VERSION) {
    problems.push(
      `catalog-info.yaml: at version ${stamped}, not ${TO_VERSION}`,
    );
  }

  if (problems.length > 0) {
    throw new Error(
      `The upgrade did not do the designed work:\n- ${problems.join('\n- ')}`,
    );
  }
}
