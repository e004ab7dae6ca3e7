import { GoldenPathsClient } from '../api';

/** Test base URL of the golden-paths backend; msw handlers listen here. */
export const testBaseUrl = 'http://backstage.test/api/golden-paths';

/** Test data only: the real HTTP client, pointed at msw handlers. */
export function mswGoldenPathsApi() {
  return new GoldenPathsClient({
    discoveryApi: { getBaseUrl: async () => testBaseUrl },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
}
