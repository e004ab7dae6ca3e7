import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  buildLockFile,
  compareVersions,
  DEFAULT_LOCK_PATH,
  fileContentFromBytes,
  FileContent,
  parseVersion,
  planUpgrade,
  resolveFileOwnership,
  serializeLockFile,
  summarizeUpgrade,
} from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { renderSkeleton, RenderedSkeleton } from '../render/renderSkeleton';
import { stampCatalogInfo } from './stamp';
import { examples } from './upgrade.examples';
import {
  applyServiceFileChanges,
  fileContentBytes,
  readServiceFiles,
  resolveServiceDir,
  resolveServiceFileChanges,
  ServiceFileChange,
} from './upgradeFiles';
import {
  isSameTemplateRef,
  parseLockFile,
  readCatalogProvenance,
} from './upgradeLock';
import {
  chainRenames,
  fetchPublishedVersions,
  publishedVersionDir,
  readVersionManifest,
  TemplateVersionManifest,
} from './upgradeTemplate';
import { resolveWorkspaceFile, sha256 } from './workspace';

/**
 * Id of the action that upgrades a service to a newer template version.
 *
 * @public
 */
export const TEMPLATE_UPGRADE_ACTION_ID = 'paved:template:upgrade';

const DEFAULT_CATALOG_INFO_PATH = 'catalog-info.yaml';

type UpgradeConflictOutput = { path: string; reason: string };

type UpgradeResult = {
  fromVersion: string;
  toVersion: string;
  changedFiles: string[];
  conflicts: UpgradeConflictOutput[];
  summary: string;
};

type UpgradeRequest = {
  workspacePath: string;
  servicePath: string;
  targetVersion: string;
  answers: Record<string, unknown>;
  secretKeys: string[];
  lockPath?: string;
  catalogInfoPath?: string;
  templateSource?: string;
  secrets?: Record<string, string | undefined>;
  logger: LoggerService;
  createTemporaryDirectory(): Promise<string>;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function renderVersion(
  versionDir: string,
  version: string,
  values: Record<string, unknown>,
  integrations: ScmIntegrations,
): Promise<RenderedSkeleton> {
  const skeletonDir = path.join(versionDir, 'skeleton');
  const stats = await fs.stat(skeletonDir).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new InputError(
      `template version ${version} has no skeleton/ directory`,
    );
  }
  try {
    return await renderSkeleton({ skeletonDir, values, integrations });
  } catch (error) {
    if (isError(error) && error.name === 'InputError') {
      throw new InputError(`template version ${version}: ${error.message}`);
    }
    throw error;
  }
}

// The stamp action rewrites catalog-info.yaml right after fetch:template, so
// that is what the service was created with. Stamping both renders makes the
// old one equal the created file, and lets the 3-way merge carry the new
// version annotation like any other template change.
function stampRender(
  render: RenderedSkeleton,
  catalogInfoPath: string,
  provenance: { templateRef: string; version: string; lockPath: string },
) {
  const content = render.files.get(catalogInfoPath);
  if (!content || !('text' in content)) return;
  try {
    render.files.set(catalogInfoPath, {
      text: stampCatalogInfo(content.text, catalogInfoPath, provenance),
    });
  } catch (error) {
    // A skeleton without a Component was not stamped at creation either.
    if (!(isError(error) && error.name === 'InputError')) throw error;
  }
}

