import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import goldenPathsPlugin from '@paved/backstage-plugin-golden-paths/alpha';
import { navModule } from './modules/nav';

/**
 * The Paved demo portal, on the new frontend system. Plugins listed in
 * package.json are discovered (`app.packages: all`); the ones imported here
 * are named explicitly because their frontend-system entry is `/alpha`.
 */
export default createApp({
  features: [catalogPlugin, goldenPathsPlugin, navModule],
});
