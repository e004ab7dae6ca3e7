// @ts-check

/**
 * DORA events (deployments, changes, incidents) as delivered by CDEvents,
 * GitHub or the plain JSON form. The primary key is the source-scoped event
 * id, so a redelivered event is stored once whatever the order of arrival.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_dora_events', table => {
    table.comment('DORA events, one row per delivered event id');
    table
      .string('id', 512)
      .primary()
      .comment('Event id, scoped by source: cdevents:<source>:<id>, json:<id>');
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
      'golden_paths_dora_events_entity_idx',
    );
    table.index(['match_key'], 'golden_paths_dora_events_match_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_dora_events');
};
