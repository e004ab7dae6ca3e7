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
import goldenPathsPlugin from '../src/alpha';
import {
  ComplianceEvaluation,
  GoldenPathTemplate,
  goldenPathsApiRef,
} from '../src';
import { EntityGoldenPathCard } from '../src/components/EntityGoldenPathCard';
import { EntityDoraCard } from '../src/components/EntityDoraCard';
import { doraMetrics } from '../src/__testUtils__/doraFixtures';

// `yarn start` in this folder runs the page without a backend: this module
// replaces the plugin's HTTP client with a few in-memory templates.
const sampleTemplates: GoldenPathTemplate[] = [
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
      breaking: version === '2.0.0',
      changelog: {
        version,
        date: firstSeenAt.slice(0, 10),
        breaking: version === '2.0.0',
        changes:
          version === '2.0.0'
            ? ['Node 22; the Dockerfile moves to distroless']
            : ['Adds the /health endpoint'],
      },
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

function sampleEvaluation(entityRef: string): ComplianceEvaluation {
  return {
    entityRef,
    owner: 'group:default/team-a',
    templateRef: 'template:default/node-service',
    currentVersion: '1.1.0',
    latestVersion: '2.0.0',
    state: 'warn',
    reasons: ['1.1.0 is below the minimum supported version 2.0.0'],
    deadline: '2027-03-01',
    lag: { majors: 1, minors: 0, patches: 0, versionsBehind: 1 },
    drift: {
      summary: {
        unchanged: 8,
        'changed-by-team': 2,
        'changed-by-template': 1,
        'changed-by-both': 1,
        deleted: 0,
        added: 0,
        likelyConflicts: 1,
        overwrittenOnUpgrade: 0,
        total: 12,
      },
      comparedWithLatest: true,
      text: '2 files changed by the team, 1 by the template, 1 by both, 1 likely conflict',
    },
    evaluatedAt: '2027-01-10T09:00:00.000Z',
    changedAt: '2027-01-01T09:00:00.000Z',
  };
}

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
          <EntityDoraCard />
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
          factory: () => ({
            listTemplates: async () => sampleTemplates,
            getCompliance: async entityRef => sampleEvaluation(entityRef),
            createExemption: async () => {
              throw new Error('The dev app has no backend to grant exemptions');
            },
            deleteExemption: async () => {
              throw new Error(
                'The dev app has no backend to revoke exemptions',
              );
            },
            listCompliance: async () => ({
              items: [sampleEvaluation('component:default/payments')],
              totalCount: 1,
            }),
            getComplianceSummary: async ({ groupBy }) => ({
              groupBy,
              items: [
                {
                  owner: 'group:default/team-a',
                  templateRef: 'template:default/node-service',
                  version: '1.1.0',
                  compliant: 3,
                  warn: 1,
                  block: 1,
                  exempt: 0,
                  unknown: 1,
                  total: 6,
                },
              ],
            }),
            getComplianceHistory: async () => ({
              from: '2027-01-01',
              to: '2027-01-03',
              items: ['2027-01-01', '2027-01-02', '2027-01-03'].map(
                (day, i) => ({
                  day,
                  compliant: 2 + i,
                  warn: 2 - i,
                  block: 1,
                  exempt: 0,
                  unknown: 1,
                }),
              ),
            }),
            getDora: async () => ({
              window: doraMetrics().window,
              entityRefs: ['component:default/payments'],
              metrics: doraMetrics(),
            }),
            getDoraByTemplateVersion: async () => ({
              window: doraMetrics().window,
              groups: ['1.0.0', '1.1.0', '2.0.0'].map((v, i) => ({
                templateRef: 'template:default/node-service',
                templateVersion: v,
                metrics: doraMetrics({
                  band: (['low', 'medium', 'elite'] as const)[i],
                  deployments: 10 + 15 * i,
                }),
              })),
            }),
            getDoraTrend: async () => ({
              window: doraMetrics().window,
              bucketDays: 7,
              buckets: [8, 12, 9, 15].map(n => ({
                window: doraMetrics().window,
                metrics: doraMetrics({ deployments: n }),
              })),
            }),
            getEnvironments: async entityRef => ({
              entityRef,
              environments: [
                {
                  name: 'production',
                  version: '1.1.0',
                  deployedAt: '2027-01-09T09:00:00.000Z',
                  production: true,
                },
              ],
              promotions: [
                {
                  version: '1.1.0',
                  steps: [
                    { environment: 'staging', at: '2027-01-08T09:00:00.000Z' },
                    {
                      environment: 'production',
                      at: '2027-01-09T09:00:00.000Z',
                    },
                  ],
                },
              ],
            }),
          }),
        }),
    }),
  ],
});

createDevApp({ features: [goldenPathsPlugin, sampleDataModule] });
