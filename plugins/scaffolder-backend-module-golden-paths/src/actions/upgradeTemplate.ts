import { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { fetchContents } from '@backstage/plugin-scaffolder-node';
import {
  FileOwnershipRules,
  findOwnershipRuleProblems,
  isSafeRelativePath,
  parseVersion,
  sortVersions,
} from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseDocument } from 'yaml';

/**
 * What a published template version says about itself, from its
 * `versions/<version>/paved.yaml`.
 */
export type TemplateVersionManifest = {
  /** Semver of the version; always the name of its directory. */
  version: string;
  /** Whether upgrading to it needs more than merging. */
  breaking: boolean;
  /** The changelog lines of this version. */
  changes: string[];
  /** Who owns which file on upgrade, as `paved:provenance:stamp` takes it. */
  ownership: FileOwnershipRules;
  /** Files this version renamed: old path → new path. */
  renames: Record<string, string>;
  /** Defaults of the parameters this version added. */
  parameters: Record<string, unknown>;
};

/**
 * Every published version of a template, fetched into a local directory.
 */
export type PublishedVersions = {
  /** Published versions, oldest first. */
  versions: string[];
  /** The local directory holding `versions/<version>`. */
  directoryOf(version: string): string;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNotFound(error: unknown): boolean {
  if (!isError(error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    error.name === 'NotFoundError' || code === 'ENOENT' || code === 'ENOTDIR'
  );
}

/**
 * Fetches the `versions/` directory next to a template's `template.yaml`,
 * holding every published version. One fetch serves the whole upgrade: a
 * URL reader downloads the repository archive anyway, and the intermediate
 * versions' renames and parameters are needed too.
 *
 * `templateSource` is the template's location as the scaffolder gives it
 * (`templateInfo.baseUrl`): the URL of its `template.yaml`, `file://` or
 * a URL an integration can read.
 */
export async function fetchPublishedVersions(options: {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
  templateSource: string;
  outputDir: string;
}): Promise<PublishedVersions> {
  const { templateSource, outputDir } = options;
  const versionsDir = path.join(outputDir, 'versions');
  try {
    await fetchContents({
      reader: options.reader,
      integrations: options.integrations,
      baseUrl: templateSource,
      fetchUrl: './versions',
      outputPath: versionsDir,
    });
  } catch (error) {
    if (isNotFound(error)) {
      throw new InputError(
        `templateSource '${templateSource}' has no versions/ directory next to it; it must be the location of the template's template.yaml`,
      );
    }
    throw error;
  }

  const entries = await fs.readdir(versionsDir, { withFileTypes: true });
  const versions = sortVersions(
    entries
      .filter(entry => entry.isDirectory())
      // Only exact semver names: 'v1.0.0' or 'latest' are not versions.
      .filter(entry => parseVersion(entry.name) === entry.name)
      .map(entry => entry.name),
  );
  return {
    versions,
    directoryOf: version => path.join(versionsDir, version),
  };
}

/**
 * The directory of one published version, or an InputError naming it and the
 * versions that do exist.
 */
export function publishedVersionDir(
  published: PublishedVersions,
  version: string,
): string {
  if (!published.versions.includes(version)) {
    const known = published.versions.join(', ') || 'none';
    throw new InputError(
      `unknown template version ${version}; published versions: ${known}`,
    );
  }
  return published.directoryOf(version);
}

/**
 * Reads and checks `paved.yaml` of one published version. A version without
 * one gets the defaults: every file shared, no renames, no new parameters.
 * Throws an InputError naming the version and the field that is wrong.
 */
export async function readVersionManifest(
  versionDir: string,
  version: string,
): Promise<TemplateVersionManifest> {
  const where = `template version ${version}: paved.yaml`;
  let text: string;
  try {
    text = await fs.readFile(path.join(versionDir, 'paved.yaml'), 'utf8');
  } catch (error) {
    if (isNotFound(error)) {
      return {
        version,
        breaking: false,
        changes: [],
        ownership: {},
        renames: {},
        parameters: {},
      };
    }
    throw error;
  }

  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new InputError(
      `${where} is not valid YAML: ${document.errors[0].message}`,
    );
  }
  if (!isMap(document.contents)) {
    throw new InputError(`${where} must be a mapping`);
  }
  const raw = document.toJS() as Record<string, unknown>;

  if (raw.version !== undefined && String(raw.version) !== version) {
    throw new InputError(
      `${where} says version ${String(
        raw.version,
      )}, but is published as ${version}`,
    );
  }
  if (raw.breaking !== undefined && typeof raw.breaking !== 'boolean') {
    throw new InputError(`${where}: breaking must be true or false`);
  }
  const changes = raw.changes ?? [];
  if (
    !Array.isArray(changes) ||
    !changes.every(change => typeof change === 'string')
  ) {
    throw new InputError(`${where}: changes must be a list of strings`);
  }

  const ownership = raw.ownership ?? {};
  if (!isPlainObject(ownership)) {
    throw new InputError(
      `${where}: ownership must map paths to platform, shared or seed`,
    );
  }
  const problems = findOwnershipRuleProblems(ownership);
  if (problems.length > 0) {
    throw new InputError(
      `${where}: ownership is invalid: ${problems.join('; ')}`,
    );
  }

  const renames = raw.renames ?? {};
  if (!isPlainObject(renames)) {
    throw new InputError(`${where}: renames must map old paths to new paths`);
  }
  for (const [from, to] of Object.entries(renames)) {
    if (!isSafeRelativePath(from)) {
      throw new InputError(
        `${where}: renames has '${from}', not a relative path inside the service`,
      );
    }
    if (typeof to !== 'string' || !isSafeRelativePath(to)) {
      throw new InputError(
        `${where}: renames maps '${from}' to '${String(
          to,
        )}', not a relative path inside the service`,
      );
    }
  }

  const parameters = raw.parameters ?? {};
  if (!isPlainObject(parameters)) {
    throw new InputError(
      `${where}: parameters must map parameter names to defaults`,
    );
  }

  return {
    version,
    breaking: raw.breaking === true,
    changes: changes as string[],
    ownership: ownership as FileOwnershipRules,
    renames: renames as Record<string, string>,
    parameters,
  };
}

/**
 * Composes the renames of consecutive versions, oldest first, into one map
 * from the path a file had before the first to the path it has after the
 * last: `a → b` then `b → c` gives `a → c`. A file renamed back to where it
 * started is left out.
 */
export function chainRenames(
  renamesByVersion: Array<Record<string, string>>,
): Record<string, string> {
  // Original path → where the file is now.
  const chains = new Map<string, string>();
  for (const renames of renamesByVersion) {
    const moved = new Set<string>();
    for (const [origin, current] of chains) {
      const next = renames[current];
      if (next !== undefined) {
        chains.set(origin, next);
        moved.add(current);
      }
    }
    for (const [from, to] of Object.entries(renames)) {
      if (!moved.has(from) && !chains.has(from)) chains.set(from, to);
    }
  }
  return Object.fromEntries(
    [...chains].filter(([origin, current]) => origin !== current),
  );
}
