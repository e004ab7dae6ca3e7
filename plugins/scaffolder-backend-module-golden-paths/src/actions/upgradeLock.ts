import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_LOCK,
  ANNOTATION_SOURCE_TEMPLATE,
  isFileOwnership,
  isSafeRelativePath,
  parseVersion,
  PavedLockFile,
  PavedLockFileEntry,
} from '@paved/backstage-plugin-golden-paths-common';
import { isMap, parseAllDocuments } from 'yaml';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks a service's lock file. An upgrade trusts every path in
 * it, so anything off is an InputError naming the field, before a file is
 * read or written.
 */
export function parseLockFile(text: string, lockPath: string): PavedLockFile {
  const where = `lock file '${lockPath}'`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${where} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!isPlainObject(raw)) {
    throw new InputError(`${where} must hold a JSON object`);
  }
  if (raw.schemaVersion !== 1) {
    throw new InputError(
      `${where}: schemaVersion must be 1, got ${JSON.stringify(
        raw.schemaVersion,
      )}`,
    );
  }
  if (typeof raw.templateRef !== 'string' || raw.templateRef === '') {
    throw new InputError(`${where}: templateRef must be a template entity ref`);
  }
  const version =
    typeof raw.version === 'string' ? parseVersion(raw.version) : undefined;
  if (!version) {
    throw new InputError(
      `${where}: version must be a semver version, got ${JSON.stringify(
        raw.version,
      )}`,
    );
  }
  if (
    raw.templateSource !== undefined &&
    (typeof raw.templateSource !== 'string' || raw.templateSource === '')
  ) {
    throw new InputError(`${where}: templateSource must be a URL`);
  }
  if (!isPlainObject(raw.answers)) {
    throw new InputError(`${where}: answers must be an object`);
  }
  if (!Array.isArray(raw.files)) {
    throw new InputError(`${where}: files must be a list`);
  }

  const seen = new Set<string>();
  const files: PavedLockFileEntry[] = raw.files.map((entry, index) => {
    const field = `${where}: files[${index}]`;
    if (!isPlainObject(entry)) {
      throw new InputError(`${field} must be an object`);
    }
    const { path, sha256, ownership } = entry;
    if (typeof path !== 'string' || !isSafeRelativePath(path)) {
      throw new InputError(
        `${field}.path ${JSON.stringify(
          path,
        )} is not a relative path inside the service`,
      );
    }
    if (seen.has(path)) {
      throw new InputError(`${field}.path '${path}' is listed twice`);
    }
    seen.add(path);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new InputError(`${field}.sha256 is not a lowercase hex sha256`);
    }
    if (!isFileOwnership(ownership)) {
      throw new InputError(
        `${field}.ownership must be platform, shared or seed, got ${JSON.stringify(
          ownership,
        )}`,
      );
    }
    return { path, sha256, ownership };
  });

  return {
    schemaVersion: 1,
    templateRef: raw.templateRef,
    version,
    ...(raw.templateSource
      ? { templateSource: raw.templateSource as string }
      : {}),
    answers: raw.answers,
    files,
  };
}

/**
 * The provenance a service's catalog-info.yaml carries, as
 * `paved:provenance:stamp` wrote it.
 */
export type CatalogProvenance = {
  /** The `paved.dev/lock` annotation, when set. */
  lockPath?: string;
  /** Each template ref the entity names, with the field that names it. */
  templateRefs: Array<{ field: string; ref: string }>;
};

/**
 * Reads the provenance of the first Component in a catalog-info file. A file
 * without a Component carries none; a file that is not YAML is an InputError
 * naming catalogInfoPath.
 */
export function readCatalogProvenance(
  text: string,
  file: string,
): CatalogProvenance {
  const documents = parseAllDocuments(text);
  const broken = documents.find(doc => doc.errors.length > 0);
  if (broken) {
    throw new InputError(
      `catalogInfoPath '${file}' is not valid YAML: ${broken.errors[0].message}`,
    );
  }
  const component = documents.find(
    doc => isMap(doc.contents) && doc.get('kind') === 'Component',
  );
  const entity = component?.toJS() as
    | {
        metadata?: { annotations?: Record<string, unknown> };
        spec?: Record<string, unknown>;
      }
    | undefined;
  const annotations = isPlainObject(entity?.metadata?.annotations)
    ? entity!.metadata!.annotations!
    : {};
  const spec = isPlainObject(entity?.spec) ? entity!.spec! : {};

  const templateRefs: CatalogProvenance['templateRefs'] = [];
  const sourceTemplate = annotations[ANNOTATION_SOURCE_TEMPLATE];
  if (typeof sourceTemplate === 'string' && sourceTemplate !== '') {
    templateRefs.push({
      field: `metadata.annotations["${ANNOTATION_SOURCE_TEMPLATE}"]`,
      ref: sourceTemplate,
    });
  }
  if (typeof spec.scaffoldedFrom === 'string' && spec.scaffoldedFrom !== '') {
    templateRefs.push({
      field: 'spec.scaffoldedFrom',
      ref: spec.scaffoldedFrom,
    });
  }
  const lockPath = annotations[ANNOTATION_LOCK];
  return {
    ...(typeof lockPath === 'string' && lockPath !== '' ? { lockPath } : {}),
    templateRefs,
  };
}

// 'node-service', 'default/node-service' and 'template:default/node-service'
// all name the same template; entity refs compare case-insensitively.
function normalizeTemplateRef(ref: string): string {
  let normalized = ref;
  try {
    normalized = stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    // Not a ref at all: compare it as written.
  }
  return normalized.toLocaleLowerCase('en-US');
}

/**
 * Tells whether two entity refs name the same template.
 */
export function isSameTemplateRef(a: string, b: string): boolean {
  return normalizeTemplateRef(a) === normalizeTemplateRef(b);
}
