import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { DatabaseNotificationSentStore } from './DatabaseNotificationSentStore';

jest.setTimeout(60_000);

describe('DatabaseNotificationSentStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'lets exactly one claim of a notification win, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      // Two stores on one database stand for two replicas.
      const one = await DatabaseNotificationSentStore.create({ database });
      const two = await DatabaseNotificationSentStore.create({ database });
      const key = {
        entityRef: 'component:default/node-old',
        templateRef: 'template:default/node-service',
        version: '2.1.0',
      };
      const at = new Date('2026-12-01T09:00:00Z');

      const claims = await Promise.all([
        one.claim(key, at),
        two.claim(key, at),
        one.claim(key, at),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await two.claim(key, new Date())).toBe(false);

      // Another version or another service is another notification.
      expect(await one.claim({ ...key, version: '2.2.0' }, at)).toBe(true);
      expect(
        await one.claim({ ...key, entityRef: 'component:default/other' }, at),
      ).toBe(true);

      expect(
        await two.listSent({ templateRef: key.templateRef, version: '2.1.0' }),
      ).toEqual([
        { entityRef: 'component:default/node-old', sentAt: at.toISOString() },
        { entityRef: 'component:default/other', sentAt: at.toISOString() },
      ]);
    },
  );
});
