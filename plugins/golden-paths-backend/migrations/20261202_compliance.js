// @ts-check

/**
 * Compliance snapshots (the latest evaluation of every service), the daily
 * counts the history charts read, and policy exemptions with their audit fields.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('golden_paths_compliance', table => {
    table.comment('The latest policy evaluation of every service');
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('Entity ref of the service, lowercase');
    table
      .string('owner', 255)
      .notNullable()
      .comment("Entity ref of the owner, lowercase; '' when none");
    table
      .string('template_ref', 255)
      .nullable()
      .comment('Template the service was created from');
    table.string('current_version', 64).nullable();
    table.string('latest_version', 64).nullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('compliant | warn | block | exempt | unknown');
    table.text('reasons').notNullable().comment('JSON array of sentences');
    table
      .string('deadline', 64)
      .nullable()
      .comment('When the state next gets worse: YYYY-MM-DD or ISO timestamp');
    table.text('lag').nullable().comment('JSON VersionLag');
    table.string('exemption_id', 36).nullable();
    table
      .timestamp('evaluated_at', { useTz: true })
      .notNullable()
      .comment('When this evaluation was written');
    table
      .timestamp('changed_at', { useTz: true })
      .notNullable()
      .comment('When the state last changed');
    table
      .string('hash', 64)
      .notNullable()
      .comment('sha256 of the evaluation, to skip unchanged writes');
    table.index('owner', 'golden_paths_compliance_owner_idx');
    table.index('template_ref', 'golden_paths_compliance_template_ref_idx');
    table.index('state', 'golden_paths_compliance_state_idx');
  });

  await knex.schema.createTable('golden_paths_compliance_history', table => {
    table.comment('Services per state, per day, owner and template');
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.string('owner', 255).notNullable();
    table
      .string('template_ref', 255)
      .notNullable()
      .comment("'' for services without a template");
    for (const state of ['compliant', 'warn', 'block', 'exempt', 'unknown']) {
      table.integer(state).notNullable().defaultTo(0);
    }
    table.primary(['day', 'owner', 'template_ref']);
  });

  await knex.schema.createTable('golden_paths_exemptions', table => {
    table.comment('Approved, time-boxed exceptions to a template policy');
    table.string('id', 36).primary().notNullable().comment('uuid');
    table.string('entity_ref', 255).notNullable();
    table
      .string('template_ref', 255)
      .nullable()
      .comment('When set, only this template policy is covered');
    table.text('reason').notNullable();
    table.string('approved_by', 255).notNullable().comment('User entity ref');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 255).nullable();
    table.index('entity_ref', 'golden_paths_exemptions_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('golden_paths_exemptions');
  await knex.schema.dropTable('golden_paths_compliance_history');
  await knex.schema.dropTable('golden_paths_compliance');
};
