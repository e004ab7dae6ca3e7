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
} from './plugin';
export { GoldenPathsIcon } from './components/GoldenPathsIcon';
export { goldenPathsApiRef, GoldenPathsClient } from './api';
export type {
  ComplianceEvaluation,
  Exemption,
  ExemptionRequest,
  ExemptionResult,
  GoldenPathsApi,
  GoldenPathTemplate,
  GoldenPathTemplateVersion,
  ServiceDrift,
  TemplateChangelogEntry,
} from './api';
