import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { GoldenPathsApi } from './GoldenPathsApi';
import {
  ComplianceEvaluation,
  ExemptionRequest,
  ExemptionResult,
  GoldenPathTemplate,
} from './types';

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

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('golden-paths');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return await response.json();
  }
}
