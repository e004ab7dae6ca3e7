import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';

jest.setTimeout(60_000);

const template = (
  name: string,
  version?: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    title: `${name} title`,
    annotations: {
      ...(version && { 'backstage.io/template-version': version }),
      ...annotations,
    },
  },
  spec: { type: 'service', steps: [] },
});

const changelog = `
- version: 2.0.0
  date: 2026-10-19
  breaking: true
  changes:
    - 'BREAKING: Node.js 22'
- version: 1.1.0
  date: 2026-06-15
  breaking: false
  changes:
    - Structured logging
- version: 1.0.0
  date: 2026-02-09
  breaking: false
  changes:
    - First release
`;

// Dates far in the past and future, so results do not depend on today.
const nodeService = template('node-service', '2.0.0', {
  'paved.dev/changelog': changelog,
  'paved.dev/policy-minimum-version': '1.1.0',
  'paved.dev/policy-warn-date': '2000-01-01',
  'paved.dev/policy-block-date': '2999-01-01',
  'paved.dev/policy-max-lag': '1 major',
});
const pythonService = template('python-service', '2.0.0', {
  'paved.dev/changelog': changelog,
  'paved.dev/policy-minimum-version': '1.1.0',
  'paved.dev/policy-warn-date': '2000-01-01',
  'paved.dev/policy-block-date': '2000-06-01',
});

const component = (
  name: string,
  owner: string,
  provenance?: {
    template: string;
    version: string;
    via: 'spec' | 'annotation';
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: provenance
      ? {
          'backstage.io/template-version': provenance.version,
          ...(provenance.via === 'annotation' && {
            'backstage.io/source-template': provenance.template,
          }),
        }
      : {},
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner,
    ...(provenance?.via === 'spec' && { scaffoldedFrom: provenance.template }),
  },
});

const NODE = 'template:default/node-service';
const PYTHON = 'template:default/python-service';
const entities = [
  template('python-legacy', 'not-semver'),
  template('unversioned'),
  nodeService,
  pythonService,
  component('node-latest', 'team-a', {
    template: NODE,
    version: '2.0.0',
    via: 'spec',
  }),
  component('node-old', 'team-a', {
    template: NODE,
    version: '1.0.0',
    via: 'spec',
  }),
  component('python-old', 'group:default/team-b', {
    template: PYTHON,
    version: '1.0.0',
    via: 'annotation',
  }),
  component('legacy', 'team-a'),
];

const user = mockCredentials.user.header();

