import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseComplianceStore } from '../database/DatabaseComplianceStore';
import { DatabaseExemptionStore } from '../database/DatabaseExemptionStore';
import { DatabaseTemplateVersionStore } from '../database/DatabaseTemplateVersionStore';
import { ComplianceService } from '../services/ComplianceService';
import { ComplianceSweepTask } from './ComplianceSweepTask';

jest.setTimeout(60_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'paved.dev/dora-id': name } },
  spec: { type: 'service', owner: 'group:default/team-a' },
});

describe('ComplianceSweepTask catalog index', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('hands every Component to the index, and commits only a full read', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    const auth = mockServices.auth();
    const compliance = await DatabaseComplianceStore.create({ database });
    const catalog = catalogServiceMock({
      entities: ['a', 'b', 'c'].map(component),
    });
    const service = new ComplianceService({
      auth,
      catalog,
      config: mockServices.rootConfig(),
      templateVersions: await DatabaseTemplateVersionStore.create({
        database,
      }),
      exemptions: await DatabaseExemptionStore.create({ database }),
      compliance,
    });
    const indexes: Array<{ added: string[]; committed: boolean }> = [];
    const sweep = new ComplianceSweepTask({
      auth,
      catalog,
      service,
      store: compliance,
      logger: mockServices.logger.mock(),
      catalogIndex: () => {
        const index = { added: [] as string[], committed: false };
        indexes.push(index);
        return {
          add: entity => index.added.push(entity.metadata.name),
          commit: () => {
            index.committed = true;
          },
        };
      },
    });

    await sweep.run(new Date('2026-12-04T10:00:00Z'));
    expect(indexes).toEqual([{ added: ['a', 'b', 'c'], committed: true }]);

    // The catalog breaks after the first Component: nothing is committed.
    const stream = catalog.streamEntities.bind(catalog);
    jest
      .spyOn(catalog, 'streamEntities')
      .mockImplementation(async function* broken(request, options) {
        for await (const page of stream(request, options)) {
          if (JSON.stringify(request?.filter).includes('Component')) {
            yield page.slice(0, 1);
            throw new Error('catalog went away');
          }
          yield page;
        }
      });
    await expect(sweep.run(new Date('2026-12-04T10:10:00Z'))).rejects.toThrow(
      'catalog went away',
    );
    expect(indexes[1]).toEqual({ added: ['a'], committed: false });
  });
});
