import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';
import {
  NotificationSentStore,
  SentNotificationKey,
} from './NotificationSentStore';

const TABLE = 'golden_paths_notifications_sent';

type NotificationSentRow = {
  entity_ref: string;
  template_ref: string;
  version: string;
  sent_at: Date | string | number;
};

/**
 * Knex implementation of {@link NotificationSentStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseNotificationSentStore implements NotificationSentStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseNotificationSentStore> {
    return new DatabaseNotificationSentStore(
      await migrateGoldenPathsDatabase(options.database),
    );
  }

  constructor(private readonly db: Knex) {}

  async claim(key: SentNotificationKey, sentAt: Date): Promise<boolean> {
    // The primary key decides: an insert that conflicts is ignored and
    // returns no row, on PostgreSQL and SQLite (RETURNING) alike.
    const inserted = await this.db<NotificationSentRow>(TABLE)
      .insert({
        entity_ref: key.entityRef,
        template_ref: key.templateRef,
        version: key.version,
        sent_at: sentAt,
      })
      .onConflict(['entity_ref', 'template_ref', 'version'])
      .ignore()
      .returning('entity_ref');
    return inserted.length > 0;
  }

  async listSent(options: {
    templateRef: string;
    version: string;
  }): Promise<{ entityRef: string; sentAt: string }[]> {
    const rows = await this.db<NotificationSentRow>(TABLE)
      .select('entity_ref', 'sent_at')
      .where({ template_ref: options.templateRef, version: options.version })
      .orderBy('entity_ref');
    return rows.map(r => ({
      entityRef: r.entity_ref,
      sentAt: new Date(r.sent_at).toISOString(),
    }));
  }
}