describe('goldenPathsPlugin', () => {
  async function startBackend(
    permission:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    catalogEntities: Entity[] = entities,
    goldenPathsConfig: object = {},
  ) {
    return startTestBackend({
      features: [
        goldenPathsPlugin,
        catalogServiceMock.factory({ entities: catalogEntities }),
        mockServices.permissions.factory({ result: permission }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              templateRegistry: {
                schedule: {
                  frequency: { seconds: 1 },
                  timeout: { minutes: 1 },
                },
              },
              // Sweeps only when asked to, so the tests decide when.
              sweep: {
                schedule: NEVER_DURING_TEST,
              },
              exemptions: { maxDuration: { days: 30 } },
              ...goldenPathsConfig,
            },
          },
        }),
      ],
    });
  }

  // The sync task runs on its schedule; wait until it has recorded the versions.
  async function waitForTemplates(server: any) {
    let body: any;
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await request(server)
        .get('/api/golden-paths/templates')
        .set('Authorization', user);
      expect(res.status).toBe(200);
      body = res.body;
      if (body.items.length >= 2) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    return body;
  }

  const days = (n: number) =>
    new Date(Date.now() + n * 24 * 60 * 60 * 1000).toISOString();

  async function countExemptions(server: any) {
    // Every active exemption shows as `exempt` on its service after a sweep.
    const res = await request(server)
      .post('/api/golden-paths/admin/sweep')
      .set('Authorization', user);
    return res.body.states.exempt as number;
  }

  it('records every version in a template changelog, with its entry', async () => {
    const { server } = await startBackend();
    const body = await waitForTemplates(server);
    const node = body.items.find((t: any) => t.templateRef === NODE);
    expect(node.latestVersion).toBe('2.0.0');
    expect(node.versions).toEqual([
      expect.objectContaining({ version: '1.0.0', breaking: false }),
      expect.objectContaining({ version: '1.1.0', breaking: false }),
      expect.objectContaining({
        version: '2.0.0',
        breaking: true,
        changelog: expect.objectContaining({
          changes: ['BREAKING: Node.js 22'],
        }),
        policy: {
          minimumVersion: '1.1.0',
          warnDate: '2000-01-01',
          blockDate: '2999-01-01',
          maxLag: { majors: 1 },
        },
      }),
    ]);
    expect(
      body.items.find((t: any) => t.templateRef.endsWith('python-legacy')),
    ).toBeUndefined();
  });

  it('says which policy is in force for each template, app-config included', async () => {
    const { server } = await startBackend(AuthorizeResult.ALLOW, entities, {
      policies: {
        // A short ref works too; the rules given win over the annotations.
        'python-service': { minimumVersion: '1.0.0', blockDate: '2027-06-01' },
        // Overrides one rule of node-service's annotations.
        [NODE]: { blockDate: '2027-03-01' },
      },
    });
    const body = await waitForTemplates(server);
    const policyOf = (ref: string) =>
      body.items.find((t: any) => t.templateRef === ref).policy;
    expect(policyOf(PYTHON)).toEqual({
      minimumVersion: '1.0.0',
      warnDate: '2000-01-01',
      blockDate: '2027-06-01',
    });
    expect(policyOf(NODE)).toEqual({
      minimumVersion: '1.1.0',
      warnDate: '2000-01-01',
      blockDate: '2027-03-01',
      maxLag: { majors: 1 },
    });
    // Each version keeps the policy it was published with.
    const node = body.items.find((t: any) => t.templateRef === NODE);
    expect(node.versions[2].policy.blockDate).toBe('2999-01-01');
  });

  it('sweeps the catalog, lists and explains compliance, and answers the gate', async () => {
    const { server } = await startBackend();
    await waitForTemplates(server);

    const sweep = await request(server)
      .post('/api/golden-paths/admin/sweep')
      .set('Authorization', user);
    expect(sweep.status).toBe(200);
    expect(sweep.body).toMatchObject({
      evaluated: 4,
      written: 4,
      removed: 0,
      states: { compliant: 1, warn: 1, block: 1, exempt: 0, unknown: 1 },
    });
    const again = await request(server)
      .post('/api/golden-paths/admin/sweep')
      .set('Authorization', user);
    expect(again.body).toMatchObject({ written: 0, unchanged: 4 });

    const list = await request(server)
      .get('/api/golden-paths/compliance?owner=team-a&limit=2')
      .set('Authorization', user);
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(3);
    expect(list.body.items.map((i: any) => i.entityRef)).toEqual([
      'component:default/legacy',
      'component:default/node-latest',
    ]);
    const blocked = await request(server)
      .get(`/api/golden-paths/compliance?state=block&template=python-service`)
      .set('Authorization', user);
    expect(blocked.body).toEqual({
      items: [
        expect.objectContaining({ entityRef: 'component:default/python-old' }),
      ],
      totalCount: 1,
    });
    const onOne = await request(server)
      .get('/api/golden-paths/compliance?version=1.0.0')
      .set('Authorization', user);
    expect(onOne.status).toBe(200);
    expect(onOne.body.items.map((i: any) => i.entityRef)).toEqual([
      'component:default/node-old',
      'component:default/python-old',
    ]);
    const teamAOnOne = await request(server)
      .get('/api/golden-paths/compliance?version=1.0.0&owner=team-a')
      .set('Authorization', user);
    expect(teamAOnOne.body).toEqual({
      items: [
        expect.objectContaining({
          entityRef: 'component:default/node-old',
          currentVersion: '1.0.0',
        }),
      ],
      totalCount: 1,
    });

    const one = await request(server)
      .get('/api/golden-paths/compliance?entityRef=component:default/node-old')
      .set('Authorization', user);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      entityRef: 'component:default/node-old',
      owner: 'group:default/team-a',
      state: 'warn',
      templateRef: NODE,
      currentVersion: '1.0.0',
      latestVersion: '2.0.0',
      deadline: '2999-01-01',
      lag: expect.objectContaining({ majors: 1 }),
    });

    const gate = async (name: string) =>
      (
        await request(server)
          .get(`/api/golden-paths/gate?entityRef=component:default/${name}`)
          .set('Authorization', mockCredentials.service.header())
      ).body;
    expect(await gate('node-latest')).toMatchObject({
      decision: 'allow',
      state: 'compliant',
      entityRef: 'component:default/node-latest',
    });
    expect(await gate('node-old')).toMatchObject({
      decision: 'warn',
      state: 'warn',
    });
    expect(await gate('python-old')).toMatchObject({
      decision: 'block',
      state: 'block',
    });
    const legacy = await gate('legacy');
    expect(legacy).toMatchObject({ decision: 'warn', state: 'unknown' });
    expect(legacy.reasons[0]).toMatch(
      /not created from a golden-path template/,
    );

    const summary = await request(server)
      .get('/api/golden-paths/compliance/summary?groupBy=owner')
      .set('Authorization', user);
    expect(summary.status).toBe(200);
    expect(summary.body.groupBy).toBe('owner');
    expect(summary.body.items[0]).toEqual({
      owner: 'group:default/team-a',
      compliant: 1,
      warn: 1,
      block: 0,
      exempt: 0,
      unknown: 1,
      total: 3,
    });
    const byVersion = await request(server)
      .get(
        `/api/golden-paths/compliance/summary?groupBy=version&template=${NODE}`,
      )
      .set('Authorization', user);
    expect(
      byVersion.body.items.map((i: any) => [i.version, i.total]).sort(),
    ).toEqual([
      ['1.0.0', 1],
      ['2.0.0', 1],
    ]);
    const adoption = await request(server)
      .get(`/api/golden-paths/templates/adoption?templateRef=${NODE}`)
      .set('Authorization', user);
    expect(adoption.status).toBe(200);
    expect(adoption.body).toEqual({
      templateRef: NODE,
      items: [
        expect.objectContaining({ version: '2.0.0', compliant: 1, total: 1 }),
        expect.objectContaining({ version: '1.0.0', warn: 1, total: 1 }),
      ],
    });
    expect(
      (
        await request(server)
          .get('/api/golden-paths/templates/adoption')
          .set('Authorization', user)
      ).body.error.message,
    ).toMatch(/templateRef is required/);
    const badGroup = await request(server)
      .get('/api/golden-paths/compliance/summary?groupBy=team')
      .set('Authorization', user);
    expect(badGroup.status).toBe(400);
    expect(badGroup.body.error.message).toMatch(/groupBy must be one of/);

    const today = new Date().toISOString().slice(0, 10);
    const history = await request(server)
      .get(`/api/golden-paths/history?owner=team-a`)
      .set('Authorization', user);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      { day: today, compliant: 1, warn: 1, block: 0, exempt: 0, unknown: 1 },
    ]);
    const byTemplate = await request(server)
      .get(
        `/api/golden-paths/history?templateRef=${PYTHON}&from=${today}&to=${today}`,
      )
      .set('Authorization', user);
    expect(byTemplate.body.items).toEqual([
      { day: today, compliant: 0, warn: 0, block: 1, exempt: 0, unknown: 0 },
    ]);
  });

  it('evaluates a service that was never swept on the fly', async () => {
    const { server } = await startBackend();
    const gate = await request(server)
      .get('/api/golden-paths/gate?entityRef=component:default/python-old')
      .set('Authorization', user);
    expect(gate.status).toBe(200);
    expect(gate.body).toMatchObject({ decision: 'block', state: 'block' });

    const missing = await request(server)
      .get('/api/golden-paths/compliance?entityRef=component:default/nope')
      .set('Authorization', user);
    expect(missing.status).toBe(404);
  });

  it('lets an exemption allow a blocked service until it is revoked', async () => {
    const { server } = await startBackend();
    const gate = async () =>
      (
        await request(server)
          .get('/api/golden-paths/gate?entityRef=component:default/python-old')
          .set('Authorization', user)
      ).body;
    expect((await gate()).decision).toBe('block');

    const created = await request(server)
      .post('/api/golden-paths/exemptions')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/python-old',
        templateRef: PYTHON,
        reason: 'Moving to Python 3.12 next sprint',
        expiresAt: days(10),
      });
    expect(created.status).toBe(201);
    expect(created.body.exemption).toMatchObject({
      entityRef: 'component:default/python-old',
      approvedBy: mockCredentials.user().principal.userEntityRef,
    });
    expect(created.body.evaluation).toMatchObject({
      state: 'exempt',
      exemptionId: created.body.exemption.id,
    });
    expect(await gate()).toMatchObject({ decision: 'allow', state: 'exempt' });

    const deleted = await request(server)
      .delete(`/api/golden-paths/exemptions/${created.body.exemption.id}`)
      .set('Authorization', user);
    expect(deleted.status).toBe(200);
    expect(deleted.body.exemption.revokedBy).toBe(
      mockCredentials.user().principal.userEntityRef,
    );
    expect(await gate()).toMatchObject({ decision: 'block', state: 'block' });

    const again = await request(server)
      .delete('/api/golden-paths/exemptions/not-an-id')
      .set('Authorization', user);
    expect(again.status).toBe(404);
  });

  it('refuses exemptions and sweeps without permission', async () => {
    const { server } = await startBackend(AuthorizeResult.DENY);
    const created = await request(server)
      .post('/api/golden-paths/exemptions')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/python-old',
        reason: 'please',
        expiresAt: days(10),
      });
    expect(created.status).toBe(403);
    const deleted = await request(server)
      .delete('/api/golden-paths/exemptions/any')
      .set('Authorization', user);
    expect(deleted.status).toBe(403);
    const sweep = await request(server)
      .post('/api/golden-paths/admin/sweep')
      .set('Authorization', user);
    expect(sweep.status).toBe(403);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ reason: 'r', expiresAt: 'soon' }, /entityRef/],
    [{ entityRef: 'component:default/python-old', expiresAt: 'x' }, /reason/],
    [{ entityRef: 'component:default/python-old', reason: 'r' }, /expiresAt/],
    [
      {
        entityRef: 'component:default/python-old',
        reason: 'r',
        expiresAt: '2000-01-01T00:00:00Z',
      },
      /expiresAt must be in the future/,
    ],
    [
      {
        entityRef: 'component:default/python-old',
        reason: 'r',
        expiresAt: 'LATE',
      },
      /expiresAt must be at most 30 days/,
    ],
    [
      { entityRef: 'component:default/nope', reason: 'r', expiresAt: 'SOON' },
      /entityRef .* not an entity in the catalog/,
    ],
    [
      {
        entityRef: 'component:default/python-old',
        reason: 'r',
        expiresAt: 'SOON',
        templateRef: 42,
      },
      /templateRef/,
    ],
  ])(
    'rejects exemption %j naming the field, writing nothing',
    async (body, message) => {
      const { server } = await startBackend();
      // Relative expiries are resolved here, so they stay relative to the run.
      const relative: Record<string, string> = {
        LATE: days(31),
        SOON: days(5),
      };
      const expiresAt = relative[String(body.expiresAt)] ?? body.expiresAt;
      const res = await request(server)
        .post('/api/golden-paths/exemptions')
        .set('Authorization', user)
        .send({ ...body, expiresAt });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await countExemptions(server)).toBe(0);
    },
  );

  it.each([
    ['/compliance?state=bad', /state/],
    ['/compliance?limit=0', /limit/],
    ['/compliance?offset=-1', /offset/],
    ['/compliance?owner=a&owner=b', /owner/],
    ['/compliance?entityRef=component:', /entityRef/],
    ['/compliance?version=1.0', /version/],
    ['/compliance?version=v1.0.0', /version/],
    ['/compliance?version=%5E1.0.0', /version/],
    ['/gate', /entityRef/],
    ['/history?from=2026-02-30', /from/],
    ['/history?from=2026-03-02&to=2026-03-01', /from/],
    ['/templates?templateRef=a&templateRef=b', /templateRef/],
  ])('names the field when %s is malformed', async (path, message) => {
    const { server } = await startBackend();
    const res = await request(server)
      .get(`/api/golden-paths${path}`)
      .set('Authorization', user);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it.each([
    ['get', '/compliance?entityRef=component:default/legacy'],
    ['get', '/gate?entityRef=component:default/legacy'],
    ['get', '/history'],
    ['get', '/templates'],
    ['post', '/admin/sweep'],
    ['post', '/exemptions'],
    ['delete', '/exemptions/x'],
  ] as const)('refuses %s %s without credentials', async (method, path) => {
    const { server } = await startBackend();
    const res = await request(server)
      [method](`/api/golden-paths${path}`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});
