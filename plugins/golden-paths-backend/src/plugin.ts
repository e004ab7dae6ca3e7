import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { goldenPathsPermissions } from '@paved/backstage-plugin-golden-paths-common';
import { DatabaseTemplateVersionStore } from './database/DatabaseTemplateVersionStore';
import { createRouter } from './router';
import { TemplateVersionSyncTask } from './tasks/TemplateVersionSyncTask';

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
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, database, httpAuth, httpRouter, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(goldenPathsPermissions);

        const templateVersions = await DatabaseTemplateVersionStore.create({
          database,
        });

        const scheduleConfig = config.getOptionalConfig(
          'goldenPaths.templateRegistry.schedule',
        );
        await new TemplateVersionSyncTask({
          auth: deps.auth,
          catalog: deps.catalog,
          store: templateVersions,
          logger: deps.logger,
        }).schedule(
          scheduler,
          scheduleConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                scheduleConfig,
              )
            : {
                frequency: { minutes: 5 },
                timeout: { minutes: 5 },
                initialDelay: { seconds: 10 },
              },
        );

        httpRouter.use(await createRouter({ httpAuth, templateVersions }));
      },
    });
  },
});
