import { createApiRef } from '@backstage/core-plugin-api';
import {
  ComplianceEvaluation,
  ComplianceHistory,
  ComplianceList,
  ComplianceListQuery,
  ComplianceSummary,
  ComplianceSummaryGroupBy,
  DoraByTemplateVersion,
  DoraQueryWindow,
  DoraServicesMetrics,
  DoraTrend,
  DoraTrendQuery,
  EnvironmentProgression,
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
  /** One page of services' evaluations matching the filters, with the total. */
  listCompliance(query: ComplianceListQuery): Promise<ComplianceList>;
  /** The current services counted per state, by owner, template or version. */
  getComplianceSummary(options: {
    groupBy: ComplianceSummaryGroupBy;
    /** With `groupBy: 'version'`, only this template's versions. */
    template?: string;
  }): Promise<ComplianceSummary>;
  /** Daily counts per state, for an owner, a template, or everything. */
  getComplianceHistory(
    query: { owner?: string; templateRef?: string } & DoraQueryWindow,
  ): Promise<ComplianceHistory>;
  /** DORA metrics of one service or of every service an owner owns. */
  getDora(
    query: ({ entityRef: string } | { owner: string }) & DoraQueryWindow,
  ): Promise<DoraServicesMetrics>;
  /** DORA metrics per template version, optionally for one template. */
  getDoraByTemplateVersion(
    query: { templateRef?: string } & DoraQueryWindow,
  ): Promise<DoraByTemplateVersion>;
  /** DORA metrics over consecutive buckets of a window, oldest first. */
  getDoraTrend(query: DoraTrendQuery): Promise<DoraTrend>;
  /** Which version runs in each environment, and how versions were promoted. */
  getEnvironments(entityRef: string): Promise<EnvironmentProgression>;
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
