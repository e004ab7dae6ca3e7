import { createDevApp } from '@backstage/frontend-dev-utils';
import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { TemplateSummary } from '@paved/backstage-plugin-golden-paths-common';
import goldenPathsPlugin from '../src/alpha';
import { goldenPathsApiRef } from '../src';

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

const sampleDataModule = createFrontendModule({
  pluginId: 'golden-paths',
  extensions: [
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
