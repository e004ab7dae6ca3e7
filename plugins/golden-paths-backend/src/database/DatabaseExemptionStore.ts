import { DatabaseService } from '@backstage/backend-plugin-api';
import { Exemption } from '@paved/backstage-plugin-golden-paths-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ExemptionStore,
  NewExemption,
  StoredExemption,
} from './ExemptionStore';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';

const TABLE = 'golden_paths_exemptions';

// Ids are uuids we issued; anything else (a NUL, a huge string) matches
// nothing, and must not reach PostgreSQL, which refuses NUL.
const EXEMPTION_ID = /^[0-9a-f-]{36}$/;

type ExemptionRow = {
  id: string;
  entity_ref: string;
  template_ref: string | null;
  reason: string;
  approved_by: string;
  created_at: Date | string | number;
  expires_at: Date | string | number;
  revoked_at: Date | string | number | null;
  revoked_by: string | null;
};

function toExemption(row: ExemptionRow): StoredExemption {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    ...(row.template_ref && { templateRef: row.template_ref }),
    reason: row.reason,
    approvedBy: row.approved_by,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    ...(row.revoked_at !== null && {
      revokedAt: new Date(row.revoked_at).toISOString(),
    }),
    ...(row.revoked_by && { revokedBy: row.revoked_by }),
  };
}

/**
 * Knex implementation of {@link ExemptionStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseExemptionStore implements ExemptionStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseExemptionStore> {
    return new DatabaseExemptionStore(
      await migrateGoldenPathsDatabase(options.database),
    );
  }

  constructor(private readonly db: Knex) {}

  async create(exemption: NewExemption, now: Date): Promise<StoredExemption> {
    const row: ExemptionRow = {
      id: randomUUID(),
      entity_ref: exemption.entityRef,
      template_ref: exemption.templateRef ?? null,
      reason: exemption.reason,
      approved_by: exemption.approvedBy,
      created_at: now,
      expires_at: exemption.expiresAt,
      revoked_at: null,
      revoked_by: null,
    };
    await this.db(TABLE).insert(row);
    return toExemption(row);
  }

  async revoke(id: string, revokedBy: string, at: Date) {
    if (!EXEMPTION_ID.test(id)) return undefined;
    await this.db(TABLE)
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: at, revoked_by: revokedBy });
    return this.get(id);
  }

  async listActive(
    now: Date,
    options?: { entityRef?: string },
  ): Promise<Exemption[]> {
    const query = this.db<ExemptionRow>(TABLE)
      .whereNull('revoked_at')
      .where('expires_at', '>', now)
      .orderBy('created_at', 'asc');
    if (options?.entityRef) query.where('entity_ref', options.entityRef);
    return (await query).map(toExemption);
  }

  async get(id: string) {
    if (!EXEMPTION_ID.test(id)) return undefined;
    const row = await this.db<ExemptionRow>(TABLE).where({ id }).first();
    return row ? toExemption(row) : undefined;
  }
}
