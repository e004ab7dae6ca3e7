import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from './api';
import {
  EntityDoraCard,
  EntityGoldenPathContent,
  goldenPathsPlugin,
} from './plugin';

describe('golden-paths plugin (legacy frontend system)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('provides a GoldenPathsApi that reads the golden-paths backend through the app fetchApi', async () => {
    server.use(
      http.get('http://backstage.test/api/golden-paths/templates', () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    const factory = [...goldenPathsPlugin.getApis()].find(
      f => f.api.id === goldenPathsApiRef.id,
    );
    const fetchApi = { fetch: jest.fn(fetch) };
    const api = factory!.factory({
      discoveryApi: {
        getBaseUrl: async (pluginId: string) =>
          `http://backstage.test/api/${pluginId}`,
      },
      fetchApi,
    }) as typeof goldenPathsApiRef.T;

    await expect(api.listTemplates()).resolves.toEqual([]);
    expect(fetchApi.fetch.mock.calls[0][0]).toBe(
      'http://backstage.test/api/golden-paths/templates',
    );
    expect(goldenPathsPlugin.getId()).toBe('golden-paths');
    expect(goldenPathsPlugin.routes.root).toBeDefined();
  });

  it('exports the DORA card and the entity tab, the tab with its own route', () => {
    expect(EntityDoraCard).toEqual(expect.any(Function));
    expect(EntityGoldenPathContent).toEqual(expect.any(Function));
    expect(goldenPathsPlugin.routes.entityContent).toBeDefined();
    expect(goldenPathsPlugin.routes.entityContent).not.toBe(
      goldenPathsPlugin.routes.root,
    );
  });
});
