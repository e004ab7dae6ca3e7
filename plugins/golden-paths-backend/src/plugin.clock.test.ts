import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { Clock, clockServiceRef } from './clock';
import { goldenPathsPlugin } from './plugin';
import { NEVER_DURING_TEST } from './__testUtils__/schedules';

jest.setTimeout(60_000);

const WARN_DATE = '2027-03-01';
const BLOCK_DATE = '2027-04-01';
const D1 = Date.parse(`${WARN_DATE}T00:00:00.000Z`);
const D2 = Date.parse(`${BLOCK_DATE}T00:00:00.000Z`);
const DAY_MS = 24 * 60 * 60 * 1000;

const entities: Entity[] = [
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: 'node-service',
      annotations: {
        'backstage.io/template-version': '2.0.0',
        'paved.dev/policy-minimum-version': '1.1.0',
        'paved.dev/policy-warn-date': WARN_DATE,
        'paved.dev/policy-block-date': BLOCK_DATE,
      },
    },
    spec: { type: 'service', steps: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'node-old',
      annotations: { 'backstage.io/template-version': '1.0.0' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'team-a',
      scaffoldedFrom: 'template:default/node-service',
    },
  },
];

const user = mockCredentials.user.header();

describe('goldenPathsPlugin on a pinned clock', () => {
  let time = 0;
  const clock: Clock = { now: () => new Date(time) };

  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        goldenPathsPlugin,
        createServiceFactory({
          service: clockServiceRef,
          deps: {},
          factory: () => clock,
        }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            goldenPaths: {
              // Nothing runs on its own; the test sweeps at the times it sets.
              templateRegistry: {
                schedule: NEVER_DURING_TEST,
              },
              sweep: {
                schedule: NEVER_DURING_TEST,
              },
              exemptions: { maxDuration: { days: 30 } },
            },
          },
        }),
      ],
    });
    return server;
  }

  // Reads the stored evaluation and the gate's answer at `at`, with no sweep.
  async function readAt(server: any, at: number) {
    time = at;
    const evaluation = await request(server)
      .get('/api/golden-paths/compliance?entityRef=node-old')
      .set('Authorization', user);
    const gate = await request(server)
      .get('/api/golden-paths/gate?entityRef=node-old')
      .set('Authorization', mockCredentials.service.header());
    return { evaluation: evaluation.body, gate: gate.body };
  }

  // Sweeps at `at`, then reads as `readAt` does.
  async function sweepAt(server: any, at: number) {
    time = at;
    const sweep = await request(server)
      .post('/api/golden-paths/admin/sweep')
      .set('Authorization', user);
    expect(sweep.status).toBe(200);
    expect(sweep.body.sweptAt).toBe(new Date(at).toISOString());
    return readAt(server, at);
  }

  it('warns from the warn date and blocks from the block date, to the millisecond', async () => {
    const server = await startBackend();

    const before = await sweepAt(server, D1 - 1);
    expect(before.evaluation).toMatchObject({
      state: 'compliant',
      deadline: WARN_DATE,
      evaluatedAt: new Date(D1 - 1).toISOString(),
    });
    expect(before.evaluation.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `warnings start on ${WARN_DATE} and blocking on ${BLOCK_DATE}`,
        ),
      ),
    ]);
    expect(before.gate).toMatchObject({
      decision: 'allow',
      state: 'compliant',
    });

    const warned = await sweepAt(server, D1);
    expect(warned.evaluation).toMatchObject({
      state: 'warn',
      deadline: BLOCK_DATE,
      changedAt: new Date(D1).toISOString(),
    });
    expect(warned.gate).toMatchObject({ decision: 'warn', state: 'warn' });

    const lastWarn = await sweepAt(server, D2 - 1);
    expect(lastWarn.gate).toMatchObject({ decision: 'warn', state: 'warn' });

    const blocked = await sweepAt(server, D2);
    expect(blocked.evaluation).toMatchObject({
      state: 'block',
      changedAt: new Date(D2).toISOString(),
    });
    expect(blocked.evaluation.reasons[0]).toMatch(
      `blocked since ${BLOCK_DATE}`,
    );
    expect(blocked.gate).toMatchObject({ decision: 'block', state: 'block' });
  });

  it('warns and blocks at the dates themselves, without waiting for a sweep', async () => {
    const server = await startBackend();
    await sweepAt(server, D1 - DAY_MS);

    const lastAllowed = await readAt(server, D1 - 1);
    expect(lastAllowed.gate).toMatchObject({ decision: 'allow' });
    expect(lastAllowed.evaluation.evaluatedAt).toBe(
      new Date(D1 - DAY_MS).toISOString(),
    );

    const warned = await readAt(server, D1);
    expect(warned.gate).toMatchObject({ decision: 'warn', state: 'warn' });
    expect(warned.evaluation).toMatchObject({
      state: 'warn',
      deadline: BLOCK_DATE,
      evaluatedAt: new Date(D1).toISOString(),
      changedAt: new Date(D1).toISOString(),
    });

    const blocked = await readAt(server, D2 + 5);
    expect(blocked.gate).toMatchObject({ decision: 'block', state: 'block' });
    expect(blocked.evaluation.changedAt).toBe(new Date(D2 + 5).toISOString());
    // The fresh evaluation is stored, so the team's list shows it too.
    const list = await request(server)
      .get('/api/golden-paths/compliance?owner=group:default/team-a')
      .set('Authorization', user);
    expect(list.body.items.map((i: { state: string }) => i.state)).toEqual([
      'block',
    ]);
  });

  it('stops counting an exemption at the instant it expires', async () => {
    const server = await startBackend();
    time = D2 + DAY_MS;
    const expiresAt = D2 + 6 * DAY_MS;
    const created = await request(server)
      .post('/api/golden-paths/exemptions')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/node-old',
        reason: 'Upgrading next sprint',
        expiresAt: new Date(expiresAt).toISOString(),
      });
    expect(created.status).toBe(201);
    expect(created.body.exemption.createdAt).toBe(new Date(time).toISOString());
    expect(created.body.evaluation).toMatchObject({
      state: 'exempt',
      deadline: new Date(expiresAt).toISOString(),
    });

    const lastDay = await sweepAt(server, expiresAt - 1);
    expect(lastDay.gate).toMatchObject({ decision: 'allow', state: 'exempt' });

    // No sweep needed: the first read after the expiry evaluates again.
    const expired = await readAt(server, expiresAt);
    expect(expired.gate).toMatchObject({ decision: 'block', state: 'block' });
    expect(expired.evaluation).toMatchObject({ state: 'block' });
    expect(expired.evaluation.exemptionId).toBeUndefined();

    const swept = await sweepAt(server, expiresAt + 1);
    expect(swept.gate).toMatchObject({ decision: 'block', state: 'block' });
  });

  it('judges exemption expiries against the clock', async () => {
    const server = await startBackend();
    time = D2;
    const res = await request(server)
      .post('/api/golden-paths/exemptions')
      .set('Authorization', user)
      .send({
        entityRef: 'component:default/node-old',
        reason: 'r',
        // In the real future, but in the past of the pinned clock.
        expiresAt: new Date(D2 - 1).toISOString(),
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/expiresAt must be in the future/);
  });
});
