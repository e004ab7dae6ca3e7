import { createApiRef } from '@backstage/core-plugin-api';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';

/**
 * Reads the golden-path data the `golden-paths` backend plugin serves.
 *
 * @public
 */
export interface GoldenPathsApi {
  /** Every template in the version registry, each with its versions oldest first. */
  listTemplates(): Promise<TemplateSummary[]>;
}

/**
 * The {@link GoldenPathsApi}; apps may swap in their own implementation.
 *
 * @public
 */
export const goldenPathsApiRef = createApiRef<GoldenPathsApi>({
  // The `plugin.<pluginId>.` prefix lets the new frontend system tie this API
  // to the golden-paths plugin, so no other plugin can override it by mistake.
  id: 'plugin.golden-paths.api',
});
