// @ts-check

/**
 * What the registry knows about each template version besides its number:
 * its changelog entry (from the Template's `paved.dev/changelog`), whether it
 * is breaking, and the policy the template declared while it was current.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('golden_paths_template_versions', table => {
    table
      .text('changelog')
      .nullable()
      .comment('JSON { version, date?, breaking, changes[] }');
    table
      .boolean('breaking')
      .notNullable()
      .defaultTo(false)
      .comment('Whether upgrading to this version is breaking');
    table
      .text('policy')
      .nullable()
      .comment('JSON policy annotations of the template at this version');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('golden_paths_template_versions', table => {
    table.dropColumn('policy');
    table.dropColumn('breaking');
    table.dropColumn('changelog');
  });
};
