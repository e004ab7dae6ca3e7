import {
  ServiceFactory,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { clockServiceRef } from '../../clock';
import { goldenPathsPlugin } from '../../plugin';
import { NEVER_DURING_TEST } from '../../__testUtils__/schedules';

/** The instant every reliability backend lives at. */
export const NOW = new Date('2026-12-01T00:00:00.000Z');

/** The GitHub webhook secret the reliability backends are configured with. */
export const WEBHOOK_SECRET = 'reliability-webhook-secret-3f9a1c';

/** The API's base path. */
export const API = '/api/golden-paths';

const component = (
  name: string,
  annotations: Record<string, string>,
  owner = 'team-a',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

/**
 * The catalog of every reliability test: two services of team-a, one known
 * by its DORA id, one by its GitHub slug, and one of team-b.
 */
export const ENTITIES: Entity[] = [
  component('payments', { 'paved.dev/dora-id': 'payments-id' }),
  component('search', { 'github.com/project-slug': 'acme/search' }),
  component('ledger', { 'paved.dev/dora-id': 'ledger-id' }, 'team-b'),
];

/**
 * Config with every scheduled task parked, so the only writes are the ones
 * a test makes through the API.
 */
export const QUIET_CONFIG = {
  goldenPaths: {
    templateRegistry: { schedule: NEVER_DURING_TEST },
    sweep: { schedule: NEVER_DURING_TEST },
    dora: {
      rematchSchedule: NEVER_DURING_TEST,
      factsSchedule: NEVER_DURING_TEST,
    },
    exemptions: { maxDuration: { days: 30 } },
    github: { webhookSecret: WEBHOOK_SECRET },
  },
};

/**
 * Starts the plugin on the given database, with a pinned clock, a mock
 * catalog and an allow-or-deny permission policy.
 */
export async function startReliabilityBackend(options: {
  knex?: Knex;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  entities?: Entity[];
  /** A catalog of the test's own, instead of a mock of `entities`. */
  catalog?: CatalogService;
  features?: Array<ServiceFactory>;
  config?: object;
}) {
  const backend = await startTestBackend({
    features: [
      goldenPathsPlugin,
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      createServiceFactory({
        service: clockServiceRef,
        deps: {},
        factory: () => ({ now: () => NOW }),
      }),
      options.catalog
        ? createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => options.catalog!,
          })
        : catalogServiceMock.factory({
            entities: options.entities ?? ENTITIES,
          }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: options.config ?? QUIET_CONFIG,
      }),
      ...(options.features ?? []),
    ],
  });
  const { server } = backend;
  return { server, stop: () => backend.stop(), api: apiClient(server) };
}

type Server = Parameters<typeof request>[0];

/** Supertest calls with credentials: a service for events, a user for the rest. */
export function apiClient(server: Server) {
  const service = mockCredentials.service.header();
  const user = mockCredentials.user.header();
  return {
    postEvents: (body: unknown) =>
      request(server)
        .post(`${API}/events`)
        .set('Authorization', service)
        .send(body as object),
    get: (path: string) =>
      request(server).get(`${API}${path}`).set('Authorization', user),
    user,
    service,
  };
}

/** The plugin's tables, found in the database so new ones count too. */
export async function pluginTables(knex: Knex): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const rows = await knex('information_schema.tables')
      .where({ table_schema: knex.raw('current_schema()') })
      .andWhere('table_name', 'like', 'golden\\_paths\\_%')
      .select('table_name');
    return rows.map(r => r.table_name as string).sort();
  }
  const rows = await knex('sqlite_master')
    .where({ type: 'table' })
    .andWhere('name', 'like', 'golden_paths_%')
    .select('name');
  return rows.map(r => r.name as string).sort();
}

/**
 * Every plugin table's row count and a hash of its content, so a test can
 * prove a request wrote, updated and deleted nothing.
 */
export async function fingerprint(
  knex: Knex,
): Promise<Record<string, { rows: number; sha256: string }>> {
  const result: Record<string, { rows: number; sha256: string }> = {};
  for (const table of await pluginTables(knex)) {
    const rows = (await knex(table).select('*'))
      .map(row => JSON.stringify(row))
      .sort();
    result[table] = {
      rows: rows.length,
      sha256: createHash('sha256').update(rows.join('\n')).digest('hex'),
    };
  }
  return result;
}

/** Rows in all plugin tables together. */
export function totalRows(
  print: Record<string, { rows: number; sha256: string }>,
) {
  return Object.values(print).reduce((sum, t) => sum + t.rows, 0);
}

/**
 * Prints one summary line into the test output, past jest's console capture,
 * so `npm test` shows the counts.
 */
export function printSummary(lines: string[]) {
  for (const line of lines) {
    process.stdout.write(`[reliability] ${line}\n`);
  }
}
