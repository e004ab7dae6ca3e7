import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_LOCK,
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  DEFAULT_LOCK_PATH,
  FILE_OWNERSHIPS,
  FileOwnershipRules,
  buildLockFile,
  findOwnershipRuleProblems,
  nonSecretAnswers,
  parseVersion,
  serializeLockFile,
} from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, isMap, isScalar } from 'yaml';
import { examples } from './stamp.examples';
import { hashWorkspaceFiles, resolveWorkspaceFile } from './workspace';

/**
 * Id of the action that records a new service's golden-path provenance.
 *
 * @public
 */
export const STAMP_PROVENANCE_ACTION_ID = 'paved:provenance:stamp';

const DEFAULT_CATALOG_INFO_PATH = 'catalog-info.yaml';

type Provenance = { templateRef: string; version: string; lockPath: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Stamps provenance into the first Component of a catalog-info file, keeping
 * comments, other documents and other fields as they are. Throws an
 * InputError naming catalogInfoPath when the file cannot carry provenance.
 */
export function stampCatalogInfo(
  text: string,
  file: string,
  provenance: Provenance,
): string {
  const documents = parseAllDocuments(text);
  // An empty file, or one with only comments, holds no document at all.
  if (documents.length === 0) {
    throw new InputError(`catalogInfoPath '${file}' is empty`);
  }
  const broken = documents.find(doc => doc.errors.length > 0);
  if (broken) {
    throw new InputError(
      `catalogInfoPath '${file}' is not valid YAML: ${broken.errors[0].message}`,
    );
  }
  const component = documents.find(
    doc => isMap(doc.contents) && doc.get('kind') === 'Component',
  );
  if (!component) {
    throw new InputError(
      `catalogInfoPath '${file}' has no document of kind Component to stamp`,
    );
  }

  const metadata = component.get('metadata', true);
  if (!isMap(metadata)) {
    throw new InputError(
      `catalogInfoPath '${file}': the Component has no metadata mapping`,
    );
  }
  // `annotations:` with nothing after it parses as a null scalar, which
  // setIn cannot descend into.
  const annotations = metadata.get('annotations', true);
  if (
    annotations === undefined ||
    (isScalar(annotations) && annotations.value === null)
  ) {
    metadata.set('annotations', component.createNode({}));
  } else if (!isMap(annotations)) {
    throw new InputError(
      `catalogInfoPath '${file}': metadata.annotations is not a mapping`,
    );
  }
  const spec = component.get('spec', true);
  if (
    spec !== undefined &&
    !isMap(spec) &&
    !(isScalar(spec) && spec.value === null)
  ) {
    throw new InputError(`catalogInfoPath '${file}': spec is not a mapping`);
  }
  if (!isMap(spec)) component.set('spec', component.createNode({}));

  component.setIn(
    ['metadata', 'annotations', ANNOTATION_TEMPLATE_VERSION],
    provenance.version,
  );
  component.setIn(
    ['metadata', 'annotations', ANNOTATION_SOURCE_TEMPLATE],
    provenance.templateRef,
  );
  component.setIn(
    ['metadata', 'annotations', ANNOTATION_LOCK],
    provenance.lockPath,
  );
  component.setIn(['spec', 'scaffoldedFrom'], provenance.templateRef);

  // lineWidth 0: re-folding long descriptions would show up as noise in the
  // first diff of the new repository.
  return documents.map(doc => doc.toString({ lineWidth: 0 })).join('');
}

/**
 * Writes a service's provenance into a directory holding its rendered files:
 * stamps the catalog-info file and writes the lock file with every file's
 * sha256 and ownership. Everything is checked before anything is written, so
 * a bad path or catalog file leaves the directory as it was. Used by the stamp
 * action and by anything else that creates a service the same way, such as
 * the demo seeding.
 *
 * @public
 */
export async function stampWorkspace(options: {
  workspacePath: string;
  templateRef: string;
  version: string;
  templateSource?: string;
  values: Record<string, unknown>;
  secretKeys?: string[];
  secrets?: Record<string, string | undefined>;
  ownership?: FileOwnershipRules;
  catalogInfoPath?: string;
  lockPath?: string;
}): Promise<{ fileCount: number; catalogInfoPath: string; lockPath: string }> {
  const { workspacePath, templateRef, version } = options;
  const catalogInfo = await resolveWorkspaceFile(
    workspacePath,
    options.catalogInfoPath ?? DEFAULT_CATALOG_INFO_PATH,
    'catalogInfoPath',
  );
  const lock = await resolveWorkspaceFile(
    workspacePath,
    options.lockPath ?? DEFAULT_LOCK_PATH,
    'lockPath',
  );
  if (lock.realPath === catalogInfo.realPath) {
    throw new InputError('lockPath and catalogInfoPath name the same file');
  }

  let catalogText: string;
  try {
    catalogText = await fs.readFile(catalogInfo.absolutePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(
        `catalogInfoPath '${catalogInfo.path}' does not exist in the workspace; run fetch:template before this action`,
      );
    }
    throw error;
  }
  const stampedCatalog = stampCatalogInfo(catalogText, catalogInfo.path, {
    templateRef,
    version,
    lockPath: lock.path,
  });

  // Hash catalog-info.yaml as stamped, since that is the content that lands in
  // the repository and that drift is later measured against. The lock file
  // cannot list its own hash, so it is left out.
  const files = await hashWorkspaceFiles(workspacePath, {
    exclude: [lock.path, lock.realPath],
    replace: new Map([[catalogInfo.realPath, stampedCatalog]]),
  });
  const lockFile = buildLockFile({
    templateRef,
    version,
    templateSource: options.templateSource,
    // Secrets are filtered inside, so the lock is safe whoever builds it.
    answers: options.values,
    secretKeys: options.secretKeys ?? [],
    secrets: options.secrets,
    files,
    ownership: options.ownership ?? {},
  });

  await fs.writeFile(catalogInfo.absolutePath, stampedCatalog, 'utf8');
  await fs.mkdir(path.dirname(lock.absolutePath), { recursive: true });
  await fs.writeFile(lock.absolutePath, serializeLockFile(lockFile), 'utf8');
  return {
    fileCount: lockFile.files.length,
    catalogInfoPath: catalogInfo.path,
    lockPath: lock.path,
  };
}

/**
 * Creates the `paved:provenance:stamp` action: run after `fetch:template`, it
 * records which template version a new service came from, in the service's
 * catalog-info.yaml and in a lock file that later upgrades and drift checks read.
 *
 * @public
 */
export function createStampProvenanceAction() {
  return createTemplateAction({
    id: STAMP_PROVENANCE_ACTION_ID,
    description:
      'Records golden-path provenance: stamps the template ref and version into catalog-info.yaml and writes a lock file with the answers and a hash and ownership for every rendered file.',
    examples,
    // Only the task workspace is written, which a dry run throws away.
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string({
              description: `Catalog file to stamp, relative to the workspace. Defaults to '${DEFAULT_CATALOG_INFO_PATH}'.`,
            })
            .optional(),
        lockPath: z =>
          z
            .string({
              description: `Where to write the lock file, relative to the workspace. Defaults to '${DEFAULT_LOCK_PATH}'.`,
            })
            .optional(),
        values: z =>
          z.record(z.unknown(), {
            description:
              'The answers to record so an upgrade can re-render the template, usually ${{ parameters }}. Secrets are left out.',
          }),
        secretKeys: z =>
          z
            .array(z.string(), {
              description:
                'Answer keys never to record. Answers given through ui:field Secret, and any answer containing a secret value, are left out anyway.',
            })
            .optional(),
        ownership: z =>
          z
            .record(z.enum(FILE_OWNERSHIPS), {
              description:
                "Who owns each file on upgrade, by path prefix ('src/') or exact path ('Dockerfile'), no globs; the longest match wins. platform: replaced, shared: 3-way merged, seed: never touched again. Unlisted files are shared.",
            })
            .optional(),
        templateVersion: z =>
          z
            .string({
              description: `Semver of the template. Defaults to the template's '${ANNOTATION_TEMPLATE_VERSION}' annotation.`,
            })
            .optional(),
        templateSource: z =>
          z
            .string({
              description:
                "Where the template lives at this version, e.g. a URL pinned to a tag. Defaults to the template's location.",
            })
            .optional(),
      },
      output: {
        version: z => z.string({ description: 'The template version stamped' }),
        templateRef: z =>
          z.string({ description: 'Entity ref of the template stamped' }),
        lockPath: z =>
          z.string({ description: 'Path of the lock file in the repository' }),
        fileCount: z =>
          z.number({ description: 'How many files the lock file lists' }),
      },
    },
    async handler(ctx) {
      const { input, templateInfo, workspacePath } = ctx;

      // Everything is validated, and both files computed, before anything is
      // written, so bad input leaves the workspace exactly as it was.
      const templateRef = templateInfo?.entityRef;
      if (!templateRef) {
        throw new InputError(
          'templateRef is unknown: the task carries no templateInfo.entityRef; run this action from a template',
        );
      }

      const rawVersion =
        input.templateVersion ??
        templateInfo?.entity?.metadata?.annotations?.[
          ANNOTATION_TEMPLATE_VERSION
        ];
      if (!rawVersion) {
        throw new InputError(
          `templateVersion is unknown: set the '${ANNOTATION_TEMPLATE_VERSION}' annotation on ${templateRef} or pass templateVersion`,
        );
      }
      const version = parseVersion(String(rawVersion));
      if (!version) {
        throw new InputError(
          `templateVersion '${rawVersion}' is not a semver version`,
        );
      }

      // The scaffolder validates input against the JSON schema before calling
      // us, but this action is also called directly (tests, other actions).
      if (!isPlainObject(input.values)) {
        throw new InputError('values must be an object of answers');
      }
      if (
        input.secretKeys !== undefined &&
        !(
          Array.isArray(input.secretKeys) &&
          input.secretKeys.every(k => typeof k === 'string')
        )
      ) {
        throw new InputError('secretKeys must be a list of answer keys');
      }
      if (input.ownership !== undefined && !isPlainObject(input.ownership)) {
        throw new InputError(
          'ownership must map paths to platform, shared or seed',
        );
      }
      const ownership: FileOwnershipRules = input.ownership ?? {};
      const ownershipProblems = findOwnershipRuleProblems(ownership);
      if (ownershipProblems.length > 0) {
        throw new InputError(
          `ownership is invalid: ${ownershipProblems.join('; ')}`,
        );
      }

      const secretKeys = input.secretKeys ?? [];
      // Names only: the point is that the values never reach a log or a repo.
      const recorded = nonSecretAnswers(input.values, {
        secretKeys,
        secrets: ctx.secrets,
      });
      const dropped = Object.keys(input.values).filter(
        key => !(key in recorded),
      );
      if (dropped.length > 0) {
        ctx.logger.info(`Not recording secret answers: ${dropped.join(', ')}`);
      }

      // Hashing and writing sit in one checkpoint because the runner persists
      // the workspace right after a checkpoint (when a workspace provider is
      // configured): a task recovered after this point gets the stamped files
      // back with the workspace and reuses the recorded result instead of
      // stamping again. The key names both paths, so a step run with `each`
      // keeps one checkpoint per catalog file.
      const catalogInfoPath =
        input.catalogInfoPath ?? DEFAULT_CATALOG_INFO_PATH;
      const lockPath = input.lockPath ?? DEFAULT_LOCK_PATH;
      const stamped = await ctx.checkpoint({
        key: `stamp:${catalogInfoPath}:${lockPath}`,
        fn: () =>
          stampWorkspace({
            workspacePath,
            templateRef,
            version,
            templateSource: input.templateSource ?? templateInfo?.baseUrl,
            values: input.values,
            secretKeys,
            secrets: ctx.secrets,
            ownership,
            catalogInfoPath,
            lockPath,
          }),
      });
      const fileCount = stamped.fileCount;
      const lock = { path: stamped.lockPath };
      const catalogInfo = { path: stamped.catalogInfoPath };

      ctx.logger.info(
        `Stamped ${templateRef} at ${version} into ${catalogInfo.path} and ${lock.path} (${fileCount} files)`,
      );
      ctx.output('version', version);
      ctx.output('templateRef', templateRef);
      ctx.output('lockPath', lock.path);
      ctx.output('fileCount', fileCount);
    },
  });
}
