import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { goldenPathsApi } from './apis';
import { entityDoraCard, entityGoldenPathCard } from './entityCards';
import { entityGoldenPathContent } from './entityContents';
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
  extensions: [
    goldenPathsApi,
    goldenPathsPage,
    entityGoldenPathCard,
    entityDoraCard,
    entityGoldenPathContent,
  ],
  routes: {
    root: rootRouteRef,
  },
});
