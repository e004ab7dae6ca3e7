import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { readOpenApiSpec } from '../schema/openapi';
import {
  API,
  NOW,
  QUIET_CONFIG,
  WEBHOOK_SECRET,
  fingerprint,
  printSummary,
  startReliabilityBackend,
} from './__testUtils__/backend';
import { validExemption } from './__testUtils__/badExemptions';
import { capturingLogger } from './__testUtils__/logs';
import { deploymentStatus } from '../services/GithubWebhook/__fixtures__/payloads';

jest.setTimeout(120_000);

const WEBHOOK = '/webhooks/github';

/** Every documented operation, in express form, with a sample id. */
async function documentedOperations() {
  const spec = (await readOpenApiSpec()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(method =>
        ['get', 'post', 'put', 'patch', 'delete'].includes(method),
      )
      .map(method => ({
        method: method as 'get' | 'post' | 'put' | 'patch' | 'delete',
        path,
        url: `${API}${path.replace(
          /\{\w+\}/g,
          '0b7f3c1e-0000-4000-8000-000000000000',
        )}`,
      })),
  );
}

describe('security', () => {
  const summary: string[] = [];
  afterAll(() => printSummary(summary));

  it('refuses every documented route but the webhook without valid credentials', async () => {
    const operations = await documentedOperations();
    // The spec documents the webhook, and at least the routes of DESIGN.md.
    expect(operations.map(o => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'get /compliance',
        'get /gate',
        'post /events',
        'post /exemptions',
        'delete /exemptions/{id}',
        'get /dora',
        `post ${WEBHOOK}`,
      ]),
    );
    const { server, stop } = await startReliabilityBackend({});
    // The mock httpAuth reads a missing header (or another scheme) as its
    // default user, so "none" is how a test sends no credentials.
    const badCredentials: Array<[string, string]> = [
      ['no credentials', mockCredentials.none.header()],
      ['an invalid user token', mockCredentials.user.invalidHeader()],
      ['an invalid service token', mockCredentials.service.invalidHeader()],
    ];
    let refused = 0;
    for (const { method, path, url } of operations) {
      if (path === WEBHOOK) continue;
      for (const [what, header] of badCredentials) {
        const res = await request(server)
          [method](url)
          .set('Authorization', header)
          .send({});
        expect([method, path, what, res.status]).toEqual([
          method,
          path,
          what,
          401,
        ]);
        refused += 1;
      }
    }
    await stop();
    summary.push(
      `security: ${operations.length - 1} documented routes x ${
        badCredentials.length
      } kinds of bad credentials, ${refused} refused with 401`,
    );
  });

  describe('without the permission', () => {
    const databases = TestDatabases.create({
      ids: ['POSTGRES_16', 'SQLITE_3'],
    });

    it.each(databases.eachSupportedId())(
      'the exemption and sweep routes answer 403 and write nothing, on %p',
      async databaseId => {
        const knex = await databases.init(databaseId);
        // An exemption approved by someone allowed to, for DELETE to target.
        const allowed = await startReliabilityBackend({ knex });
        const created = await request(allowed.server)
          .post(`${API}/exemptions`)
          .set('Authorization', mockCredentials.user.header())
          .send(validExemption);
        expect(created.status).toBe(201);
        await allowed.stop();

        const denied = await startReliabilityBackend({
          knex,
          permission: AuthorizeResult.DENY,
        });
        const before = await fingerprint(knex);
        const user = mockCredentials.user.header();
        const service = mockCredentials.service.header();
        const attempts = [
          request(denied.server)
            .post(`${API}/exemptions`)
            .set('Authorization', user)
            .send(validExemption),
          request(denied.server)
            .delete(`${API}/exemptions/${created.body.exemption.id}`)
            .set('Authorization', user),
          request(denied.server)
            .post(`${API}/admin/sweep`)
            .set('Authorization', user),
          // Exemptions are approved by people: a service may not, either.
          request(denied.server)
            .post(`${API}/exemptions`)
            .set('Authorization', service)
            .send(validExemption),
          request(denied.server)
            .delete(`${API}/exemptions/${created.body.exemption.id}`)
            .set('Authorization', service),
        ];
        for (const res of await Promise.all(attempts)) {
          expect(res.status).toBe(403);
          expect(res.body.error.message).toMatch(/\S/);
        }
        expect(await fingerprint(knex)).toEqual(before);
        await denied.stop();
        summary.push(
          `security on ${databaseId}: ${attempts.length} exemption and sweep requests without the permission, all 403, rows written 0`,
        );
      },
    );
  });

  it('logs neither the webhook secret nor a static token, whatever arrives', async () => {
    const STATIC_TOKEN = 'paved-reliability-static-token-7c41e0';
    const { logger, lines } = capturingLogger();
    const { server, stop } = await startReliabilityBackend({
      config: {
        ...QUIET_CONFIG,
        backend: {
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: STATIC_TOKEN, subject: 'paved-cli' },
              },
            ],
          },
        },
      },
      features: [
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
        createServiceFactory({
          service: coreServices.logger,
          deps: {},
          factory: () => logger,
        }),
      ],
    });
    const sign = (body: string, secret: string) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const delivery = (n: number) =>
      JSON.stringify(
        deploymentStatus({
          statusId: n,
          deploymentId: n,
          state: 'success',
          environment: 'production',
          ref: 'main',
          sha: 'ffac537e6cbbf934b08745a378932722df287a53',
          at: new Date(NOW.getTime() - 60_000).toISOString(),
        }),
      );
    const webhook = (body: string, signature: string, id: string) =>
      request(server)
        .post(`${API}${WEBHOOK}`)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'deployment_status')
        .set('X-GitHub-Delivery', id)
        .set('X-Hub-Signature-256', signature)
        .send(body);

    const good = delivery(1);
    expect((await webhook(good, sign(good, WEBHOOK_SECRET), 'd1')).status).toBe(
      200,
    );
    // A wrong signature, one made with the secret as the body, the secret
    // itself as a signature, and a body quoting the secret.
    expect((await webhook(good, sign(good, 'wrong'), 'd2')).status).toBe(401);
    expect((await webhook(WEBHOOK_SECRET, 'sha256=00', 'd3')).status).toBe(401);
    expect((await webhook(good, WEBHOOK_SECRET, 'd4')).status).toBe(401);
    const quoting = JSON.stringify({ secret: WEBHOOK_SECRET });
    expect(
      (await webhook(quoting, sign(quoting, WEBHOOK_SECRET), 'd5')).status,
    ).toBe(400);
    for (const header of [
      `Bearer ${STATIC_TOKEN}`,
      `Bearer ${STATIC_TOKEN}x`,
    ]) {
      const res = await request(server)
        .get(`${API}/gate?entityRef=component:default/payments`)
        .set('Authorization', header);
      expect(res.status).toBeLessThan(500);
    }
    await stop();

    const logged = JSON.stringify(lines);
    // Something was logged, so the check below has something to search.
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toContain(WEBHOOK_SECRET);
    expect(logged).not.toContain(STATIC_TOKEN);
    summary.push(
      `security: ${lines.length} log lines during webhook and token traffic, secrets found in them 0`,
    );
  });
});
