// @ts-check

/**
 * Drift of each service from its template, computed by the compliance sweep
 * from the service's lock file: a JSON `{ summary, files, comparedWithLatest,
 * latestProblem? }`, null for services without a readable lock file.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('golden_paths_compliance', table => {
    table
      .text('drift')
      .nullable()
      .comment('JSON drift report of the service against its template');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('golden_paths_compliance', table => {
    table.dropColumn('drift');
  });
};
