import {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_TEMPLATE_VERSION,
  parseVersion,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  ObservedTemplateVersion,
  TemplateVersionStore,
} from '../database/TemplateVersionStore';

/**
 * Reads Template entities from the catalog and records every version the
 * registry has not seen before.
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
    },
  ) {}

  /** Schedules the sync on every replica; the scheduler runs it on one at a time. */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduler.scheduleTask({
      id: 'golden-paths-template-version-sync',
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.run();
      },
    });
  }

  /** One pass over the catalog; returns how many versions were new. */
  async run(now: Date = new Date()): Promise<number> {
    const { auth, catalog, store, logger } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const observed: ObservedTemplateVersion[] = [];
    for await (const page of catalog.streamEntities(
      { filter: { kind: 'Template' }, fields: ['kind', 'metadata'] },
      { credentials },
    )) {
      for (const entity of page) {
        const raw = entity.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION];
        const version = raw ? parseVersion(raw) : undefined;
        const templateRef = stringifyEntityRef(entity);
        if (raw && !version) {
          logger.warn(
            `Template ${templateRef} has ${ANNOTATION_TEMPLATE_VERSION}='${raw}', which is not semver; ignored`,
          );
        }
        if (version) {
          observed.push({
            templateRef,
            version,
            title: entity.metadata.title ?? entity.metadata.name,
          });
        }
      }
    }

    const fresh = await store.recordVersions(observed, now);
    for (const v of fresh) {
      logger.info(
        `New golden-path template version ${v.templateRef}@${v.version}`,
      );
    }
    return fresh.length;
  }
}
