// @ts-check

/**
 * The notifications sent to service owners when a template publishes a new
 * version: one row per (service, template, version). The primary key is the
 * guard that keeps replicas and restarts from sending one twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_notifications_sent', table => {
    table.comment('New-version notifications already sent, one per service');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Entity ref of the service, lowercase');
    table
      .string('template_ref', 255)
      .notNullable()
      .comment('Template the new version belongs to');
    table.string('version', 64).notNullable().comment('The new version');
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .comment('When the notification was claimed and sent');
    table.primary(['entity_ref', 'template_ref', 'version']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_notifications_sent');
};
