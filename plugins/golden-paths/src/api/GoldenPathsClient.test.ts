import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import { GoldenPathsClient } from './GoldenPathsClient';

const baseUrl = 'http://backstage.test/api/golden-paths';

const nodeService: TemplateSummary = {
  templateRef: 'template:default/node-service',
  title: 'Node.js service',
  latestVersion: '2.0.0',
  versions: [
    {
      templateRef: 'template:default/node-service',
      version: '2.0.0',
      title: 'Node.js service',
      firstSeenAt: '2026-11-02T09:00:00.000Z',
    },
  ],
};

describe('GoldenPathsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discoveryApi = { getBaseUrl: jest.fn(async () => baseUrl) };
  // Stands in for the app's fetchApi, which is what adds the Backstage token.
  const fetchApi = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, {
        ...init,
        headers: { authorization: 'Bearer user-token' },
      }),
  };
  const client = new GoldenPathsClient({ discoveryApi, fetchApi });

  it('lists templates from the discovered golden-paths base URL, with credentials', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(`${baseUrl}/templates`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ items: [nodeService] });
      }),
    );

    await expect(client.listTemplates()).resolves.toEqual([nodeService]);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('golden-paths');
    expect(authorization).toBe('Bearer user-token');
  });

  it('throws a ResponseError carrying the backend message when the backend fails', async () => {
    server.use(
      http.get(`${baseUrl}/templates`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );

    const error = await client.listTemplates().then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    // The panel that shows this error reads the backend's message from `cause`.
    expect(error.cause.message).toBe('database is down');
  });
});
