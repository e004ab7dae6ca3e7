import { createApiRef } from '@backstage/core-plugin-api';
import {
  ComplianceEvaluation,
  ExemptionRequest,
  ExemptionResult,
  GoldenPathTemplate,
} from './types';

/**
 * Reads the golden-path data the `golden-paths` backend plugin serves.
 *
 * @public
 */
export interface GoldenPathsApi {
  /** Every template in the version registry, each with its versions oldest first. */
  listTemplates(): Promise<GoldenPathTemplate[]>;
  /** One service's policy state, versions and drift; a 404 ResponseError when it is not in the catalog. */
  getCompliance(entityRef: string): Promise<ComplianceEvaluation>;
  /** Grants a time-boxed exemption; the backend checks the caller's permission. */
  createExemption(request: ExemptionRequest): Promise<ExemptionResult>;
  /** Revokes an exemption; the record stays for the audit trail. */
  deleteExemption(id: string): Promise<ExemptionResult>;
}

/**
 * The {@link GoldenPathsApi}; apps may swap in their own implementation.
 *
 * @public
 */
export const goldenPathsApiRef = createApiRef<GoldenPathsApi>({
  // The `plugin.<pluginId>.` prefix lets the new frontend system tie this API
  // to the golden-paths plugin, so no other plugin can override it by mistake.
  id: 'plugin.golden-paths.api',
});
