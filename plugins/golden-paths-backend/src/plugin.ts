import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { goldenPathsPermissions } from '@paved/backstage-plugin-golden-paths-common';
import { DatabaseComplianceStore } from './database/DatabaseComplianceStore';
import { DatabaseDoraEventStore } from './database/DatabaseDoraEventStore';
import { DatabaseExemptionStore } from './database/DatabaseExemptionStore';
import { DatabaseNotificationSentStore } from './database/DatabaseNotificationSentStore';
import { DatabaseTemplateVersionStore } from './database/DatabaseTemplateVersionStore';
import { DatabaseSkeletonStore } from './database/DatabaseSkeletonStore';
import { SkeletonArchive } from './services/SkeletonArchive';
import { clockServiceRef } from './clock';
import { createRouter } from './router';
import { ComplianceService } from './services/ComplianceService';
import { NewVersionNotifier } from './services/NewVersionNotifier';
import { DriftService } from './services/DriftService';
import { DoraService, readDoraConfig } from './services/DoraService';
import {
  GithubWebhookReceiver,
  readGithubWebhookConfig,
} from './services/GithubWebhook';
import { DoraRematchTask } from './tasks/DoraRematchTask';
import { scheduleGlobalTask } from './tasks/scheduleGlobalTask';
import { ComplianceSweepTask } from './tasks/ComplianceSweepTask';
import { TemplateVersionSyncTask } from './tasks/TemplateVersionSyncTask';

const DEFAULT_MAX_EXEMPTION_DAYS = 90;

/**
 * The Paved golden-paths backend plugin.
 *
 * @public
 */
export const goldenPathsPlugin = createBackendPlugin({
  pluginId: 'golden-paths',
  register(env) {
    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        notifications: notificationService,
        clock: clockServiceRef,
      },
      async init(deps) {
        const { auth, catalog, clock, config, database, logger, scheduler } =
          deps;
        deps.permissionsRegistry.addPermissions(goldenPathsPermissions);

        const templateVersions = await DatabaseTemplateVersionStore.create({
          database,
        });
        const compliance = await DatabaseComplianceStore.create({
          database,
          lifecycle: deps.lifecycle,
        });
        const exemptions = await DatabaseExemptionStore.create({ database });
        const skeletons = await DatabaseSkeletonStore.create({ database });
        const archive = new SkeletonArchive({
          urlReader: deps.urlReader,
          config,
          store: skeletons,
          logger,
        });
        const complianceService = new ComplianceService({
          auth,
          catalog,
          config,
          templateVersions,
          exemptions,
          compliance,
          clock,
          drift: new DriftService({
            urlReader: deps.urlReader,
            config,
            logger,
            archive,
          }),
        });

        await new TemplateVersionSyncTask({
          auth,
          catalog,
          store: templateVersions,
          logger,
          clock,
          archive,
          notifier: new NewVersionNotifier({
            auth,
            catalog,
            complianceService,
            sent: await DatabaseNotificationSentStore.create({ database }),
            notifications: deps.notifications,
            logger,
          }),
        }).schedule(
          scheduler,
          readSchedule(config, 'goldenPaths.templateRegistry.schedule', {
            frequency: { minutes: 5 },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 10 },
          }),
        );

        const doraEvents = await DatabaseDoraEventStore.create({
          database,
          logger,
        });
        const dora = new DoraService({
          auth,
          catalog,
          events: doraEvents,
          compliance,
          config: readDoraConfig(config),
        });
        // Facts worked out for other production environments are redone.
        await dora.checkFactSettings();
        // Queries work out the facts of the stale services they read; this
        // keeps that work small by doing the rest in the background.
        await scheduleGlobalTask({
          id: 'golden-paths-dora-facts',
          scheduler,
          schedule: readSchedule(config, 'goldenPaths.dora.factsSchedule', {
            frequency: { minutes: 1 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 20 },
          }),
          logger,
          onError: 'DORA facts refresh failed',
          run: async () => {
            const refreshed = await dora.refreshFacts();
            if (refreshed > 0) {
              logger.info(`DORA facts: ${refreshed} services refreshed`);
            }
          },
        });
        const githubWebhook = new GithubWebhookReceiver({
          dora,
          events: doraEvents,
          config: readGithubWebhookConfig(config),
        });
        // Events for a service not yet in the catalog are matched on a
        // schedule, and as soon as a sweep sees the catalog change.
        const rematch = new DoraRematchTask({ dora, logger });
        await rematch.schedule(
          scheduler,
          readSchedule(config, 'goldenPaths.dora.rematchSchedule', {
            frequency: { minutes: 10 },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 1 },
          }),
        );

        const sweep = new ComplianceSweepTask({
          auth,
          catalog,
          service: complianceService,
          store: compliance,
          logger,
          clock,
          onServicesChanged: () => rematch.run(),
          catalogIndex: () => dora.matchIndexBuilder(),
        });
        await sweep.schedule(
          scheduler,
          readSchedule(config, 'goldenPaths.sweep.schedule', {
            frequency: { minutes: 10 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 30 },
          }),
        );

        const maxExemptionMs = config.has('goldenPaths.exemptions.maxDuration')
          ? durationToMilliseconds(
              readDurationFromConfig(config, {
                key: 'goldenPaths.exemptions.maxDuration',
              }),
            )
          : durationToMilliseconds({ days: DEFAULT_MAX_EXEMPTION_DAYS });

        // GitHub cannot send a Backstage token; the webhook route checks the
        // delivery's HMAC signature instead.
        deps.httpRouter.addAuthPolicy({
          path: '/webhooks/github',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog,
            templateVersions,
            compliance,
            exemptions,
            complianceService,
            sweep,
            maxExemptionMs,
            clock,
            doraEvents,
            dora,
            githubWebhook,
            skeletons,
          }),
        );
      },
    });
  },
});

function readSchedule(
  config: RootConfigService,
  key: string,
  defaults: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  const scheduleConfig = config.getOptionalConfig(key);
  return scheduleConfig
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
    : defaults;
}
