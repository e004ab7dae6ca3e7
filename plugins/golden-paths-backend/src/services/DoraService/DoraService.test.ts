import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_PRODUCTION_ENVIRONMENTS } from '@paved/backstage-plugin-golden-paths-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ComplianceStore } from '../../database/ComplianceStore';
import { DoraEvent, DoraEventStore } from '../../database/DoraEventStore';
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
