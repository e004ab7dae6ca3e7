import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  API,
  fingerprint,
  printSummary,
  startReliabilityBackend,
  totalRows,
} from './__testUtils__/backend';
import { BadRequest, badEventRequest } from './__testUtils__/badPayloads';
import {
  badExemptionRequest,
  oddExemptionIds,
  validExemption,
} from './__testUtils__/badExemptions';
import { badWebhookDelivery } from './__testUtils__/badWebhooks';

jest.setTimeout(180_000);

// Per endpoint and engine; both engines together try twice as many.
const RUNS = Number(process.env.PAVED_FUZZ_RUNS ?? 500);

/** Statuses seen, and how many payloads of each kind were tried. */
class Tally {
  readonly statuses = new Map<number, number>();
  readonly labels = new Map<string, number>();
  tried = 0;

  record(label: string, status: number) {
    this.tried += 1;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
  }

  get serverErrors() {
    return [...this.statuses].reduce(
      (sum, [status, n]) => sum + (status >= 500 ? n : 0),
      0,
    );
  }
}

type Server = Parameters<typeof request>[0];

function send(
  server: Server,
  method: 'post' | 'delete',
  path: string,
  auth: string,
  bad?: BadRequest,
) {
  let req = request(server)[method](`${API}${path}`).set('Authorization', auth);
  if (bad) {
    req = req.set('Content-Type', bad.contentType);
    for (const [name, value] of Object.entries(bad.headers ?? {})) {
      req = req.set(name, value);
    }
    req = req.send(bad.body);
  }
  return req;
}

/** A refusal: a 4xx whose JSON error has a message, naming the field if known. */
function expectRefused(res: request.Response, bad?: BadRequest) {
  const message: unknown = res.body?.error?.message;
  const seen = {
    refused: res.status >= 400 && res.status < 500,
    status: res.status,
    message,
    label: bad?.label,
    body: bad?.body.slice(0, 300),
  };
  expect(seen).toMatchObject({
    refused: true,
    message: expect.stringMatching(/\S/),
  });
  if (bad?.names) {
    const names = ([] as string[]).concat(bad.names);
    expect({
      ...seen,
      named: names.some(n => String(message).includes(n)),
    }).toMatchObject({ named: true });
  }
}

describe('fuzzing the write endpoints', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
  const summary: string[] = [];
  afterAll(() => printSummary(summary));

  it.each(databases.eachSupportedId())(
    'POST /events refuses every bad payload with a 4xx and writes nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server, stop } = await startReliabilityBackend({ knex });
      const service = mockCredentials.service.header();
      // Something stored already, so "nothing written" also means "nothing changed".
      const seeded = await send(server, 'post', '/events', service, {
        label: 'seed',
        contentType: 'application/json',
        body: JSON.stringify([
          {
            id: 'seed-d1',
            service: 'payments-id',
            type: 'deployment',
            environment: 'production',
            finishedAt: '2026-11-03T00:00:00Z',
            succeeded: true,
          },
          {
            id: 'seed-c1',
            service: 'nobody',
            type: 'change',
            mergedAt: '2026-11-02T00:00:00Z',
          },
        ]),
      });
      expect(seeded.status).toBe(200);

      const before = await fingerprint(knex);
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(badEventRequest, async bad => {
          const res = await send(server, 'post', '/events', service, bad);
          tally.record(bad.label, res.status);
          expectRefused(res, bad);
        }),
        { numRuns: RUNS },
      );
      const after = await fingerprint(knex);
      expect(after).toEqual(before);
      // JSON bodies with __proto__ keys reached no prototype.
      expect(({} as Record<string, unknown>).service).toBeUndefined();
      expect(({} as Record<string, unknown>).id).toBeUndefined();
      await stop();

      summary.push(
        `POST /events on ${databaseId}: ${tally.tried} bad payloads (${[
          ...tally.labels,
        ]
          .map(([label, n]) => `${n} ${label}`)
          .join(', ')}), ${tally.serverErrors} 5xx, rows written ${
          totalRows(after) - totalRows(before)
        }`,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'POST /webhooks/github refuses bad signatures, replays and garbage, storing nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server, stop } = await startReliabilityBackend({ knex });
      const before = await fingerprint(knex);
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(badWebhookDelivery, async delivery => {
          // No Backstage credentials: GitHub sends none.
          let req = request(server).post(`${API}/webhooks/github`);
          for (const [name, value] of Object.entries(delivery.headers)) {
            req = req.set(name, value);
          }
          const res = await req.send(delivery.body);
          tally.record(delivery.label, res.status);
          expect({
            status: res.status,
            message: res.body?.error?.message,
            label: delivery.label,
            body: delivery.body.slice(0, 200),
          }).toMatchObject({
            status: delivery.expected,
            message: expect.stringMatching(/\S/),
          });
        }),
        { numRuns: RUNS },
      );
      const after = await fingerprint(knex);
      expect(after).toEqual(before);
      await stop();

      summary.push(
        `POST /webhooks/github on ${databaseId}: ${
          tally.tried
        } bad deliveries (${[...tally.labels]
          .map(([label, n]) => `${n} ${label}`)
          .join(', ')}), ${tally.serverErrors} 5xx, rows written ${
          totalRows(after) - totalRows(before)
        }`,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'POST /exemptions refuses every bad body with a 4xx and writes nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server, stop } = await startReliabilityBackend({ knex });
      const user = mockCredentials.user.header();
      const good = await send(server, 'post', '/exemptions', user, {
        label: 'seed',
        contentType: 'application/json',
        body: JSON.stringify(validExemption),
      });
      expect(good.status).toBe(201);

      const before = await fingerprint(knex);
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(badExemptionRequest, async bad => {
          const res = await send(server, 'post', '/exemptions', user, bad);
          tally.record(bad.label, res.status);
          expectRefused(res, bad);
        }),
        { numRuns: RUNS },
      );
      const after = await fingerprint(knex);
      expect(after).toEqual(before);
      expect(({} as Record<string, unknown>).reason).toBeUndefined();
      await stop();

      summary.push(
        `POST /exemptions on ${databaseId}: ${tally.tried} bad payloads, ${
          tally.serverErrors
        } 5xx, rows written ${totalRows(after) - totalRows(before)}`,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'DELETE /exemptions/:id refuses every odd id with a 4xx and revokes nothing, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server, stop } = await startReliabilityBackend({ knex });
      const user = mockCredentials.user.header();
      const created = await send(server, 'post', '/exemptions', user, {
        label: 'seed',
        contentType: 'application/json',
        body: JSON.stringify(validExemption),
      });
      expect(created.status).toBe(201);
      const realId: string = created.body.exemption.id;

      const before = await fingerprint(knex);
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(oddExemptionIds(realId), async id => {
          const res = await send(server, 'delete', `/exemptions/${id}`, user);
          tally.record('odd id', res.status);
          expectRefused(res, { label: id, body: id, contentType: '' });
        }),
        { numRuns: RUNS },
      );
      const after = await fingerprint(knex);
      expect(after).toEqual(before);
      // The real one is still active, and still revocable by its exact id.
      const revoked = await send(
        server,
        'delete',
        `/exemptions/${realId}`,
        user,
      );
      expect(revoked.status).toBe(200);
      await stop();

      summary.push(
        `DELETE /exemptions/:id on ${databaseId}: ${tally.tried} odd ids, ${
          tally.serverErrors
        } 5xx, tables changed ${
          Object.keys(after).filter(
            t => JSON.stringify(after[t]) !== JSON.stringify(before[t]),
          ).length
        }`,
      );
    },
  );
});
