// @ts-check

const VIEW_COLUMNS =
  'id, kind, entity_ref, match_key, occurred_at, payload, received_at';

/**
 * @param {string[]} tables
 */
function allEventsView(tables) {
  return `CREATE VIEW golden_paths_dora_all_events AS ${tables
    .map(table => `SELECT ${VIEW_COLUMNS} FROM ${table}`)
    .join(' UNION ALL ')}`;
}

/**
 * A second table of recent events, for a move that does not hold ingest
 * (see `DatabaseDoraEventStore.moveRecentEvents`). On PostgreSQL a move
 * swaps the names of the two recent tables, which takes an instant, and
 * then copies the moving table into the large one while new events go on
 * into the recent one. The two tables swap names at each move, and their
 * indexes keep the names they were created with: address an index of
 * either through its table, not by name. On SQLite, with one writer, a move
 * stays one transaction and this table stays empty.
 *
 * The view of all events reads the three tables; an event is in exactly
 * one of them, except during a move's transaction, which no read sees.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_dora_moving_events', table => {
    table.comment(
      'DORA events being moved into golden_paths_dora_events, same columns',
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
      'golden_paths_dora_moving_events_entity_idx',
    );
  });
  await knex.raw(
    `CREATE INDEX golden_paths_dora_moving_events_unmatched_idx
     ON golden_paths_dora_moving_events (match_key) WHERE entity_ref IS NULL`,
  );
  await knex.raw('DROP VIEW golden_paths_dora_all_events');
  await knex.raw(
    allEventsView([
      'golden_paths_dora_events',
      'golden_paths_dora_recent_events',
      'golden_paths_dora_moving_events',
    ]),
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.raw('DROP VIEW golden_paths_dora_all_events');
  await knex.raw(
    allEventsView([
      'golden_paths_dora_events',
      'golden_paths_dora_recent_events',
    ]),
  );
  // A move under way when the plugin stopped: its events are no change.
  await knex.raw(
    `INSERT INTO golden_paths_dora_events (${VIEW_COLUMNS})
     SELECT ${VIEW_COLUMNS} FROM golden_paths_dora_moving_events`,
  );
  await knex.schema.dropTable('golden_paths_dora_moving_events');
};
