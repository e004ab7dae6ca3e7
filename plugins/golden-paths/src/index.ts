/**
 * Paved's golden-paths frontend: the Golden Paths page and the entity card that
 * shows which template version a service is on. This entry point serves the
 * legacy frontend system; the new one imports `@paved/backstage-plugin-golden-paths/alpha`.
 *
 * @packageDocumentation
 */

export {
  goldenPathsPlugin,
  GoldenPathsPage,
  EntityGoldenPathCard,
  EntityDoraCard,
  EntityGoldenPathContent,
} from './plugin';
export { rootRouteRef, entityContentRouteRef } from './routes';
export { GoldenPathsIcon } from './components/GoldenPathsIcon';
export * from './api';
