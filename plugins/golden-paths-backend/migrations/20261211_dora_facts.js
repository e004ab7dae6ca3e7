// @ts-check

/**
 * DORA facts: what the metrics of any window need, worked out per service
 * from all its events (incident links, which deployment shipped each change),
 * so that a query counts facts in its window instead of re-reading and
 * re-linking every event. A service whose events changed is marked stale and
 * its facts are worked out again, before a query reads them or in the
 * background.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_dora_facts', table => {
    table.comment('DORA facts per service, worked out from its events');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The service of the deployment the fact follows, lowercase');
    table
      .string('kind', 16)
      .notNullable()
      .comment('deployment, lead_time or recovery');
    table
      .double('at_ms')
      .notNullable()
      .comment(
        'Epoch ms the fact counts at: deployment finish, shipping deployment finish, incident start',
      );
    table
      .double('value_ms')
      .nullable()
      .comment('Lead time or recovery time in ms; null for deployments');
    table
      .boolean('failed')
      .notNullable()
      .defaultTo(false)
      .comment('Deployments: an incident links to it');
    table
      .boolean('rework')
      .notNullable()
      .defaultTo(false)
      .comment('Deployments: a rollback or a fix for an incident');
    // Covering: a window's facts of all services are read from the index
    // alone, in time order, instead of one table row per fact.
    table.index(
      ['at_ms', 'entity_ref', 'kind', 'value_ms', 'failed', 'rework'],
      'golden_paths_dora_facts_at_idx',
    );
    table.index(['entity_ref', 'at_ms'], 'golden_paths_dora_facts_entity_idx');
  });
  await knex.schema.createTable('golden_paths_dora_stale', table => {
    table.comment('Services whose DORA facts must be worked out again');
    table.string('entity_ref', 255).primary().comment('The service, lowercase');
    table
      .string('token', 64)
      .notNullable()
      .comment(
        'New at every change: facts replace the stale mark only if it is unchanged',
      );
  });
  await knex.schema.createTable('golden_paths_dora_fact_settings', table => {
    table.comment('The settings the stored DORA facts were worked out with');
    table.string('name', 64).primary().comment('Setting name');
    table.text('value').notNullable().comment('Its value, JSON');
  });
  // Only unmatched events are looked up by match key (re-matching, the
  // unmatched list): a partial index spares every matched insert its upkeep.
  await knex.schema.alterTable('golden_paths_dora_events', table => {
    table.dropIndex([], 'golden_paths_dora_events_match_key_idx');
  });
  await knex.raw(
    `CREATE INDEX golden_paths_dora_events_unmatched_idx
     ON golden_paths_dora_events (match_key) WHERE entity_ref IS NULL`,
  );
  if (String(knex.client.config.client).includes('sqlite')) {
    // On SQLite a stored event marks its service inside the insert itself:
    // cheaper than a statement of its own in every ingest transaction.
    // PostgreSQL ingest marks the services of a batch in one statement.
    await knex.raw(
      `CREATE TRIGGER golden_paths_dora_events_mark_stale
       AFTER INSERT ON golden_paths_dora_events
       FOR EACH ROW WHEN NEW.entity_ref IS NOT NULL
       BEGIN
         INSERT INTO golden_paths_dora_stale (entity_ref, token)
         VALUES (NEW.entity_ref, lower(hex(randomblob(16))))
         ON CONFLICT (entity_ref) DO UPDATE SET token = excluded.token;
       END`,
    );
  }
  // Existing events have no facts yet: every service with events is stale.
  await knex.raw(
    `INSERT INTO golden_paths_dora_stale (entity_ref, token)
     SELECT DISTINCT entity_ref, 'migration' FROM golden_paths_dora_events
     WHERE entity_ref IS NOT NULL`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (String(knex.client.config.client).includes('sqlite')) {
    await knex.raw('DROP TRIGGER golden_paths_dora_events_mark_stale');
  }
  await knex.raw('DROP INDEX golden_paths_dora_events_unmatched_idx');
  await knex.schema.alterTable('golden_paths_dora_events', table => {
    table.index(['match_key'], 'golden_paths_dora_events_match_key_idx');
  });
  await knex.schema.dropTable('golden_paths_dora_fact_settings');
  await knex.schema.dropTable('golden_paths_dora_stale');
  await knex.schema.dropTable('golden_paths_dora_facts');
};
