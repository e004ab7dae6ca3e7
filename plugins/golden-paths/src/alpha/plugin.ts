import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { goldenPathsApi } from './apis';
import { entityGoldenPathCard } from './entityCards';
import { goldenPathsPage } from './pages';
import { rootRouteRef } from './routes';

/**
 * The golden-paths plugin for apps on the new frontend system.
 *
 * @alpha
 */
export const goldenPathsPlugin = createFrontendPlugin({
  pluginId: 'golden-paths',
  title: 'Golden Paths',
  extensions: [goldenPathsApi, goldenPathsPage, entityGoldenPathCard],
  routes: {
    root: rootRouteRef,
  },
});
