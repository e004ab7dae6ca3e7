// @ts-check

/**
 * The template version registry: every version of every golden-path template the
 * backend has seen, kept from the moment it first appeared in the catalog.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_template_versions', table => {
    table.comment('Every published version of a golden-path template');
    table
      .string('template_ref', 255)
      .notNullable()
      .comment('Template entity ref');
    table.string('version', 64).notNullable().comment('Semver of this version');
    table
      .string('title', 255)
      .nullable()
      .comment('Template title at this version');
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('When the backend first saw this version');
    table.primary(['template_ref', 'version']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_template_versions');
};
