import { DatabaseService } from '@backstage/backend-plugin-api';
import { DoraWindow } from '@paved/backstage-plugin-golden-paths-common';
import { Knex } from 'knex';
import { migrateGoldenPathsDatabase } from './DatabaseTemplateVersionStore';
import { DoraEvent, DoraEventStore, StoredDoraEvent } from './DoraEventStore';

const TABLE = 'golden_paths_dora_events';
const DELIVERIES = 'golden_paths_dora_webhook_deliveries';
// How far before a window events are read: a change merged or a deployment
// made before the window can still ship or cause something inside it.
const LOOKBACK_MS = 90 * 24 * 60 * 60 * 1000;
// Rows per insert statement. On PostgreSQL fewer, larger statements make
// batches fast (1,000 rows are 7,000 of its 65,535 parameters). Knex writes a
// multi-row insert on SQLite as one compound SELECT (at most 500 terms), which
// gets slower to prepare as it grows, so SQLite takes smaller ones.
const PG_CHUNK = 1000;
const SQLITE_CHUNK = 100;
function byId(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Services per IN list when reading events. */
const READ_CHUNK = 500;
/** From this many services on, the window is read whole and filtered here. */
const WHOLE_TABLE_ABOVE = 2000;

type DoraEventRow = {
  id: string;
  kind: string;
  entity_ref: string | null;
  match_key: string;
  occurred_at: Date | string | number;
  payload: string;
  received_at: Date | string | number;
};

/**
 * Knex implementation of {@link DoraEventStore}, for SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseDoraEventStore implements DoraEventStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseDoraEventStore> {
    return new DatabaseDoraEventStore(
      await migrateGoldenPathsDatabase(options.database),
    );
  }

  private readonly chunk: number;

  constructor(private readonly db: Knex) {
    this.chunk = String(db.client.config.client).includes('sqlite')
      ? SQLITE_CHUNK
      : PG_CHUNK;
  }

  async ingest(
    events: Array<DoraEvent & { entityRef?: string }>,
    receivedAt: Date,
  ): Promise<{ stored: number; duplicates: number }> {
    const [result] = await this.ingestBatch([{ events, receivedAt }]);
    return result;
  }

  async ingestBatch(
    batch: Array<{
      events: Array<DoraEvent & { entityRef?: string }>;
      receivedAt: Date;
    }>,
  ): Promise<Array<{ stored: number; duplicates: number }>> {
    // Each id is offered once, by the first caller that sent it; within one
    // caller's events the last copy of an id is the one offered.
    const offeredBy = new Map<string, number>();
    const rows: DoraEventRow[] = [];
    batch.forEach(({ events, receivedAt }, caller) => {
      for (const e of new Map(events.map(ev => [ev.id, ev])).values()) {
        if (offeredBy.has(e.id)) continue;
        offeredBy.set(e.id, caller);
        rows.push({
          id: e.id,
          kind: e.kind,
          entity_ref: e.entityRef ?? null,
          match_key: e.matchKey,
          occurred_at: new Date(e.occurredAt),
          payload: JSON.stringify(e.record),
          received_at: receivedAt,
        });
      }
    });
    const stored = batch.map(() => 0);
    await this.db.transaction(async tx => {
      for (let i = 0; i < rows.length; i += this.chunk) {
        // The primary key decides: a conflicting row is ignored and returns
        // nothing, on PostgreSQL and SQLite (RETURNING) alike.
        const inserted = await tx<DoraEventRow>(TABLE)
          .insert(rows.slice(i, i + this.chunk))
          .onConflict('id')
          .ignore()
          .returning('id');
        for (const { id } of inserted) stored[offeredBy.get(id)!]++;
      }
    });
    return batch.map(({ events }, caller) => ({
      stored: stored[caller],
      duplicates: events.length - stored[caller],
    }));
  }

  async listForEntities(
    entityRefs: string[],
    window: DoraWindow,
  ): Promise<StoredDoraEvent[]> {
    if (entityRefs.length === 0) return [];
    const since = new Date(Date.parse(window.from) - LOOKBACK_MS);
    const inWindow = () =>
      this.db<DoraEventRow>(TABLE)
        .where('occurred_at', '>=', since)
        .where('occurred_at', '<', new Date(window.to));
    const rows: DoraEventRow[] = [];
    if (entityRefs.length > WHOLE_TABLE_ABOVE) {
      // Thousands of services: one scan of the window beats hundreds of
      // IN lists; the services asked for are picked out here.
      const wanted = new Set(entityRefs);
      for (const row of await inWindow().whereNotNull('entity_ref')) {
        if (wanted.has(row.entity_ref!)) rows.push(row);
      }
    } else {
      for (let i = 0; i < entityRefs.length; i += READ_CHUNK) {
        rows.push(
          ...(await inWindow().whereIn(
            'entity_ref',
            entityRefs.slice(i, i + READ_CHUNK),
          )),
        );
      }
    }
    // Oldest first, ties by id: the same order however the rows were read.
    // Each row's time is parsed once, not once per comparison.
    const timed = rows.map(row => ({
      row,
      at: new Date(row.occurred_at).getTime(),
    }));
    timed.sort((a, b) => a.at - b.at || byId(a.row.id, b.row.id));
    return timed.map(({ row }) => toEvent(row));
  }

  async listDeployments(entityRef: string): Promise<StoredDoraEvent[]> {
    const rows = await this.db<DoraEventRow>(TABLE)
      .where({ entity_ref: entityRef, kind: 'deployment' })
      .orderBy([{ column: 'occurred_at' }, { column: 'id' }]);
    return rows.map(toEvent);
  }

  async hasDelivery(deliveryId: string): Promise<boolean> {
    const row = await this.db(DELIVERIES)
      .where({ delivery_id: deliveryId })
      .first('delivery_id');
    return row !== undefined;
  }

  async recordDelivery(
    deliveryId: string,
    receivedAt: Date,
    forgetBefore: Date,
  ): Promise<void> {
    await this.db(DELIVERIES)
      .insert({ delivery_id: deliveryId, received_at: receivedAt })
      .onConflict('delivery_id')
      .ignore();
    await this.db(DELIVERIES).where('received_at', '<', forgetBefore).delete();
  }

  async listUnmatched(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: StoredDoraEvent[]; totalCount: number }> {
    const [{ count }] = await this.db(TABLE)
      .whereNull('entity_ref')
      .count({ count: '*' });
    const rows = await this.db<DoraEventRow>(TABLE)
      .whereNull('entity_ref')
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(toEvent), totalCount: Number(count) };
  }

  async listUnmatchedKeys(): Promise<string[]> {
    const rows = await this.db<DoraEventRow>(TABLE)
      .distinct('match_key')
      .whereNull('entity_ref')
      .orderBy('match_key');
    return rows.map(r => r.match_key);
  }

  async rematch(entityRefByMatchKey: Map<string, string>): Promise<number> {
    let matched = 0;
    for (const [matchKey, entityRef] of entityRefByMatchKey) {
      matched += await this.db<DoraEventRow>(TABLE)
        .whereNull('entity_ref')
        .where('match_key', matchKey)
        .update({ entity_ref: entityRef });
    }
    return matched;
  }
}

function toEvent(row: DoraEventRow): StoredDoraEvent {
  return {
    id: row.id,
    kind: row.kind,
    matchKey: row.match_key,
    occurredAt: new Date(row.occurred_at).toISOString(),
    record: JSON.parse(row.payload),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    receivedAt: new Date(row.received_at).toISOString(),
  } as StoredDoraEvent;
}
