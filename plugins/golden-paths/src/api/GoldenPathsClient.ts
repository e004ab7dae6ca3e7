import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import { GoldenPathsApi } from './GoldenPathsApi';

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

  async listTemplates(): Promise<TemplateSummary[]> {
    const baseUrl = await this.discoveryApi.getBaseUrl('golden-paths');
    const response = await this.fetchApi.fetch(`${baseUrl}/templates`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: { items: TemplateSummary[] } = await response.json();
    return body.items;
  }
}
