import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { GoldenPathsApi } from './GoldenPathsApi';
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

/** A query string from the defined values only, so `undefined` never reaches the backend. */
function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * {@link GoldenPathsApi} over HTTP, against the `golden-paths` backend plugin.
 *
 * @public
 */
export class GoldenPathsClient implements GoldenPathsApi {
  private readonly discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  private readonly fetchApi: Pick<FetchApi, 'fetch'>;

  constructor(options: {
    discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
    // The app's fetchApi attaches the user's Backstage token; plain fetch would be rejected.
    fetchApi: Pick<FetchApi, 'fetch'>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listTemplates(): Promise<GoldenPathTemplate[]> {
    const body = await this.request<{ items: GoldenPathTemplate[] }>(
      '/templates',
    );
    return body.items;
  }

  async getCompliance(entityRef: string): Promise<ComplianceEvaluation> {
    return this.request(
      `/compliance?${new URLSearchParams({ entityRef }).toString()}`,
    );
  }

  async createExemption(request: ExemptionRequest): Promise<ExemptionResult> {
    return this.request('/exemptions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async deleteExemption(id: string): Promise<ExemptionResult> {
    return this.request(`/exemptions/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async listCompliance(q: ComplianceListQuery): Promise<ComplianceList> {
    return this.request(`/compliance${query(q)}`);
  }

  async getComplianceSummary(options: {
    groupBy: ComplianceSummaryGroupBy;
    template?: string;
  }): Promise<ComplianceSummary> {
    return this.request(`/compliance/summary${query(options)}`);
  }

  async getComplianceHistory(
    q: { owner?: string; templateRef?: string } & DoraQueryWindow,
  ): Promise<ComplianceHistory> {
    return this.request(`/history${query(q)}`);
  }

  async getDora(
    q: ({ entityRef: string } | { owner: string }) & DoraQueryWindow,
  ): Promise<DoraServicesMetrics> {
    return this.request(`/dora${query(q)}`);
  }

  async getDoraByTemplateVersion(
    q: { templateRef?: string } & DoraQueryWindow,
  ): Promise<DoraByTemplateVersion> {
    return this.request(`/dora${query({ groupBy: 'templateVersion', ...q })}`);
  }

  async getDoraTrend(q: DoraTrendQuery): Promise<DoraTrend> {
    return this.request(`/dora/trend${query(q)}`);
  }

  async getEnvironments(entityRef: string): Promise<EnvironmentProgression> {
    return this.request(`/environments${query({ entityRef })}`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('golden-paths');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return await response.json();
  }
}
