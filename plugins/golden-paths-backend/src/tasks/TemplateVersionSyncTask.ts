import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_CHANGELOG,
  ANNOTATION_TEMPLATE_VERSION,
  latestTemplateVersion,
  parseVersion,
  readTemplatePolicy,
} from '@paved/backstage-plugin-golden-paths-common';
import { parse as parseYaml } from 'yaml';
import {
  ObservedTemplateVersion,
  RegisteredTemplateVersion,
  TemplateChangelogEntry,
  TemplateVersionStore,
} from '../database/TemplateVersionStore';
import { Clock, systemClock } from '../clock';
import { SkeletonArchive, templateBaseUrl } from '../services/SkeletonArchive';
import {
  NewVersionNotifier,
  TemplateRelease,
} from '../services/NewVersionNotifier';

/**
 * Reads Template entities from the catalog and records every version the
 * registry has not seen before: the template's current version, and every
 * version its `paved.dev/changelog` lists, each with its changelog entry.
 * When a template that was already known gets a new latest version, the
 * owners of the services behind it are notified.
 *
 * @public
 */
export class TemplateVersionSyncTask {
  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      store: TemplateVersionStore;
      logger: LoggerService;
      /** Tells service owners about new versions; none are sent without it. */
      notifier?: Pick<NewVersionNotifier, 'announce'>;
      /** Where "now" comes from; the system clock by default. */
      clock?: Clock;
      /** Keeps a copy of each version's skeleton; none are kept without it. */
      archive?: Pick<SkeletonArchive, 'archiveMissing'>;
    },
  ) {}

  /** Schedules the sync on every replica; the scheduler runs it on one at a time. */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduler.scheduleTask({
      id: 'golden-paths-template-version-sync',
      ...schedule,
      // One run per interval across replicas, whatever the configured schedule says.
      scope: 'global',
      fn: async () => {
        await this.run();
      },
    });
  }

  /** One pass over the catalog; returns how many versions were new. */
  async run(
    now: Date = (this.deps.clock ?? systemClock).now(),
  ): Promise<number> {
    const { auth, catalog, store, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const observed: ObservedTemplateVersion[] = [];
    const sources: Array<{
      templateRef: string;
      baseUrl?: string;
      versions: string[];
    }> = [];
    for await (const page of catalog.streamEntities(
      { filter: { kind: 'Template' }, fields: ['kind', 'metadata'] },
      { credentials },
    )) {
      for (const entity of page) {
        const versions = this.readVersions(entity);
        observed.push(...versions);
        if (versions.length > 0) {
          sources.push({
            templateRef: versions[0].templateRef,
            baseUrl: templateBaseUrl(entity),
            versions: versions.map(v => v.version),
          });
        }
      }
    }

    const known = this.deps.notifier ? await store.listVersions() : [];
    const fresh = await store.recordVersions(observed, now);
    for (const v of fresh) {
      logger.info(
        `New golden-path template version ${v.templateRef}@${v.version}`,
      );
    }
    const releases = findReleases(known, fresh);
    if (this.deps.notifier && releases.length > 0) {
      // The versions are recorded either way; a failed announcement is logged.
      try {
        const sent = await this.deps.notifier.announce(releases, now);
        logger.info(`Sent ${sent} new template version notifications`);
      } catch (error) {
        logger.error(`Could not announce new template versions: ${error}`);
      }
    }
    if (this.deps.archive) {
      // Failures are recorded per version and tried again later.
      await this.deps.archive.archiveMissing(sources, now);
    }
    return fresh.length;
  }

  private readVersions(entity: Entity): ObservedTemplateVersion[] {
    const { logger } = this.deps;
    const annotations = entity.metadata.annotations ?? {};
    const templateRef = stringifyEntityRef(entity);
    const title = entity.metadata.title ?? entity.metadata.name;
    const raw = annotations[ANNOTATION_TEMPLATE_VERSION];
    const version = raw ? parseVersion(raw) : undefined;
    if (raw && !version) {
      logger.warn(
        `Template ${templateRef} has ${ANNOTATION_TEMPLATE_VERSION}='${raw}', which is not semver; ignored`,
      );
    }
    const changelog = readChangelog(
      annotations[ANNOTATION_CHANGELOG],
      problem =>
        logger.warn(
          `Template ${templateRef} ${ANNOTATION_CHANGELOG}: ${problem}`,
        ),
    );
    const result: ObservedTemplateVersion[] = changelog.map(entry => ({
      templateRef,
      version: entry.version,
      title,
      changelog: entry,
    }));
    if (version) {
      // Only the current version carries the policy: it is what the template
      // declares now, not what it declared when older versions were current.
      const { policy } = readTemplatePolicy(annotations);
      result.unshift({
        templateRef,
        version,
        title,
        changelog: changelog.find(e => e.version === version),
        ...(Object.keys(policy).length > 0 && { policy }),
      });
    }
    return result;
  }
}

/**
 * The fresh versions that became their template's latest (as
 * `latestTemplateVersion` ranks them, so a pre-release does not count while a
 * stable version exists) for a template the registry knew before. A template
 * seen for the first time yields nothing: a fresh install does not announce
 * every template it finds.
 *
 * @internal
 */
export function findReleases(
  known: RegisteredTemplateVersion[],
  fresh: RegisteredTemplateVersion[],
): TemplateRelease[] {
  const releases: TemplateRelease[] = [];
  for (const templateRef of new Set(fresh.map(v => v.templateRef))) {
    const before = known.filter(v => v.templateRef === templateRef);
    if (before.length === 0) continue;
    const versions = [
      ...before,
      ...fresh.filter(v => v.templateRef === templateRef),
    ];
    const previous = latestTemplateVersion(before.map(v => v.version));
    const latest = latestTemplateVersion(versions.map(v => v.version));
    if (
      previous &&
      latest &&
      latest !== previous &&
      fresh.some(v => v.templateRef === templateRef && v.version === latest)
    ) {
      releases.push({
        templateRef,
        version: latest,
        previousVersion: previous,
        versions,
      });
    }
  }
  return releases;
}

/**
 * Parses a `paved.dev/changelog` annotation. Entries that are not
 * `{ version, date?, breaking?, changes[] }` with a semver version are skipped
 * and reported, so one typo does not hide the rest of the changelog.
 *
 * @internal
 */
export function readChangelog(
  text: string | undefined,
  report: (problem: string) => void,
): TemplateChangelogEntry[] {
  if (!text?.trim()) return [];
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    report(`is not valid YAML (${(error as Error).message}); ignored`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    report('is not a YAML list; ignored');
    return [];
  }
  const entries: TemplateChangelogEntry[] = [];
  for (const [index, item] of parsed.entries()) {
    const value = (item ?? {}) as Record<string, unknown>;
    const version =
      typeof value.version === 'string'
        ? parseVersion(value.version)
        : undefined;
    if (!version) {
      report(`entry ${index + 1} has no semver version; skipped`);
      continue;
    }
    // YAML 1.1 readers turn unquoted days into dates; keep the day either way.
    let date: string | undefined;
    if (value.date instanceof Date) {
      date = value.date.toISOString().slice(0, 10);
    } else if (typeof value.date === 'string') {
      date = value.date;
    }
    const changes = Array.isArray(value.changes)
      ? value.changes.filter((c): c is string => typeof c === 'string')
      : [];
    entries.push({
      version,
      ...(date && { date }),
      breaking: value.breaking === true,
      changes,
    });
  }
  return entries;
}
