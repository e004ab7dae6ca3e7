import {
  createExtensionTester,
  registerMswTestHooks,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../api';
import goldenPathsPlugin from './index';

describe('golden-paths plugin (new frontend system)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is the golden-paths plugin with its API, page and entity card', () => {
    expect(goldenPathsPlugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(goldenPathsPlugin.id).toBe('golden-paths');
    for (const id of [
      'api:golden-paths',
      'page:golden-paths',
      'entity-card:golden-paths/golden-path',
    ] as const) {
      expect(goldenPathsPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('serves the Golden Paths page at /golden-paths from the backend, through its own API', async () => {
    server.use(
      http.get('*/api/golden-paths/templates', () =>
        HttpResponse.json({
          items: [
            {
              templateRef: 'template:default/node-service',
              title: 'Node.js service',
              latestVersion: '1.0.0',
              versions: [
                {
                  templateRef: 'template:default/node-service',
                  version: '1.0.0',
                  firstSeenAt: '2026-11-02T09:00:00.000Z',
                },
              ],
            },
          ],
        }),
      ),
    );

    renderTestApp({
      features: [goldenPathsPlugin],
      initialRouteEntries: ['/golden-paths'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(await screen.findByText('Node.js service')).toBeInTheDocument();
    expect(screen.getByText('Templates (1)')).toBeInTheDocument();
  });

  it('offers the card for Components only, and renders it for one', async () => {
    const card = goldenPathsPlugin.getExtension(
      'entity-card:golden-paths/golden-path',
    );
    const tester = createExtensionTester(card);
    const appliesTo = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    const entityOfKind = (kind: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: 'payments' },
    });
    expect(appliesTo(entityOfKind('Component'))).toBe(true);
    expect(appliesTo(entityOfKind('System'))).toBe(false);
    expect(appliesTo(entityOfKind('Template'))).toBe(false);

    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'legacy-app' },
        }}
      >
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[goldenPathsApiRef, { listTemplates: jest.fn() }]] },
    );
    expect(await screen.findByText('Not on a golden path')).toBeInTheDocument();
  });
});
