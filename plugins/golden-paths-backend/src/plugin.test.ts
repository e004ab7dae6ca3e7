import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { goldenPathsPlugin } from './plugin';

const template = (name: string, version?: string): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    title: `${name} title`,
    annotations: version
      ? { 'backstage.io/template-version': version }
      : ({} as Record<string, string>),
  },
  spec: { type: 'service', steps: [] },
});

describe('goldenPathsPlugin', () => {
  async function startBackend() {
    return startTestBackend({
      features: [
        goldenPathsPlugin,
        catalogServiceMock.factory({
          entities: [
            template('node-service', '1.10.0'),
            template('python-service', 'not-semver'),
            template('unversioned'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: {
                  frequency: { seconds: 1 },
                  timeout: { minutes: 1 },
                },
              },
            },
          },
        }),
      ],
    });
  }

  it('records template versions from the catalog and serves them', async () => {
    const { server } = await startBackend();

    // The sync task runs on its schedule; wait until it has recorded the version.
    let body: any;
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await request(server)
        .get('/api/golden-paths/templates')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      body = res.body;
      if (body.items.length > 0) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }

    expect(body.items).toEqual([
      {
        templateRef: 'template:default/node-service',
        title: 'node-service title',
        latestVersion: '1.10.0',
        versions: [
          expect.objectContaining({
            templateRef: 'template:default/node-service',
            version: '1.10.0',
          }),
        ],
      },
    ]);
  });

  it('refuses requests without credentials', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get('/api/golden-paths/templates')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('names the field when a query parameter is malformed', async () => {
    const { server } = await startBackend();
    const res = await request(server)
      .get('/api/golden-paths/templates?templateRef=a&templateRef=b')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/templateRef/);
  });
});
