import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { GoldenPathsClient, goldenPathsApiRef } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The golden-paths plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const goldenPathsPlugin = createPlugin({
  id: 'golden-paths',
  apis: [
    createApiFactory({
      api: goldenPathsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new GoldenPathsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * The Golden Paths page, to mount on a route such as `/golden-paths`.
 *
 * @public
 */
export const GoldenPathsPage = goldenPathsPlugin.provide(
  createRoutableExtension({
    name: 'GoldenPathsPage',
    component: () =>
      import('./components/GoldenPathsPage').then(m => m.GoldenPathsPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The "Golden path" card for a Component's entity overview.
 *
 * @public
 */
export const EntityGoldenPathCard = goldenPathsPlugin.provide(
  createComponentExtension({
    name: 'EntityGoldenPathCard',
    component: {
      lazy: () =>
        import('./components/EntityGoldenPathCard').then(
          m => m.EntityGoldenPathCard,
        ),
    },
  }),
);

/**
 * The "Delivery (DORA)" card for a Component's entity overview: the five
 * DORA metrics with bands, sample sizes and weekly trends.
 *
 * @public
 */
export const EntityDoraCard = goldenPathsPlugin.provide(
  createComponentExtension({
    name: 'EntityDoraCard',
    component: {
      lazy: () =>
        import('./components/EntityDoraCard').then(m => m.EntityDoraCard),
    },
  }),
);

/**
 * The "Golden path" entity tab: DORA trends, environments and the full drift
 * file list. Mount it in an `EntityLayout.Route` such as `/golden-path`.
 *
 * @public
 */
export const EntityGoldenPathContent = goldenPathsPlugin.provide(
  createRoutableExtension({
    name: 'EntityGoldenPathContent',
    component: () =>
      import('./components/EntityGoldenPathContent').then(
        m => m.EntityGoldenPathContent,
      ),
    mountPoint: entityContentRouteRef,
  }),
);
