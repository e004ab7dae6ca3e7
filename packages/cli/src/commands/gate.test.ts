import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import goldenPathsPlugin from '@paved/backstage-plugin-golden-paths-backend';
import { AddressInfo } from 'node:net';
import { main } from '../index';

// Starting the backend takes seconds on a busy machine.
jest.setTimeout(60_000);

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'node-service',
    annotations: {
      'backstage.io/template-version': '2.0.0',
      'paved.dev/changelog':
        '- version: 2.0.0\n  breaking: true\n  changes: [Node 22]\n- version: 1.0.0\n  changes: [First release]\n',
      'paved.dev/policy-minimum-version': '2.0.0',
      'paved.dev/policy-warn-date': '2020-01-01',
      'paved.dev/policy-block-date': '2020-06-01',
    },
  },
  spec: { type: 'service', steps: [] },
};

const component = (name: string, version?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: version
      ? {
          'backstage.io/template-version': version,
          'backstage.io/source-template': 'template:default/node-service',
        }
      : ({} as Record<string, string>),
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    ...(version && { scaffoldedFrom: 'template:default/node-service' }),
  },
});

describe('paved gate', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        goldenPathsPlugin,
        catalogServiceMock.factory({
          entities: [
            template,
            component('current', '2.0.0'),
            component('past-block-date', '1.0.0'),
            component('never-scaffolded'),
          ],
        }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }`;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop();
  });

  async function gate(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['gate', ...args, '--url', baseUrl],
      { out: l => out.push(l), err: l => err.push(l) },
      { PAVED_TOKEN: mockCredentials.service.token() },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('allows a service on a supported version with exit code 0', async () => {
    const result = await gate('component:default/current');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^allow: component:default\/current may deploy/);
  });

  it('blocks a service below the minimum version past the block date with exit code 1', async () => {
    const result = await gate('component:default/past-block-date');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^block: component:default\/past-block-date may not deploy/,
    );
    expect(result.err).toMatch(/1\.0\.0/);
  });

  it('warns, and still lets a service off the golden paths deploy', async () => {
    const result = await gate('component:default/never-scaffolded');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^warn: /);
  });

  it('exits 2, not 0, when the gate refuses the request', async () => {
    const out: string[] = [];
    const code = await main(
      [
        'gate',
        'component:default/current',
        '--url',
        baseUrl,
        '--token',
        'not-a-token',
      ],
      { out: l => out.push(l), err: l => out.push(l) },
      {},
    );
    expect(code).toBe(2);
    expect(out.join('\n')).toMatch(/401/);
  });

  it('exits 2 when the backend cannot be reached, and on bad usage', async () => {
    const lines: string[] = [];
    const output = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
    };
    expect(
      await main(
        ['gate', 'component:default/x', '--url', 'http://127.0.0.1:9'],
        output,
        {},
      ),
    ).toBe(2);
    expect(lines.join('\n')).toMatch(/cannot reach/);
    expect(await main(['deploy'], output, {})).toBe(2);
    expect(await main(['gate'], output, {})).toBe(2);
  });
});
