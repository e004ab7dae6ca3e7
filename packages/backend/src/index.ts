/*
 * The Paved demo portal's backend: the current Backstage backend with the
 * catalog, scaffolder, notifications, permissions and guest sign-in, plus
 * Paved's plugins. Everything is wired here; plugins own their own config.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// The offline demo's git backend: file:// URLs under goldenPaths.localGit.root
// are readable like a remote repository (catalog registration, drift).
backend.add(import('./modules/localRepoUrlReader'));

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest for the demo (see auth.providers.guest in app-config.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Scaffolder, with GitHub publishing for production and Paved's actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@paved/backstage-plugin-scaffolder-backend-module-golden-paths'),
);

// Permissions: allow everything in the demo except Paved's admin and
// exemption permissions, which need membership of the platform team.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

// Events bus (signals and notifications subscribe to it), notifications,
// signals and user settings
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// Paved
backend.add(import('@paved/backstage-plugin-golden-paths-backend'));
// The demo's golden-path services (examples/demo-services.yaml)
backend.add(import('./modules/demoServices'));

backend.start();
