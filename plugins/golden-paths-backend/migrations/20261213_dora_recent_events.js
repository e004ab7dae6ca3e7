// @ts-check

/**
 * On SQLite a stored event marks its service stale inside the insert itself
 * (see 20261211_dora_facts.js): the trigger that does it on `table`.
 *
 * @param {string} table
 */
function markStaleTrigger(table) {
  return `CREATE TRIGGER ${table}_mark_stale
    AFTER INSERT ON ${table}
    FOR EACH ROW WHEN NEW.entity_ref IS NOT NULL
    BEGIN
      INSERT INTO golden_paths_dora_stale (entity_ref, token)
      VALUES (NEW.entity_ref, lower(hex(randomblob(16))))
      ON CONFLICT (entity_ref) DO UPDATE SET token = excluded.token;
    END`;
}

/**
 * New DORA events go to a small table of recent events, and move into the
 * large events table in bulk, sorted by service (see
 * `DatabaseDoraEventStore.moveRecentEvents`). Every event of a large table
 * lands at its own place of the `(entity_ref, occurred_at)` index: a commit
 * of 5,000 events over 30,000 services rewrites about 5,000 index pages, one
 * per event, once the table holds millions. The small table's indexes stay
 * in a few hundred pages, and a move of 200,000 events rewrites each page of
 * the large index once for all its events.
 *
 * Reads go through a view of both tables, and an event is in exactly one of
 * them: ingest stores an id only if neither table holds it, and a move
 * copies and deletes in one transaction.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  await knex.schema.createTable('golden_paths_dora_recent_events', table => {
    table.comment(
      'DORA events not yet moved into golden_paths_dora_events, same columns',
    );
    table.string('id', 512).primary().comment('Event id, scoped by source');
    table
      .string('kind', 16)
      .notNullable()
      .comment('deployment, change or incident');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('The matched service, lowercase; null while unmatched');
    table
      .string('match_key', 255)
      .notNullable()
      .comment('What the event names the service by: dora id, slug or ref');
    table
      .timestamp('occurred_at', { useTz: true })
      .notNullable()
      .comment('When the event happened');
    table.text('payload').notNullable().comment('The normalized record, JSON');
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .comment('When the event was first received');
    table.index(
      ['entity_ref', 'occurred_at'],
      'golden_paths_dora_recent_events_entity_idx',
    );
  });
  await knex.raw(
    `CREATE INDEX golden_paths_dora_recent_events_unmatched_idx
     ON golden_paths_dora_recent_events (match_key) WHERE entity_ref IS NULL`,
  );
  await knex.raw(
    `CREATE VIEW golden_paths_dora_all_events AS
     SELECT id, kind, entity_ref, match_key, occurred_at, payload, received_at
     FROM golden_paths_dora_events
     UNION ALL
     SELECT id, kind, entity_ref, match_key, occurred_at, payload, received_at
     FROM golden_paths_dora_recent_events`,
  );
  if (sqlite) {
    // Events are stored into the recent table now; a move is no change.
    await knex.raw('DROP TRIGGER golden_paths_dora_events_mark_stale');
    await knex.raw(markStaleTrigger('golden_paths_dora_recent_events'));
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  if (sqlite) {
    await knex.raw('DROP TRIGGER golden_paths_dora_recent_events_mark_stale');
  }
  await knex.raw('DROP VIEW golden_paths_dora_all_events');
  // The recent events' services are stale already: moving them is no change.
  await knex.raw(
    `INSERT INTO golden_paths_dora_events
     (id, kind, entity_ref, match_key, occurred_at, payload, received_at)
     SELECT id, kind, entity_ref, match_key, occurred_at, payload, received_at
     FROM golden_paths_dora_recent_events`,
  );
  await knex.schema.dropTable('golden_paths_dora_recent_events');
  if (sqlite) {
    await knex.raw(markStaleTrigger('golden_paths_dora_events'));
  }
};
