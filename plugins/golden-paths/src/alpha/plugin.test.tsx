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
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { goldenPathsApiRef } from '../api';
import goldenPathsPlugin from './index';

// A whole app renders here; a busy 2-core CI machine needs more than 5 s.
jest.setTimeout(30_000);

describe('golden-paths plugin (new frontend system)', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('is the golden-paths plugin with its API, page, entity cards and entity tab', () => {
    expect(goldenPathsPlugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(goldenPathsPlugin.id).toBe('golden-paths');
    for (const id of [
      'api:golden-paths',
      'page:golden-paths',
      'entity-card:golden-paths/golden-path',
      'entity-card:golden-paths/dora',
      'entity-content:golden-paths/golden-path',
    ] as const) {
      expect(goldenPathsPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('serves the Golden Paths page at /golden-paths/templates from the backend, through its own API', async () => {
    server.use(
      http.get('*/api/golden-paths/compliance/summary', () =>
        HttpResponse.json({ groupBy: 'version', items: [] }),
      ),
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
      initialRouteEntries: ['/golden-paths/templates'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(await screen.findByText('Node.js service')).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Templates', selected: true }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: /^Services per version of Node.js service/,
      }),
    ).toBeInTheDocument();
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

  it('offers the DORA card and the Golden path tab for Components only, the tab at /golden-path', () => {
    const entityOfKind = (kind: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: 'payments' },
    });
    const dora = createExtensionTester(
      goldenPathsPlugin.getExtension('entity-card:golden-paths/dora'),
    );
    const doraAppliesTo = dora.get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(doraAppliesTo(entityOfKind('Component'))).toBe(true);
    expect(doraAppliesTo(entityOfKind('Group'))).toBe(false);

    const tab = createExtensionTester(
      goldenPathsPlugin.getExtension('entity-content:golden-paths/golden-path'),
    );
    expect(tab.get(coreExtensionData.routePath)).toBe('/golden-path');
    expect(tab.get(EntityContentBlueprint.dataRefs.title)).toBe('Golden path');
    const tabAppliesTo = tab.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect(tabAppliesTo(entityOfKind('Component'))).toBe(true);
    expect(tabAppliesTo(entityOfKind('System'))).toBe(false);
  });
});
