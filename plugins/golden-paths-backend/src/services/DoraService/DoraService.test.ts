import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_PRODUCTION_ENVIRONMENTS } from '@paved/backstage-plugin-golden-paths-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ComplianceStore } from '../../database/ComplianceStore';
import { DoraEvent, DoraEventStore } from '../../database/DoraEventStore';
import { DatabaseDoraEventStore } from '../../database/DatabaseDoraEventStore';
import { DoraService, readDoraConfig } from './DoraService';

const read = (dora?: object) =>
  readDoraConfig(
    mockServices.rootConfig({ data: dora ? { goldenPaths: { dora } } : {} }),
  );

describe('readDoraConfig', () => {
  it('defaults to the default production environments and bands', () => {
    expect(read()).toEqual({
      productionEnvironments: DEFAULT_PRODUCTION_ENVIRONMENTS,
    });
  });

  it('reads production environments and whole band overrides', () => {
    expect(
      read({
        productionEnvironments: ['live'],
        bands: {
          changeFailRate: {
            eliteAtMost: 0.1,
            highAtMost: 0.2,
            mediumAtMost: 0.3,
          },
        },
      }),
    ).toEqual({
      productionEnvironments: ['live'],
      bands: {
        changeFailRate: {
          eliteAtMost: 0.1,
          highAtMost: 0.2,
          mediumAtMost: 0.3,
        },
      },
    });
  });

  it('refuses to start on bands that would band silently wrong', () => {
    expect(() =>
      read({
        bands: {
          changeFailRate: {
            eliteAtMost: 0.3,
            highAtMost: 0.2,
            mediumAtMost: 0.1,
          },
        },
      }),
    ).toThrow(/goldenPaths.dora.bands: Invalid DORA bands for changeFailRate/);
    expect(() =>
      read({ bands: { changeLeadTime: { eliteBelowHours: 1 } } }),
    ).toThrow(/highBelowHours/);
    expect(() =>
      read({
        bands: {
          leadTime: {
            eliteBelowHours: 1,
            highBelowHours: 2,
            mediumBelowHours: 3,
          },
        },
      }),
    ).toThrow('goldenPaths.dora.bands.leadTime is not a DORA metric');
    expect(() => read({ productionEnvironments: [] })).toThrow(
      'must name at least one environment',
    );
  });
});

describe('DoraService matching', () => {
  it('asks the catalog once per service, and again for keys that matched nothing', async () => {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments',
            annotations: { 'paved.dev/dora-id': 'pay' },
          },
          spec: { type: 'service', owner: 'group:default/team-a' },
        },
      ],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const ingestBatch = jest.fn(async (batch: Array<{ events: unknown[] }>) =>
      batch.map(({ events }) => ({ stored: events.length, duplicates: 0 })),
    );
    const service = new DoraService({
      auth: mockServices.auth(),
      catalog,
      events: { ingestBatch } as unknown as DoraEventStore,
      compliance: {} as ComplianceStore,
    });
    const event = (id: string, matchKey: string): DoraEvent => ({
      id,
      matchKey,
      occurredAt: '2026-11-20T10:00:00.000Z',
      kind: 'change',
      record: { id, mergedAt: '2026-11-20T10:00:00.000Z' },
    });
    const now = new Date('2026-11-21T00:00:00Z');

    await service.ingest([event('a', 'pay')], now);
    const callsAfterFirst = getEntities.mock.calls.length;
    expect(callsAfterFirst).toBeGreaterThan(0);
    await service.ingest([event('b', 'pay'), event('c', 'pay')], now);
    expect(getEntities).toHaveBeenCalledTimes(callsAfterFirst);
    expect(ingestBatch.mock.calls[1][0][0].events).toEqual([
      expect.objectContaining({
        id: 'b',
        entityRef: 'component:default/payments',
      }),
      expect.objectContaining({
        id: 'c',
        entityRef: 'component:default/payments',
      }),
    ]);

    // An unknown key is asked for every time: the service may appear any moment.
    await service.ingest([event('d', 'nobody')], now);
    const callsAfterUnknown = getEntities.mock.calls.length;
    expect(callsAfterUnknown).toBeGreaterThan(callsAfterFirst);
    await service.ingest([event('e', 'nobody')], now);
    expect(getEntities.mock.calls.length).toBeGreaterThan(callsAfterUnknown);
  });
});

