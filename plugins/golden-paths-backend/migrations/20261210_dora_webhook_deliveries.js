// @ts-check

/**
 * GitHub webhook deliveries recently received, by their `X-GitHub-Delivery`
 * id, so a replayed delivery is recognised. Rows older than twice the
 * webhook tolerance are deleted as new deliveries arrive: anything that old
 * is refused by its timestamp anyway.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'golden_paths_dora_webhook_deliveries',
    table => {
      table.comment('GitHub webhook deliveries received within the tolerance');
      table
        .string('delivery_id', 255)
        .primary()
        .comment('The X-GitHub-Delivery header');
      table
        .timestamp('received_at', { useTz: true })
        .notNullable()
        .comment('When the delivery was first received');
      table.index(
        ['received_at'],
        'golden_paths_dora_webhook_deliveries_at_idx',
      );
    },
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_dora_webhook_deliveries');
};
