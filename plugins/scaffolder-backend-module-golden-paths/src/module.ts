import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createLocalGitActions } from './actions/localGit';
import { readLocalGitRoot } from './actions/localGitRepo';
import { createPolicyCheckAction } from './actions/policyCheck';
import { createStampProvenanceAction } from './actions/stamp';
import { createTemplateUpgradeAction } from './actions/upgrade';

/**
 * Adds the Paved golden-path actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleGoldenPaths = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-paths',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        urlReader: coreServices.urlReader,
      },
      async init({ scaffolder, config, catalog, urlReader }) {
        scaffolder.addActions(
          createStampProvenanceAction(),
          createPolicyCheckAction({ catalog }),
          ...createLocalGitActions({ root: readLocalGitRoot(config) }),
          createTemplateUpgradeAction({
            reader: urlReader,
            integrations: ScmIntegrations.fromConfig(config),
          }),
        );
      },
    });
  },
});
