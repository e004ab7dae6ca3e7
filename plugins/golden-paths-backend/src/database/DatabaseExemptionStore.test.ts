import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseExemptionStore } from './DatabaseExemptionStore';

jest.setTimeout(60_000);

describe('DatabaseExemptionStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseExemptionStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'lists only exemptions neither expired nor revoked, and keeps revoked ones, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const now = new Date('2026-11-02T09:00:00Z');
      const later = new Date('2026-12-01T00:00:00Z');

      const payments = await store.create(
        {
          entityRef: 'component:default/payments',
          templateRef: 'template:default/node-service',
          reason: 'Migrating to Node 22 in Q1',
          approvedBy: 'user:default/jane',
          expiresAt: later,
        },
        now,
      );
      expect(payments).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        entityRef: 'component:default/payments',
        templateRef: 'template:default/node-service',
        reason: 'Migrating to Node 22 in Q1',
        approvedBy: 'user:default/jane',
        createdAt: now.toISOString(),
        expiresAt: later.toISOString(),
      });
      const billing = await store.create(
        {
          entityRef: 'component:default/billing',
          reason: 'Freeze',
          approvedBy: 'user:default/jane',
          expiresAt: new Date('2026-11-10T00:00:00Z'),
        },
        now,
      );

      expect((await store.listActive(now)).map(e => e.id)).toEqual([
        payments.id,
        billing.id,
      ]);
      expect(
        (
          await store.listActive(now, {
            entityRef: 'component:default/billing',
          })
        ).map(e => e.id),
      ).toEqual([billing.id]);
      // Expiry is exclusive: at the expiry instant it no longer counts.
      expect(
        (await store.listActive(new Date('2026-11-10T00:00:00Z'))).map(
          e => e.id,
        ),
      ).toEqual([payments.id]);

      const revokedAt = new Date('2026-11-03T00:00:00Z');
      expect(
        await store.revoke(payments.id, 'user:default/john', revokedAt),
      ).toEqual({
        ...payments,
        revokedAt: revokedAt.toISOString(),
        revokedBy: 'user:default/john',
      });
      // A second revocation does not rewrite who revoked it.
      await store.revoke(payments.id, 'user:default/other', later);
      expect(await store.get(payments.id)).toMatchObject({
        revokedBy: 'user:default/john',
        revokedAt: revokedAt.toISOString(),
      });
      expect((await store.listActive(now)).map(e => e.id)).toEqual([
        billing.id,
      ]);
      expect(await store.revoke('missing', 'user:default/john', now)).toBe(
        undefined,
      );
      expect(await store.get('missing')).toBe(undefined);
    },
  );
});
