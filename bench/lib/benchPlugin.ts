import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { goldenPathsPlugin } from '../../plugins/golden-paths-backend/src/plugin';
import { NEVER_DURING_TEST } from '../../plugins/golden-paths-backend/src/__testUtils__/schedules';
import { indexedCatalogFactory } from './indexedCatalog';

/**
 * The real golden-paths plugin on `knex`, with an indexed catalog of
 * `entities`, permissions that allow everything and no scheduled task: the
 * benchmark decides when anything runs.
 */
export function startBenchPlugin(entities: Entity[], knex: Knex) {
  return startTestBackend({
    features: [
      goldenPathsPlugin,
      indexedCatalogFactory(entities),
      mockServices.database.factory({ knex }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.rootConfig.factory({
        data: {
          goldenPaths: {
            templateRegistry: { schedule: NEVER_DURING_TEST },
            sweep: { schedule: NEVER_DURING_TEST },
            dora: {
              rematchSchedule: NEVER_DURING_TEST,
              factsSchedule: NEVER_DURING_TEST,
            },
          },
        },
      }),
    ],
  });
}
