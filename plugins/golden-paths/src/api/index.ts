export { goldenPathsApiRef } from './GoldenPathsApi';
export type { GoldenPathsApi } from './GoldenPathsApi';
export { GoldenPathsClient } from './GoldenPathsClient';
export type {
  ComplianceEvaluation,
  Exemption,
  ExemptionRequest,
  ExemptionResult,
  GoldenPathTemplate,
  GoldenPathTemplateVersion,
  ServiceDrift,
  TemplateChangelogEntry,
} from './types';
