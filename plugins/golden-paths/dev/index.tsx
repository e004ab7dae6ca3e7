import { Content, Page } from '@backstage/core-components';
import { createDevApp } from '@backstage/frontend-dev-utils';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import goldenPathsPlugin from '../src/alpha';
import { goldenPathsApiRef } from '../src';
import { EntityGoldenPathCard } from '../src/components/EntityGoldenPathCard';

// `yarn start` in this folder runs the page without a backend: this module
// replaces the plugin's HTTP client with a few in-memory templates.
const sampleTemplates: TemplateSummary[] = [
  {
    templateRef: 'template:default/node-service',
    title: 'Node.js service',
    latestVersion: '2.0.0',
    versions: [
      ['1.0.0', '2026-09-01T09:00:00.000Z'],
      ['1.1.0', '2026-10-01T09:00:00.000Z'],
      ['2.0.0', '2026-11-02T09:00:00.000Z'],
    ].map(([version, firstSeenAt]) => ({
      templateRef: 'template:default/node-service',
      title: 'Node.js service',
      version,
      firstSeenAt,
    })),
  },
  {
    templateRef: 'template:default/python-service',
    title: 'Python service',
    latestVersion: '0.3.0',
    versions: [
      {
        templateRef: 'template:default/python-service',
        title: 'Python service',
        version: '0.3.0',
        firstSeenAt: '2026-12-01T09:00:00.000Z',
      },
    ],
  },
];

// The catalog is not in this dev app, so entity links (template names on the
// page) land here instead; it shows the card for a service on node-service 1.1.0.
function SampleEntityPage() {
  return (
    <Page themeId="service">
      <Content>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments',
              annotations: {
                'backstage.io/source-template': 'template:default/node-service',
                'backstage.io/template-version': '1.1.0',
              },
            },
          }}
        >
          <EntityGoldenPathCard />
        </EntityProvider>
      </Content>
    </Page>
  );
}

const sampleDataModule = createFrontendModule({
  pluginId: 'golden-paths',
  extensions: [
    PageBlueprint.make({
      name: 'sample-entity',
      params: {
        path: '/catalog/:namespace/:kind/:name',
        routeRef: entityRouteRef,
        noHeader: true,
        loader: async () => <SampleEntityPage />,
      },
    }),
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: goldenPathsApiRef,
          deps: {},
          factory: () => ({ listTemplates: async () => sampleTemplates }),
        }),
    }),
  ],
});

createDevApp({ features: [goldenPathsPlugin, sampleDataModule] });
