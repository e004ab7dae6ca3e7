import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { GoldenPathsIcon } from '../components/GoldenPathsIcon';
import { rootRouteRef } from './routes';

/**
 * The Golden Paths page at `/golden-paths`, also listed in the app's nav
 * (extension id `page:golden-paths`).
 *
 * @alpha
 */
export const goldenPathsPage = PageBlueprint.make({
  params: {
    path: '/golden-paths',
    routeRef: rootRouteRef,
    // Nav items come from a page's title and icon; NavItemBlueprint no longer exists.
    title: 'Golden Paths',
    icon: <GoldenPathsIcon fontSize="inherit" />,
    // The page brings its own core-components Header, as it does in legacy apps.
    noHeader: true,
    loader: () =>
      import('../components/GoldenPathsPage').then(m => <m.GoldenPathsPage />),
  },
});
