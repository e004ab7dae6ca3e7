import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Where the Golden Paths page is mounted in an app on the legacy frontend system.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'golden-paths',
});

/**
 * The "Golden path" entity tab, mounted by the app's EntityLayout route.
 *
 * @public
 */
export const entityContentRouteRef = createRouteRef({
  id: 'golden-paths:entity-content',
});
