import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/golden-paths',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const goldenPathsPlugin = createFrontendPlugin({
  pluginId: 'golden-paths',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