describe('DoraService future times', () => {
  it('refuses a time more than a day ahead, in any ISO form, naming the field and item', async () => {
    const ingestBatch = jest.fn(async (batch: Array<{ events: unknown[] }>) =>
      batch.map(({ events }) => ({ stored: events.length, duplicates: 0 })),
    );
    const service = new DoraService({
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: [] }),
      events: { ingestBatch } as unknown as DoraEventStore,
      compliance: {} as ComplianceStore,
    });
    const now = new Date('2026-11-21T00:00:00.000Z');
    const change = (id: string, mergedAt: string): DoraEvent => ({
      id,
      matchKey: 'pay',
      occurredAt: mergedAt,
      kind: 'change',
      record: { id, mergedAt },
    });

    // A day ahead exactly is within the tolerance; a millisecond more is not.
    await expect(
      service.ingest([change('a', '2026-11-22T00:00:00.000Z')], now),
    ).resolves.toMatchObject({ stored: 1 });
    await expect(
      service.ingest([change('b', '2026-11-22T00:00:00.001Z')], now),
    ).rejects.toThrow('mergedAt 2026-11-22T00:00:00.001Z is in the future');
    // Other forms are compared as instants: +02:00 is two hours earlier.
    await expect(
      service.ingest([change('c', '2026-11-22T01:59:59+02:00')], now),
    ).resolves.toMatchObject({ stored: 1 });
    await expect(
      service.ingest(
        [
          change('d', '2026-11-20T00:00:00.000Z'),
          change('e', '2026-11-22T00:00:01Z'),
        ],
        now,
      ),
    ).rejects.toThrow('[1].mergedAt 2026-11-22T00:00:01Z is in the future');
    expect(ingestBatch).toHaveBeenCalledTimes(2);
  });
});

describe('DoraService match index', () => {
  const component = (name: string, annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', owner: 'group:default/team-a' },
  });
  const payments = component('payments', {
    'paved.dev/dora-id': 'pay',
    'github.com/project-slug': 'acme/payments',
  });
  // Its slug is another service's dora id: the dora id wins, as in the catalog.
  const ledger = component('ledger', {
    'github.com/project-slug': 'pay',
    'paved.dev/dora-id': 'Ledger-Id',
  });

  function setup() {
    const catalog = catalogServiceMock({ entities: [payments, ledger] });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const ingestBatch = jest.fn(async (batch: Array<{ events: unknown[] }>) =>
      batch.map(({ events }) => ({ stored: events.length, duplicates: 0 })),
    );
    const service = new DoraService({
      auth: mockServices.auth(),
      catalog,
      events: { ingestBatch } as unknown as DoraEventStore,
      compliance: {} as ComplianceStore,
    });
    const ingest = async (...matchKeys: string[]) => {
      await service.ingest(
        matchKeys.map((matchKey, i) => ({
          id: `${matchKey}-${i}-${Math.random()}`,
          matchKey,
          occurredAt: '2026-11-20T10:00:00.000Z',
          kind: 'change' as const,
          record: { id: matchKey, mergedAt: '2026-11-20T10:00:00.000Z' },
        })),
        new Date('2026-11-21T00:00:00Z'),
      );
      const { events } = ingestBatch.mock.calls.at(-1)![0][0] as {
        events: Array<{ entityRef?: string }>;
      };
      return events.map(e => e.entityRef);
    };
    const catalogCalls = () =>
      getEntities.mock.calls.length + getEntityByRef.mock.calls.length;
    return { service, ingest, catalogCalls };
  }

  it('matches every kind of key from a committed sweep without the catalog', async () => {
    const { service, ingest, catalogCalls } = setup();
    const builder = service.matchIndexBuilder();
    builder.add(payments);
    builder.add(ledger);
    builder.add({ ...payments, kind: 'Group', metadata: { name: 'team-a' } });
    builder.commit();

    await expect(
      ingest('pay', 'ACME/payments', 'ledger-id', 'component:ledger'),
    ).resolves.toEqual([
      'component:default/payments',
      'component:default/payments',
      'component:default/ledger',
      'component:default/ledger',
    ]);
    expect(catalogCalls()).toBe(0);

    // A key the sweep did not see still goes to the catalog.
    await expect(ingest('group:team-a')).resolves.toEqual([undefined]);
    expect(catalogCalls()).toBeGreaterThan(0);
  });

  it('ignores a sweep that did not commit, and one too old to trust', async () => {
    const { service, ingest, catalogCalls } = setup();
    service.matchIndexBuilder().add(payments);
    await expect(ingest('acme/payments')).resolves.toEqual([
      'component:default/payments',
    ]);
    const afterUncommitted = catalogCalls();
    expect(afterUncommitted).toBeGreaterThan(0);

    const stale = service.matchIndexBuilder();
    stale.add(ledger);
    stale.commit(Date.now() - 2 * 60 * 60 * 1000);
    await expect(ingest('ledger-id')).resolves.toEqual([
      'component:default/ledger',
    ]);
    expect(catalogCalls()).toBeGreaterThan(afterUncommitted);
  });
});

