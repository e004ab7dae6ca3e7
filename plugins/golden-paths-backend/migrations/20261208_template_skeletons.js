// @ts-check

/**
 * Content-addressed copies of every published template version's skeleton,
 * kept when the registry first sees the version, so drift checks and upgrades
 * can render any version even after its source changed or went away.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_skeleton_blobs', table => {
    table.comment('File contents of archived skeletons, stored once by hash');
    table
      .string('sha256', 64)
      .primary()
      .notNullable()
      .comment('sha256 of the content, hex');
    table.binary('content').notNullable();
    table.integer('size').notNullable().comment('Bytes');
  });

  await knex.schema.createTable('golden_paths_skeletons', table => {
    table.comment(
      'Which template versions have an archived skeleton, or why not',
    );
    table.string('template_ref', 255).notNullable();
    table.string('version', 64).notNullable();
    table
      .string('digest', 64)
      .nullable()
      .comment('sha256 of the sorted manifest; null until archived');
    table.integer('file_count').nullable();
    table.bigInteger('total_bytes').nullable();
    table
      .text('problem')
      .nullable()
      .comment('Why the last attempt to archive failed');
    table.timestamp('attempted_at', { useTz: true }).notNullable();
    table.primary(['template_ref', 'version']);
  });

  await knex.schema.createTable('golden_paths_skeleton_files', table => {
    table.comment('The files of each archived skeleton version');
    table.string('template_ref', 255).notNullable();
    table.string('version', 64).notNullable();
    table.string('path', 1024).notNullable().comment('Relative, / separated');
    table.string('sha256', 64).notNullable().comment('The blob of its content');
    table.primary(['template_ref', 'version', 'path']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_skeleton_files');
  await knex.schema.dropTable('golden_paths_skeletons');
  await knex.schema.dropTable('golden_paths_skeleton_blobs');
};
