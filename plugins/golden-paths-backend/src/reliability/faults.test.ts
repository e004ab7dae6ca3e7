import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex, knex as createKnex } from 'knex';
import {
  ENTITIES,
  fingerprint,
  printSummary,
  startReliabilityBackend,
} from './__testUtils__/backend';
import { capturingLogger } from './__testUtils__/logs';
import { TcpProxy } from './__testUtils__/TcpProxy';

jest.setTimeout(120_000);

const BATCHES = 40;
const BATCH_SIZE = 5;
const CLIENTS = 3;
// After how many answered batches each outage starts.
const OUTAGES_AT = [8, 24];
// Refusals seen before the database comes back.
const REFUSALS_PER_OUTAGE = 6;

const batch = (b: number) =>
  Array.from({ length: BATCH_SIZE }, (_, i) => ({
    id: `fault-${b}-${i}`,
    service: i % 2 ? 'payments-id' : 'ledger-id',
    type: 'deployment',
    environment: 'production',
    finishedAt: new Date(Date.UTC(2026, 10, 1 + (b % 28), i)).toISOString(),
    succeeded: true,
  }));

describe('faults', () => {
  const summary: string[] = [];
  afterAll(() => printSummary(summary));

  describe('PostgreSQL going away mid-ingest', () => {
    const databases = TestDatabases.create({ ids: ['POSTGRES_16'] });

    it('answers 503, half-writes nothing, and stores every retried event once', async () => {
      const direct = await databases.init('POSTGRES_16');
      const settings = direct.client.config
        .connection as Knex.PgConnectionConfig;
      const proxy = new TcpProxy({
        host: settings.host ?? '127.0.0.1',
        port: Number(settings.port ?? 5432),
      });
      await proxy.start();
      const proxied = createKnex({
        client: 'pg',
        connection: { ...settings, port: proxy.port },
        pool: { min: 0, max: 4 },
        acquireConnectionTimeout: 3000,
        // The outages are on purpose; their warnings are noise here.
        log: { warn() {}, error() {}, debug() {}, deprecate() {} },
      });
      const { api, stop } = await startReliabilityBackend({ knex: proxied });
      try {
        const pending = Array.from({ length: BATCHES }, (_, b) => b);
        const answered = new Map<number, number>(); // status -> count
        const refusals: string[] = [];
        let done = 0;
        let outages = 0;
        let refusedInOutage = 0;
        let down = false;
        const halfWritten: number[] = [];

        // Every batch must be all there or all absent, whatever happened.
        const checkAllOrNothing = async () => {
          const rows = await direct('golden_paths_dora_all_events')
            .where('id', 'like', 'json:fault-%')
            .select('id');
          const perBatch = new Map<string, number>();
          for (const { id } of rows) {
            const b = id.split('-')[1];
            perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
          }
          for (const [b, n] of perBatch) {
            if (n !== BATCH_SIZE) halfWritten.push(Number(b));
          }
          return rows.length;
        };

        const client = async () => {
          for (;;) {
            const b = pending.shift();
            if (b === undefined) {
              if (done === BATCHES) return;
              await new Promise(resolve => setTimeout(resolve, 20));
              continue;
            }
            const res = await api.postEvents(batch(b));
            answered.set(res.status, (answered.get(res.status) ?? 0) + 1);
            if (res.status === 200) {
              done += 1;
              if (
                !down &&
                outages < OUTAGES_AT.length &&
                done >= OUTAGES_AT[outages]
              ) {
                // Cut while the other clients' requests are in flight.
                down = true;
                outages += 1;
                refusedInOutage = 0;
                await proxy.cut();
              }
              continue;
            }
            // The client's retry: the batch goes back in the queue.
            refusals.push(`${res.status} ${res.body?.error?.message}`);
            pending.push(b);
            if (down && ++refusedInOutage === REFUSALS_PER_OUTAGE) {
              await checkAllOrNothing();
              await proxy.start();
              down = false;
            }
            await new Promise(resolve => setTimeout(resolve, 20));
          }
        };
        await Promise.all(Array.from({ length: CLIENTS }, client));

        const stored = await checkAllOrNothing();
        expect(halfWritten).toEqual([]);
        expect(outages).toBe(OUTAGES_AT.length);
        // Every refusal was a 503 with a message, never a 500.
        expect(refusals.length).toBeGreaterThanOrEqual(
          OUTAGES_AT.length * REFUSALS_PER_OUTAGE,
        );
        expect(new Set(refusals)).toEqual(
          new Set(['503 The database is unavailable; try again later']),
        );
        expect([...answered.keys()].sort()).toEqual([200, 503]);
        // Every event there exactly once (ids are the primary key).
        expect(stored).toBe(BATCHES * BATCH_SIZE);

        summary.push(
          `faults on POSTGRES_16: database cut ${outages} times mid-ingest, faults survived ${outages}, ${
            refusals.length
          } batches refused with 503 and retried, 0 500s, half-written batches ${
            halfWritten.length
          }, rows lost ${BATCHES * BATCH_SIZE - stored}`,
        );
      } finally {
        await stop();
        await proxied.destroy();
        await proxy.cut();
      }
    });
  });

  describe('the catalog unreachable during a sweep', () => {
    const databases = TestDatabases.create({
      ids: ['POSTGRES_16', 'SQLITE_3'],
    });
    const SWEEP = 'golden-paths-compliance-sweep';

    it.each(databases.eachSupportedId())(
      'keeps the previous snapshot, logs the failure and catches up, on %p',
      async databaseId => {
        const knex = await databases.init(databaseId);
        let components: Entity[] = ENTITIES;
        let reachable = true;
        const catalog = catalogServiceMock({ entities: ENTITIES });
        const stream = catalog.streamEntities.bind(catalog);
        catalog.streamEntities = ((request, options) => {
          if ((request?.filter as { kind?: string })?.kind !== 'Component') {
            return stream(request, options);
          }
          return (async function* pages() {
            // The first page arrives, then the connection drops.
            yield components.slice(0, 1);
            if (!reachable) {
              throw Object.assign(
                new Error('connect ECONNREFUSED 127.0.0.1:7007'),
                { code: 'ECONNREFUSED' },
              );
            }
            yield components.slice(1);
          })();
        }) as typeof catalog.streamEntities;
        const scheduler = mockServices.scheduler();
        const { logger, lines } = capturingLogger();
        const { api, stop } = await startReliabilityBackend({
          knex,
          catalog,
          features: [
            createServiceFactory({
              service: coreServices.scheduler,
              deps: {},
              factory: () => scheduler,
            }),
            createServiceFactory({
              service: coreServices.logger,
              deps: {},
              factory: () => logger,
            }),
          ],
        });
        const listed = async () =>
          (await api.get('/compliance?limit=500')).body.items.map(
            (i: { entityRef: string; owner: string }) =>
              `${i.entityRef} ${i.owner}`,
          );

        await scheduler.triggerTask(SWEEP);
        const snapshot = await fingerprint(knex);
        const before = await listed();
        expect(before).toEqual([
          'component:default/ledger group:default/team-b',
          'component:default/payments group:default/team-a',
          'component:default/search group:default/team-a',
        ]);

        // The catalog changes, then cannot be read to the end.
        components = [
          ENTITIES[0],
          { ...ENTITIES[1], spec: { ...ENTITIES[1].spec, owner: 'team-b' } },
        ];
        reachable = false;
        await scheduler.triggerTask(SWEEP);
        expect(await fingerprint(knex)).toEqual(snapshot);
        expect(await listed()).toEqual(before);
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: 'error',
            message: expect.stringMatching(
              /Compliance sweep failed, keeping the previous snapshot: .*ECONNREFUSED/,
            ),
          }),
        );

        // Back: the next run catches up.
        reachable = true;
        await scheduler.triggerTask(SWEEP);
        expect(await listed()).toEqual([
          'component:default/payments group:default/team-a',
          'component:default/search group:default/team-b',
        ]);
        await stop();
        summary.push(
          `faults on ${databaseId}: catalog unreachable mid-sweep, faults survived 1, snapshot rows lost 0, caught up on the next run`,
        );
      },
    );
  });
});