describe('DoraService facts', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
  const window = {
    from: '2026-11-01T00:00:00.000Z',
    to: '2026-12-01T00:00:00.000Z',
  };
  const deployment = (
    id: string,
    entityRef: string,
    environment: string,
    finishedAt: string,
  ): DoraEvent & { entityRef: string } => ({
    id: `json:${id}`,
    matchKey: entityRef,
    entityRef,
    occurredAt: finishedAt,
    kind: 'deployment',
    record: { id, environment, finishedAt, succeeded: true, kind: 'deploy' },
  });
  const serviceOn = (
    events: DoraEventStore,
    productionEnvironments: string[],
  ) =>
    new DoraService({
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
      events,
      compliance: {} as ComplianceStore,
      config: { productionEnvironments },
    });

  it.each(databases.eachSupportedId())(
    'works facts out when read, and again when the production environments change, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const events = await DatabaseDoraEventStore.create({
        database: mockServices.database({ knex }),
      });
      const ref = 'component:default/payments';
      const at = new Date('2026-11-30T00:00:00Z');
      await events.ingest(
        [
          deployment('live-1', ref, 'live', '2026-11-03T00:00:00Z'),
          deployment('prod-1', ref, 'production', '2026-11-04T00:00:00Z'),
        ],
        at,
      );
      const byProduction = serviceOn(events, ['production']);
      expect(await byProduction.checkFactSettings()).toBe(true);
      const sample = async (service: DoraService) =>
        (await service.metricsFor([ref], window)).deploymentFrequency.sample;
      expect(await sample(byProduction)).toBe(1);
      expect(await events.listStale()).toEqual([]);

      // A new event is counted by the next read, without waiting for a task.
      await events.ingest(
        [deployment('prod-2', ref, 'production', '2026-11-05T00:00:00Z')],
        at,
      );
      expect(await sample(byProduction)).toBe(2);

      // Restarted with other production environments: every fact is redone.
      const byLive = serviceOn(events, [' Live ']);
      expect(await byLive.checkFactSettings()).toBe(true);
      expect(await byLive.checkFactSettings()).toBe(false);
      expect(await sample(byLive)).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'refreshes every stale service, as the background task does, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const events = await DatabaseDoraEventStore.create({
        database: mockServices.database({ knex }),
      });
      const refs = Array.from(
        { length: 3 },
        (_, i) => `component:default/service-${i}`,
      );
      await events.ingest(
        refs.map((ref, i) =>
          deployment(`d${i}`, ref, 'production', '2026-11-03T00:00:00Z'),
        ),
        new Date('2026-11-30T00:00:00Z'),
      );
      const dora = serviceOn(events, ['production']);
      expect(await dora.refreshFacts()).toBe(3);
      expect(await events.listStale()).toEqual([]);
      expect(await dora.refreshFacts()).toBe(0);
      const facts = await events.listFacts(undefined, window);
      expect(facts.deployments.map(d => d.entityRef).sort()).toEqual(refs);
    },
  );
});
