import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';

jest.setTimeout(60_000);

const NODE = 'template:default/node-service';

const changelog = (extra = '') => `${extra}
- version: 2.0.0
  breaking: true
  changes:
    - 'BREAKING: Node.js 22'
- version: 1.0.0
  changes:
    - First release
`;

function nodeTemplate(): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'node-service',
      title: 'Node service',
      annotations: {
        'backstage.io/template-version': '2.0.0',
        'paved.dev/changelog': changelog(),
        'paved.dev/policy-minimum-version': '2.0.0',
        'paved.dev/policy-warn-date': '2000-01-01',
        'paved.dev/policy-block-date': '2999-01-01',
      },
    },
    spec: { type: 'service', steps: [] },
  };
}

const service = (name: string, version: string, owner?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: {
      'backstage.io/template-version': version,
      'backstage.io/source-template': NODE,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    scaffoldedFrom: NODE,
    owner,
  },
});

const SYNC = 'golden-paths-template-version-sync';

describe('goldenPathsPlugin notifications', () => {
  async function startBackend() {
    const template = nodeTemplate();
    const send = jest.fn(async (_options: NotificationSendOptions) => {});
    // Tasks run only when a test triggers them.
    const scheduler = mockServices.scheduler();
    const { server } = await startTestBackend({
      features: [
        goldenPathsPlugin,
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        // The catalog mock keeps these objects, so editing `template` later
        // is how a test publishes a new version.
        catalogServiceMock.factory({
          entities: [
            template,
            service('node-latest', '2.0.0', 'team-a'),
            service('node-old', '1.0.0', 'group:default/team-b'),
            service('node-orphan', '1.0.0'),
            service('node-unversioned', 'not-semver', 'team-a'),
          ],
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
              },
              sweep: {
                schedule: NEVER_DURING_TEST,
              },
            },
          },
        }),
      ],
    });
    return { server, template, send, sync: () => scheduler.triggerTask(SYNC) };
  }

  async function latestVersion(server: any) {
    const res = await request(server)
      .get(`/api/golden-paths/templates?templateRef=${NODE}`)
      .set('Authorization', mockCredentials.user.header());
    return res.body.items[0]?.latestVersion;
  }

  it('sends nothing for a template it sees for the first time', async () => {
    const { server, send, sync } = await startBackend();
    await sync();
    expect(await latestVersion(server)).toBe('2.0.0');
    await sync();
    expect(send).not.toHaveBeenCalled();
  });

  it('tells the owner of each service behind a new version, once', async () => {
    const { server, template, send, sync } = await startBackend();
    await sync();
    expect(await latestVersion(server)).toBe('2.0.0');

    template.metadata.annotations!['backstage.io/template-version'] = '2.1.0';
    template.metadata.annotations!['paved.dev/changelog'] = changelog(`
- version: 2.1.0
  changes:
    - Structured logging
    - OpenTelemetry traces`);
    await sync();
    expect(await latestVersion(server)).toBe('2.1.0');
    await sync(); // nothing is sent twice

    expect(send).toHaveBeenCalledTimes(2);
    const byTitle = Object.fromEntries(
      send.mock.calls.map(([options]) => [options.payload.title, options]),
    );
    expect(byTitle['node-latest is behind Node service 2.1.0']).toEqual({
      recipients: { type: 'entity', entityRef: 'group:default/team-a' },
      payload: expect.objectContaining({
        link: '/catalog/default/component/node-latest',
        severity: 'normal',
        topic: 'golden-paths',
        description: expect.stringContaining(
          'What changed in 2.1.0: Structured logging; OpenTelemetry traces.',
        ),
      }),
    });
    // node-old crosses the breaking 2.0.0 and is below the policy minimum.
    const old = byTitle['node-old is behind Node service 2.1.0'];
    expect(old.recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/team-b',
    });
    expect(old.payload.severity).toBe('high');
    expect(old.payload.description).toMatch(/Upgrading is breaking\./);
    expect(old.payload.description).toMatch(/Policy deadline: 2999-01-01\./);
  });
});
