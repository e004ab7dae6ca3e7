import {
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';

jest.setTimeout(60_000);

const INTERVAL_MS = 1000;
const WINDOW_MS = 5 * INTERVAL_MS;

const component = (name: string, owner: string, template: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: { 'backstage.io/template-version': '1.0.0' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner,
    scaffoldedFrom: template,
  },
});

const entities: Entity[] = [
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'node-service',
      annotations: { 'backstage.io/template-version': '1.0.0' },
    },
    spec: { type: 'service', steps: [] },
  },
  component('a', 'team-a', 'node-service'),
  component('b', 'team-a', 'node-service'),
  component('c', 'team-b', 'node-service'),
  component('d', 'team-b', 'python-service'),
];

describe('goldenPathsPlugin on two replicas', () => {
  // PostgreSQL only: SQLite databases are per process, so replicas cannot
  // share one. Without a PostgreSQL server this test fails rather than skips.
  const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });

  // One replica: the real scheduler, which coordinates global tasks through
  // the shared database, and a catalog that notes when each sweep reads it.
  async function startReplica(knex: Knex, sweepStarts: number[]) {
    const catalog = catalogServiceMock({ entities });
    const stream = catalog.streamEntities.bind(catalog);
    catalog.streamEntities = (request, options) => {
      if ((request?.filter as { kind?: string })?.kind === 'Component') {
        sweepStarts.push(Date.now());
      }
      return stream(request, options);
    };
    return startTestBackend({
      features: [
        goldenPathsPlugin,
        mockServices.database.factory({ knex }),
        schedulerServiceFactory,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: NEVER_DURING_TEST,
              },
              sweep: {
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

  it('sweeps once per interval, not once per replica', async () => {
    const knex = await databases.init('POSTGRES_16');
    const starts: [number[], number[]] = [[], []];
    // One after the other, so their migrations do not race for the lock.
    const first = await startReplica(knex, starts[0]);
    const second = await startReplica(knex, starts[1]);

    const all = () => [...starts[0], ...starts[1]].sort((x, y) => x - y);
    while (all().length === 0) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const from = all()[0];
    await new Promise(resolve =>
      setTimeout(resolve, from + WINDOW_MS - Date.now()),
    );
    const inWindow = all().filter(t => t - from < WINDOW_MS);
    await first.stop();
    await second.stop();

    // One replica alone would sweep WINDOW_MS / INTERVAL_MS times; two that
    // did not coordinate would sweep about twice as often.
    const expected = WINDOW_MS / INTERVAL_MS;
    expect(inWindow.length).toBeGreaterThanOrEqual(expected - 1);
    expect(inWindow.length).toBeLessThanOrEqual(expected + 1);

    // Every service once, and one history row per day, owner and template.
    const evaluations = await knex('golden_paths_compliance').select(
      'entity_ref',
    );
    expect(evaluations.map(r => r.entity_ref).sort()).toEqual([
      'component:default/a',
      'component:default/b',
      'component:default/c',
      'component:default/d',
    ]);
    const history = await knex('golden_paths_compliance_history')
      .select('day', 'owner', 'template_ref')
      .orderBy(['day', 'owner', 'template_ref']);
    const days = [...new Set(history.map(r => r.day))];
    expect(days.length).toBeGreaterThanOrEqual(1);
    expect(history).toEqual(
      days.flatMap(day => [
        {
          day,
          owner: 'group:default/team-a',
          template_ref: 'template:default/node-service',
        },
        {
          day,
          owner: 'group:default/team-b',
          template_ref: 'template:default/node-service',
        },
        {
          day,
          owner: 'group:default/team-b',
          template_ref: 'template:default/python-service',
        },
      ]),
    );
  });
});
