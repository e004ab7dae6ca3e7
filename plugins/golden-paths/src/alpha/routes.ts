import { createRouteRef } from '@backstage/frontend-plugin-api';

/**
 * The Golden Paths page in the new frontend system. It is separate from the
 * legacy ref in `../routes.ts` because the two systems' route refs are not
 * interchangeable without @backstage/core-compat-api.
 *
 * @alpha
 */
export const rootRouteRef = createRouteRef();
