import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { goldenPathsPlugin } from './plugin';
import { createRouter } from './router';

jest.setTimeout(60_000);

type Operation = { method: string; path: string };

// `/exemptions/{id}` in the spec is `/exemptions/:id` in express.
const toExpressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

describe('GET /openapi.json', () => {
  async function startBackend() {
    return startTestBackend({
      features: [
        goldenPathsPlugin,
        catalogServiceMock.factory({ entities: [] }),
        // Denied, so permission-gated routes answer 403 before touching data.
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
              },
              sweep: {
                schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
              },
            },
          },
        }),
      ],
    });
  }

  function documented(spec: any): Operation[] {
    return Object.entries(spec.paths as Record<string, object>).flatMap(
      ([path, item]) =>
        Object.keys(item).map(method => ({
          method,
          path: toExpressPath(path),
        })),
    );
  }

  function isOpen(spec: any, path: string, method: string): boolean {
    const specPath = path.replace(/:(\w+)/g, '{$1}');
    const security = spec.paths[specPath][method].security;
    return Array.isArray(security) && security.length === 0;
  }

  it('documents exactly the routes the router has', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get('/api/golden-paths/openapi.json')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      openapi: expect.stringMatching(/^3\.0\./),
      info: { title: 'golden-paths' },
      components: { securitySchemes: { JWT: { scheme: 'bearer' } } },
    });

    // The routes as express knows them; only their paths and methods are read.
    const router = await createRouter({} as Parameters<typeof createRouter>[0]);
    const routes: Operation[] = router.stack
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys((layer.route as any).methods).map(method => ({
          method,
          path: layer.route!.path as string,
        })),
      );
    const key = (o: Operation) => `${o.method.toUpperCase()} ${o.path}`;
    expect(documented(res.body).map(key).sort()).toEqual(
      routes.map(key).sort(),
    );
  });

  it('lists only paths that answer, with credentials', async () => {
    const { server } = await startBackend();
    const spec = (
      await request(server)
        .get('/api/golden-paths/openapi.json')
        .set('Authorization', mockCredentials.user.header())
    ).body;
    for (const { method, path } of documented(spec)) {
      const url = `/api/golden-paths${path.replace(/:\w+/g, 'some-id')}`;
      const res = await (request(server) as any)
        [method](url)
        .set('Authorization', mockCredentials.user.header());
      expect([method, path, res.status]).not.toEqual([method, path, 404]);
      // Operations with `security: []` (the GitHub webhook) check their own
      // proof instead of Backstage credentials.
      if (isOpen(spec, path, method)) continue;
      const anonymous = await (request(server) as any)
        [method](url)
        .set('Authorization', mockCredentials.none.header());
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
    // A path that is not documented is not served.
    const unknown = await request(server)
      .get('/api/golden-paths/nope')
      .set('Authorization', mockCredentials.user.header());
    expect(unknown.status).toBe(404);
  });
});