function changelog(manifests: TemplateVersionManifest[]): string {
  const lines = ['', '### What changed in the template', ''];
  for (const manifest of [...manifests].reverse()) {
    lines.push(
      `#### ${manifest.version}${manifest.breaking ? ' (breaking)' : ''}`,
      '',
    );
    if (manifest.changes.length === 0) lines.push('- No changelog given.');
    for (const change of manifest.changes) {
      lines.push(`- ${change.replace(/\r?\n/g, ' ')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function upgradeService(
  request: UpgradeRequest,
  options: {
    reader: UrlReaderService;
    integrations: ScmIntegrations;
  },
): Promise<UpgradeResult> {
  const { targetVersion, logger } = request;
  const serviceDir = await resolveServiceDir(
    request.workspacePath,
    request.servicePath,
  );

  // 1. What the service says about itself: catalog-info.yaml and the lock.
  const catalogInfo = await resolveWorkspaceFile(
    serviceDir,
    request.catalogInfoPath ?? DEFAULT_CATALOG_INFO_PATH,
    'catalogInfoPath',
  );
  const catalogText = await readTextIfExists(catalogInfo.absolutePath);
  const provenance =
    catalogText === undefined
      ? { templateRefs: [] }
      : readCatalogProvenance(catalogText, catalogInfo.path);

  const lockFile = await resolveWorkspaceFile(
    serviceDir,
    request.lockPath ?? provenance.lockPath ?? DEFAULT_LOCK_PATH,
    'lockPath',
  );
  if (lockFile.realPath === catalogInfo.realPath) {
    throw new InputError('lockPath and catalogInfoPath name the same file');
  }
  const lockText = await readTextIfExists(lockFile.absolutePath);
  if (lockText === undefined) {
    throw new InputError(
      `lockPath '${lockFile.path}' does not exist in the service; only a service stamped by paved:provenance:stamp can be upgraded`,
    );
  }
  const lock = parseLockFile(lockText, lockFile.path);
  for (const { field, ref } of provenance.templateRefs) {
    if (!isSameTemplateRef(ref, lock.templateRef)) {
      throw new InputError(
        `lock is from another template: '${lockFile.path}' names ${lock.templateRef}, but ${field} in '${catalogInfo.path}' names ${ref}`,
      );
    }
  }

  // 2. Only forward.
  if (compareVersions(targetVersion, lock.version) <= 0) {
    throw new InputError(
      `targetVersion ${targetVersion} is not newer than the service's version ${lock.version}`,
    );
  }

  // 3. Both versions, and the manifests of every version in between.
  const templateSource = request.templateSource ?? lock.templateSource;
  if (!templateSource) {
    throw new InputError(
      `templateSource is unknown: '${lockFile.path}' records none; pass templateSource`,
    );
  }
  const published = await fetchPublishedVersions({
    ...options,
    templateSource,
    outputDir: await request.createTemporaryDirectory(),
  });
  const oldDir = publishedVersionDir(published, lock.version);
  const newDir = publishedVersionDir(published, targetVersion);
  const manifests: TemplateVersionManifest[] = [];
  for (const version of published.versions) {
    if (
      compareVersions(version, lock.version) > 0 &&
      compareVersions(version, targetVersion) <= 0
    ) {
      manifests.push(
        await readVersionManifest(published.directoryOf(version), version),
      );
    }
  }
  const newManifest = manifests[manifests.length - 1];

  // 4. Render both. The old version gets exactly the recorded answers, or
  // its render would not be what the service was created with; given
  // answers only fill gaps there (e.g. secrets the lock left out). The new
  // version takes the defaults of its new parameters, then the recorded
  // answers, then the given ones.
  const givenAnswers = request.answers;
  const oldValues = { ...givenAnswers, ...lock.answers };
  const newValues = {
    ...Object.assign({}, ...manifests.map(m => m.parameters)),
    ...lock.answers,
    ...givenAnswers,
  };
  const oldRender = await renderVersion(
    oldDir,
    lock.version,
    oldValues,
    options.integrations,
  );
  const newRender = await renderVersion(
    newDir,
    targetVersion,
    newValues,
    options.integrations,
  );
  const stamp = { templateRef: lock.templateRef, lockPath: lockFile.path };
  stampRender(oldRender, catalogInfo.path, { ...stamp, version: lock.version });
  stampRender(newRender, catalogInfo.path, {
    ...stamp,
    version: targetVersion,
  });
  // The lock is this action's to write, whatever a skeleton holds.
  oldRender.files.delete(lockFile.path);
  newRender.files.delete(lockFile.path);

  // 5. Plan the merge against the service's files.
  const currentBytes = await readServiceFiles(serviceDir, [
    ...oldRender.files.keys(),
    ...newRender.files.keys(),
    ...lock.files.map(entry => entry.path),
    catalogInfo.path,
  ]);
  const current = new Map<string, FileContent>();
  for (const [file, bytes] of currentBytes) {
    current.set(file, fileContentFromBytes(new Uint8Array(bytes)));
  }
  let plan;
  try {
    plan = planUpgrade({
      oldRender: oldRender.files,
      newRender: newRender.files,
      current,
      lock,
      ownershipFor: file => resolveFileOwnership(file, newManifest.ownership),
      renames: chainRenames(manifests.map(m => m.renames)),
      labels: { ours: 'service', theirs: `template ${targetVersion}` },
    });
  } catch (error) {
    // Only an unsafe path makes it throw, and the lock was checked already.
    if (error instanceof TypeError) throw new InputError(error.message);
    throw error;
  }

  // 6. Turn the plan into file changes, and know every file's final bytes.
  const changes = new Map<string, ServiceFileChange>();
  const finalBytes = new Map(currentBytes);
  const write = (file: string, content: FileContent, mode?: number) => {
    changes.set(file, {
      path: file,
      action: 'write',
      content,
      ...(mode !== undefined ? { mode } : {}),
    });
    finalBytes.set(file, fileContentBytes(content));
  };
  for (const change of plan.changes) {
    if (change.action === 'delete') {
      changes.set(change.path, { path: change.path, action: 'delete' });
      finalBytes.delete(change.path);
    } else if (change.content) {
      write(
        change.path,
        change.content,
        change.action === 'create'
          ? newRender.modes.get(change.path)
          : undefined,
      );
    }
  }

  // The merge usually carries the new version annotation already; this
  // covers a catalog-info.yaml the template does not render, or one whose
  // annotation the team reformatted. Conflict markers are left for a person.
  const finalCatalog = finalBytes.get(catalogInfo.path);
  const catalogConflicted = plan.conflicts.some(
    conflict => conflict.path === catalogInfo.path,
  );
  if (finalCatalog && !catalogConflicted) {
    const text = finalCatalog.toString('utf8');
    try {
      const stamped = stampCatalogInfo(text, catalogInfo.path, {
        ...stamp,
        version: targetVersion,
      });
      if (stamped !== text) write(catalogInfo.path, { text: stamped });
    } catch (error) {
      if (!(isError(error) && error.name === 'InputError')) throw error;
      logger.warn(
        `Not updating the template version in ${catalogInfo.path}: ${error.message}`,
      );
    }
  } else if (catalogConflicted) {
    logger.warn(
      `Not updating the template version in ${catalogInfo.path}: it has conflicts to resolve`,
    );
  }

  // 7. The new lock: every file the new version renders, as it now is in the
  // service. Files the template never rendered (added by other steps at
  // creation) keep their entry, so drift is still measured from creation.
  const lockEntries: Array<{ path: string; sha256: string }> = [];
  for (const file of newRender.files.keys()) {
    const bytes = finalBytes.get(file);
    if (bytes) lockEntries.push({ path: file, sha256: sha256(bytes) });
  }
  for (const entry of lock.files) {
    const bytes = finalBytes.get(entry.path);
    if (
      !bytes ||
      entry.path === lockFile.path ||
      oldRender.files.has(entry.path) ||
      newRender.files.has(entry.path)
    ) {
      continue;
    }
    lockEntries.push({
      path: entry.path,
      sha256: changes.has(entry.path) ? sha256(bytes) : entry.sha256,
    });
  }
  const newLock = buildLockFile({
    templateRef: lock.templateRef,
    version: targetVersion,
    templateSource: lock.templateSource ?? templateSource,
    answers: newValues,
    secretKeys: request.secretKeys,
    secrets: request.secrets,
    files: lockEntries,
    ownership: newManifest.ownership,
  });
  write(lockFile.path, { text: serializeLockFile(newLock) });

  // 8. Check every path, then write. Nothing is written before this point.
  const resolved = await resolveServiceFileChanges(serviceDir, [
    ...changes.values(),
  ]);
  await applyServiceFileChanges(serviceDir, resolved);

  const changedFiles = [...changes.keys()].sort((a, b) =>
    a < b ? -1 : Number(a > b),
  );
  const conflicts = plan.conflicts.map(({ path: file, reason }) => ({
    path: file,
    reason,
  }));
  logger.info(
    `Upgraded ${lock.templateRef} from ${lock.version} to ${targetVersion}: ${changedFiles.length} files changed, ${conflicts.length} conflicts`,
  );
  return {
    fromVersion: lock.version,
    toVersion: targetVersion,
    changedFiles,
    conflicts,
    summary:
      summarizeUpgrade(plan, {
        fromVersion: lock.version,
        toVersion: targetVersion,
        templateRef: lock.templateRef,
      }) + changelog(manifests),
  };
}

/**
 * Creates the `paved:template:upgrade` action: upgrades a service created
 * from a golden path to a newer version of it. It re-renders the version the
 * service is on and the target version with the service's recorded answers,
 * merges 3-way into the service's files following each file's ownership,
 * marks and lists conflicts, and rewrites the lock file and the version
 * annotation. Meant to be followed by a pull-request step.
 *
 * @public
 */
export function createTemplateUpgradeAction(options: {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
}) {
  return createTemplateAction({
    id: TEMPLATE_UPGRADE_ACTION_ID,
    description:
      "Upgrades a service to a newer version of the golden-path template it was created from: re-renders the old and new versions with the answers in the service's lock file, merges 3-way into the service's files (platform files replaced, shared files merged, seed files untouched), marks conflicts inline, and rewrites the lock file and the template-version annotation.",
    examples,
    // Reads the template, and writes only inside the task workspace, which a
    // dry run throws away.
    supportsDryRun: true,
    schema: {
      input: {
        targetVersion: z =>
          z.string({
            description:
              'Semver of the template version to upgrade to; must be newer than the version the service is on.',
          }),
        servicePath: z =>
          z
            .string({
              description:
                "Directory of the service's files, relative to the workspace, e.g. where fetch:plain or a git clone put them. Defaults to the workspace itself.",
            })
            .optional(),
        answers: z =>
          z
            // z.any, as fetch:template's values: answers are JSON.
            .record(z.any(), {
              description:
                'Answers to parameters new in the target version, or changed answers; merged over the answers in the lock file. New parameters without an answer take the default their version declares.',
            })
            .optional(),
        secretKeys: z =>
          z
            .array(z.string(), {
              description:
                'Answer keys never to record in the lock file. Task secrets, and answers containing them, are left out anyway.',
            })
            .optional(),
        lockPath: z =>
          z
            .string({
              description: `The lock file, relative to the service. Defaults to the service's paved.dev/lock annotation, else '${DEFAULT_LOCK_PATH}'.`,
            })
            .optional(),
        catalogInfoPath: z =>
          z
            .string({
              description: `The service's catalog file, relative to the service. Defaults to '${DEFAULT_CATALOG_INFO_PATH}'.`,
            })
            .optional(),
        templateSource: z =>
          z
            .string({
              description:
                "Location of the template's template.yaml, next to its versions/ directory. Defaults to the one recorded in the lock file.",
            })
            .optional(),
      },
      output: {
        changedFiles: z =>
          z.array(z.string(), {
            description:
              'Paths, relative to the service, of every file created, updated (conflict markers included) or deleted, and the lock file',
          }),
        conflicts: z =>
          z.array(
            z.object({
              path: z.string({ description: 'Path relative to the service' }),
              reason: z.string({ description: 'Why it needs a person' }),
            }),
            { description: 'Files to resolve by hand before merging' },
          ),
        summary: z =>
          z.string({
            description:
              'Markdown describing the upgrade, for the body of a pull request',
          }),
        fromVersion: z =>
          z.string({ description: 'The version the service was on' }),
        toVersion: z =>
          z.string({ description: 'The version the service is now on' }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;

      // The scaffolder validates input against the JSON schema before calling
      // us, but this action is also called directly (tests, other actions).
      const targetVersion =
        typeof input.targetVersion === 'string'
          ? parseVersion(input.targetVersion)
          : undefined;
      if (!targetVersion) {
        throw new InputError(
          `targetVersion '${String(
            input.targetVersion,
          )}' is not a semver version`,
        );
      }
      if (input.answers !== undefined && !isPlainObject(input.answers)) {
        throw new InputError('answers must be an object of answers');
      }
      if (
        input.secretKeys !== undefined &&
        !(
          Array.isArray(input.secretKeys) &&
          input.secretKeys.every(key => typeof key === 'string')
        )
      ) {
        throw new InputError('secretKeys must be a list of answer keys');
      }
      for (const field of [
        'servicePath',
        'lockPath',
        'catalogInfoPath',
        'templateSource',
      ] as const) {
        const value = input[field];
        if (value !== undefined && (typeof value !== 'string' || !value)) {
          throw new InputError(`${field} must be a non-empty string`);
        }
      }
      const servicePath = input.servicePath ?? '.';

      // One checkpoint around the whole upgrade, not just the writes: the
      // reads before them see the service as it was, so a task recovered
      // after the writes would find the lock already at targetVersion and
      // refuse. With the checkpoint it reuses the recorded result instead.
      const result = await ctx.checkpoint({
        key: `upgrade:${servicePath}:${targetVersion}`,
        fn: () =>
          upgradeService(
            {
              workspacePath: ctx.workspacePath,
              servicePath,
              targetVersion,
              answers: input.answers ?? {},
              secretKeys: input.secretKeys ?? [],
              lockPath: input.lockPath,
              catalogInfoPath: input.catalogInfoPath,
              templateSource: input.templateSource,
              secrets: ctx.secrets,
              logger: ctx.logger,
              createTemporaryDirectory: () => ctx.createTemporaryDirectory(),
            },
            options,
          ),
      });

      ctx.output('fromVersion', result.fromVersion);
      ctx.output('toVersion', result.toVersion);
      ctx.output('changedFiles', result.changedFiles);
      ctx.output('conflicts', result.conflicts);
      ctx.output('summary', result.summary);
    },
  });
}
