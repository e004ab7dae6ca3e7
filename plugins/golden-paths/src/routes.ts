import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Where the Golden Paths page is mounted in an app on the legacy frontend system.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'golden-paths',
});
