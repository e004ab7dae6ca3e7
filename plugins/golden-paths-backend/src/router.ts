import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DEFAULT_DORA_TREND_BUCKET_DAYS,
  DEFAULT_DORA_WINDOW_DAYS,
  DEFAULT_PROMOTION_LIMIT,
  MAX_DORA_TREND_BUCKETS,
  countDoraTrendBuckets,
  DoraWindow,
  PolicyState,
  doraWindowEndingAt,
  exemptionCreatePermission,
  exemptionDeletePermission,
  gateDecision,
  goldenPathsAdminPermission,
  compareVersions,
  parseVersion,
  summarizeTemplates,
} from '@paved/backstage-plugin-golden-paths-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  ComplianceStore,
  ComplianceSummaryGroupBy,
} from './database/ComplianceStore';
import { ExemptionStore } from './database/ExemptionStore';
import { TemplateVersionStore } from './database/TemplateVersionStore';
import {
  ComplianceService,
  normalizeEntityRef,
} from './services/ComplianceService';
import { readOpenApiSpec } from './schema/openapi';
import { ComplianceSweepTask } from './tasks/ComplianceSweepTask';
import { Clock, systemClock } from './clock';
import { DoraEventStore } from './database/DoraEventStore';
import { SkeletonStore } from './database/SkeletonStore';
import { DoraScope, DoraService } from './services/DoraService';
import { normalizeDoraEvents } from './services/DoraIngest/normalize';
import { GithubWebhookReceiver } from './services/GithubWebhook';
import { asServiceUnavailable } from './services/databaseErrors';
import { BODY_LIMIT_BYTES, jsonBody, rawBody, sendJson } from './httpBodies';

const STATES: readonly PolicyState[] = [
  'compliant',
  'warn',
  'block',
  'exempt',
  'unknown',
];
const SUMMARY_GROUPS: readonly ComplianceSummaryGroupBy[] = [
  'owner',
  'template',
  'version',
];
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Builds the plugin's HTTP routes. Every route needs Backstage credentials;
 * the httpRouter's default auth policy enforces that before we are called.
 *
 * @internal
 */
export async function createRouter(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  catalog: CatalogService;
  templateVersions: TemplateVersionStore;
  compliance: ComplianceStore;
  exemptions: ExemptionStore;
  complianceService: ComplianceService;
  sweep: ComplianceSweepTask;
  /** The longest an exemption may last, in milliseconds. */
  maxExemptionMs: number;
  /** Where "now" comes from; the system clock by default. */
  clock?: Clock;
  doraEvents: DoraEventStore;
  dora: DoraService;
  /** Verifies and ingests GitHub webhook deliveries. */
  githubWebhook: GithubWebhookReceiver;
  /** Archived template skeletons. */
  skeletons: SkeletonStore;
}): Promise<express.Router> {
  const { httpAuth, templateVersions, compliance, exemptions } = options;
  const { complianceService, sweep, auditor } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const spec = await readOpenApiSpec();
  const router = Router();
  // Every route but the GitHub webhook takes users and services alike.
  const anyCaller = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  // The webhook verifies the HMAC of the exact bytes GitHub signed, so it
  // reads the raw body, before the JSON parser below. No Backstage
  // credentials: plugin.ts lets it through, and the signature decides.
  router.post('/webhooks/github', rawBody(), async (req, res) => {
    const result = await options.githubWebhook.receive({
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      headers: req.headers,
      now: now(),
    });
    sendJson(res, result, 'ignored' in result ? 202 : 200);
  });

  // Ingest reads its own body (see httpBodies.ts), before the JSON parser
  // below.
  router.post('/events', jsonBody(), async (req, res) => {
    await anyCaller(req);
    // All or nothing: every event is validated before any is stored.
    const events = normalizeDoraEvents(req.body, req.headers);
    sendJson(res, await options.dora.ingest(events, now()));
  });

  // The other routes with a body (exemptions) read JSON.
  router.use(
    express.json({
      type: ['application/json', 'application/*+json'],
      limit: BODY_LIMIT_BYTES,
    }),
  );

  // One service or one owner's services, never both.
  const doraScope = (
    entityRef: string | undefined,
    owner: string | undefined,
  ): DoraScope | undefined => {
    if (entityRef && owner) {
      throw new InputError('give either entityRef or owner, not both');
    }
    if (entityRef) return { entityRef };
    return owner ? { owner } : undefined;
  };

  // The one place that turns a permission decision into a 403.
  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await options.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  // Re-evaluating after an exemption change uses the plugin's own identity:
  // the caller may change an exemption without being able to read the entity.
  async function reevaluate(entityRef: string) {
    return complianceService.evaluateAndStore(entityRef, {
      credentials: await options.auth.getOwnServiceCredentials(),
    });
  }

  async function evaluationFor(
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const evaluation = await complianceService.getEvaluation(entityRef, {
      credentials,
    });
    if (!evaluation) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return evaluation;
  }

  router.get('/health', async (_req, res) => {
    sendJson(res, { status: 'ok' });
  });

  router.get('/openapi.json', async (req, res) => {
    await anyCaller(req);
    res.json(spec);
  });

  router.get('/templates', async (req, res) => {
    await anyCaller(req);
    const templateRef = optionalString(req.query, 'templateRef');
    const [versions, policies] = await Promise.all([
      templateVersions.listVersions({ templateRef }),
      complianceService.templatePolicies(),
    ]);
    // Each version keeps the policy it was published with; the summary says
    // which policy is in force now, app-config included.
    const items = summarizeTemplates(versions).map(item => {
      const policy = policies.get(item.templateRef.toLocaleLowerCase('en-US'));
      return policy ? { ...item, policy } : item;
    });
    res.json({ items });
  });

  // Services per version of one template, from the current snapshot.
  router.get('/templates/adoption', async (req, res) => {
    await anyCaller(req);
    const templateRef = optionalEntityRef(req.query, 'templateRef', 'template');
    if (!templateRef) throw new InputError('templateRef is required');
    const items = await compliance.summarize({
      groupBy: 'version',
      templateRef,
    });
    res.json({
      templateRef,
      items: items
        .map(item => {
          const counts = { ...item };
          delete counts.templateRef;
          return counts;
        })
        .sort((a, b) => compareVersionsOrUnknown(b.version, a.version)),
    });
  });

  router.get('/templates/skeleton', async (req, res) => {
    await anyCaller(req);
    const templateRef = optionalEntityRef(req.query, 'templateRef', 'template');
    const version = optionalVersion(req.query, 'version');
    if (!templateRef) throw new InputError('templateRef is required');
    if (!version) throw new InputError('version is required');
    const manifest = await options.skeletons.getManifest(templateRef, version);
    if (!manifest) {
      throw new NotFoundError(
        `No archived skeleton of ${templateRef}@${version}`,
      );
    }
    res.json(manifest);
  });

  router.get('/compliance', async (req, res) => {
    const credentials = await anyCaller(req);
    const entityRef = optionalEntityRef(req.query, 'entityRef', 'component');
    if (entityRef) {
      res.json(await evaluationFor(entityRef, credentials));
      return;
    }
    const state = optionalString(req.query, 'state');
    if (state !== undefined && !STATES.includes(state as PolicyState)) {
      throw new InputError(`state must be one of ${STATES.join(', ')}`);
    }
    res.json(
      await compliance.listEvaluations({
        owner: optionalEntityRef(req.query, 'owner', 'group'),
        templateRef: optionalEntityRef(req.query, 'template', 'template'),
        state: state as PolicyState | undefined,
        version: optionalVersion(req.query, 'version'),
        limit: optionalInteger(req.query, 'limit', { min: 1, max: 500 }) ?? 50,
        offset: optionalInteger(req.query, 'offset', { min: 0 }) ?? 0,
      }),
    );
  });

  router.get('/compliance/summary', async (req, res) => {
    await anyCaller(req);
    const groupBy = optionalString(req.query, 'groupBy') ?? 'owner';
    if (!SUMMARY_GROUPS.includes(groupBy as ComplianceSummaryGroupBy)) {
      throw new InputError(
        `groupBy must be one of ${SUMMARY_GROUPS.join(', ')}`,
      );
    }
    res.json({
      groupBy,
      items: await compliance.summarize({
        groupBy: groupBy as ComplianceSummaryGroupBy,
        owner: optionalEntityRef(req.query, 'owner', 'group'),
        templateRef: optionalEntityRef(req.query, 'template', 'template'),
      }),
    });
  });

  router.get('/gate', async (req, res) => {
    const credentials = await anyCaller(req);
    const entityRef = optionalEntityRef(req.query, 'entityRef', 'component');
    if (!entityRef) {
      throw new InputError('entityRef is required');
    }
    const evaluation = await evaluationFor(entityRef, credentials);
    sendJson(res, {
      ...gateDecision(evaluation),
      state: evaluation.state,
      entityRef: evaluation.entityRef,
    });
  });

  router.get('/history', async (req, res) => {
    await anyCaller(req);
    const to = optionalDay(req.query, 'to') ?? now().toISOString().slice(0, 10);
    const from =
      optionalDay(req.query, 'from') ??
      new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
    if (from > to) {
      throw new InputError('from must not be after to');
    }
    const items = await compliance.listHistory({
      owner: optionalEntityRef(req.query, 'owner', 'group'),
      templateRef: optionalEntityRef(req.query, 'templateRef', 'template'),
      from,
      to,
    });
    res.json({ from, to, items });
  });

  router.post('/admin/sweep', async (req, res) => {
    const credentials = await anyCaller(req);
    await authorize(credentials, goldenPathsAdminPermission);
    res.json(await sweep.run(now()));
  });

  router.post('/exemptions', async (req, res) => {
    // Exemptions are approved by a person, whose ref goes on the record.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const event = await auditor.createEvent({
      eventId: 'exemption-create',
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: String(req.body?.entityRef ?? '') },
    });
    try {
      await authorize(credentials, exemptionCreatePermission);
      const input = readExemptionBody(req.body, now(), options.maxExemptionMs);
      const entity = await options.catalog.getEntityByRef(input.entityRef, {
        credentials,
      });
      if (!entity) {
        throw new InputError(
          `entityRef ${input.entityRef} is not an entity in the catalog`,
        );
      }
      const exemption = await exemptions.create(
        { ...input, approvedBy: credentials.principal.userEntityRef },
        now(),
      );
      const evaluation = await reevaluate(input.entityRef);
      await event.success({ meta: { exemptionId: exemption.id } });
      res.status(201).json({ exemption, evaluation });
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/exemptions/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const event = await auditor.createEvent({
      eventId: 'exemption-delete',
      severityLevel: 'medium',
      request: req,
      meta: { exemptionId: req.params.id },
    });
    try {
      await authorize(credentials, exemptionDeletePermission);
      const exemption = await exemptions.revoke(
        req.params.id,
        credentials.principal.userEntityRef,
        now(),
      );
      if (!exemption) {
        throw new NotFoundError(`No exemption ${req.params.id}`);
      }
      const evaluation = await reevaluate(exemption.entityRef);
      await event.success({ meta: { entityRef: exemption.entityRef } });
      res.json({ exemption, evaluation });
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/events/unmatched', async (req, res) => {
    await anyCaller(req);
    res.json(
      await options.doraEvents.listUnmatched({
        limit: optionalInteger(req.query, 'limit', { min: 1, max: 500 }) ?? 50,
        offset: optionalInteger(req.query, 'offset', { min: 0 }) ?? 0,
      }),
    );
  });

  router.get('/dora', async (req, res) => {
    const credentials = await anyCaller(req);
    const window = readDoraWindow(req.query, now());
    const entityRef = optionalEntityRef(req.query, 'entityRef', 'component');
    const owner = optionalEntityRef(req.query, 'owner', 'group');
    const groupBy = optionalString(req.query, 'groupBy');
    const templateRef = optionalEntityRef(req.query, 'templateRef', 'template');
    if (groupBy !== undefined && groupBy !== 'templateVersion') {
      throw new InputError('groupBy must be templateVersion');
    }
    if (groupBy) {
      if (entityRef) {
        throw new InputError('entityRef cannot be combined with groupBy');
      }
      res.json(
        await options.dora.metricsByTemplateVersion(window, {
          templateRef,
          owner,
        }),
      );
      return;
    }
    if (templateRef) {
      throw new InputError('templateRef needs groupBy=templateVersion');
    }
    const scope = doraScope(entityRef, owner);
    if (!scope) {
      throw new InputError('one of entityRef, owner or groupBy is required');
    }
    res.json(await options.dora.metrics(scope, window, { credentials }));
  });

  router.get('/dora/trend', async (req, res) => {
    const credentials = await anyCaller(req);
    const window = readDoraWindow(req.query, now());
    const scope = doraScope(
      optionalEntityRef(req.query, 'entityRef', 'component'),
      optionalEntityRef(req.query, 'owner', 'group'),
    );
    if (!scope) {
      throw new InputError('one of entityRef or owner is required');
    }
    const bucketDays =
      optionalInteger(req.query, 'bucketDays', { min: 1, max: 92 }) ??
      DEFAULT_DORA_TREND_BUCKET_DAYS;
    const buckets = countDoraTrendBuckets(window, bucketDays);
    if (buckets > MAX_DORA_TREND_BUCKETS) {
      throw new InputError(
        `bucketDays ${bucketDays} makes ${buckets} buckets over the window; at most ${MAX_DORA_TREND_BUCKETS}, so use a larger bucketDays or a shorter window`,
      );
    }
    res.json(
      await options.dora.trend(scope, window, bucketDays, { credentials }),
    );
  });

  router.get('/environments', async (req, res) => {
    const credentials = await anyCaller(req);
    const entityRef = optionalEntityRef(req.query, 'entityRef', 'component');
    if (!entityRef) {
      throw new InputError('entityRef is required');
    }
    const limit =
      optionalInteger(req.query, 'limit', { min: 1, max: 100 }) ??
      DEFAULT_PROMOTION_LIMIT;
    res.json(
      await options.dora.environments(entityRef, limit, { credentials }),
    );
  });

  // A database that cannot be reached is a 503 the client may retry, not a 500.
  router.use(
    (
      err: unknown,
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => next(asServiceUnavailable(err)),
  );

  return router;
}

type Query = express.Request['query'];

// Newest version first; services with an unknown version ('') last.
function compareVersionsOrUnknown(a?: string, b?: string): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  return compareVersions(a, b);
}

function optionalString(query: Query, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${field} must be a single non-empty value`);
  }
  return value.trim();
}

function optionalEntityRef(
  query: Query,
  field: string,
  defaultKind: string,
): string | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  const ref = normalizeEntityRef(value, {
    defaultKind,
    defaultNamespace: 'default',
  });
  if (!ref) {
    throw new InputError(
      `${field} must be an entity ref, e.g. ${defaultKind}:default/name`,
    );
  }
  return ref;
}

// Exact versions only: a range or a `v` prefix would silently match nothing.
function optionalVersion(query: Query, field: string): string | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  if (parseVersion(value) !== value) {
    throw new InputError(`${field} must be a semver version, e.g. 1.2.0`);
  }
  return value;
}

function optionalInteger(
  query: Query,
  field: string,
  range: { min: number; max?: number },
): number | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (
    !/^\d+$/.test(value) ||
    n < range.min ||
    (range.max !== undefined && n > range.max)
  ) {
    throw new InputError(
      `${field} must be an integer from ${range.min}${
        range.max !== undefined ? ` to ${range.max}` : ''
      }`,
    );
  }
  return n;
}

function optionalDay(query: Query, field: string): string | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  const parsed = Date.parse(`${value}T00:00:00Z`);
  if (
    !DAY_PATTERN.test(value) ||
    Number.isNaN(parsed) ||
    new Date(parsed).toISOString().slice(0, 10) !== value
  ) {
    throw new InputError(`${field} must be a day written YYYY-MM-DD`);
  }
  return value;
}

function readExemptionBody(body: unknown, now: Date, maxMs: number) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('the request body must be a JSON object');
  }
  const { entityRef, reason, expiresAt, templateRef } = body as Record<
    string,
    unknown
  >;
  const normalizedEntityRef =
    typeof entityRef === 'string'
      ? normalizeEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        })
      : undefined;
  if (!normalizedEntityRef) {
    throw new InputError('entityRef must be an entity ref');
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new InputError('reason is required');
  }
  if (reason.length > 2000) {
    throw new InputError('reason must be at most 2000 characters');
  }
  const expires =
    typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
  if (Number.isNaN(expires)) {
    throw new InputError('expiresAt is required, as an ISO 8601 timestamp');
  }
  if (expires <= now.getTime()) {
    throw new InputError('expiresAt must be in the future');
  }
  if (expires > now.getTime() + maxMs) {
    throw new InputError(
      `expiresAt must be at most ${Math.floor(
        maxMs / DAY_MS,
      )} days ahead (goldenPaths.exemptions.maxDuration)`,
    );
  }
  let normalizedTemplateRef: string | undefined;
  if (templateRef !== undefined && templateRef !== null) {
    normalizedTemplateRef =
      typeof templateRef === 'string'
        ? normalizeEntityRef(templateRef, {
            defaultKind: 'template',
            defaultNamespace: 'default',
          })
        : undefined;
    if (!normalizedTemplateRef) {
      throw new InputError('templateRef must be an entity ref');
    }
  }
  return {
    entityRef: normalizedEntityRef,
    reason: reason.trim(),
    expiresAt: new Date(expires),
    templateRef: normalizedTemplateRef,
  };
}

const MAX_DORA_WINDOW_DAYS = 366;

// `from` and `to` are ISO 8601 timestamps or UTC days; `to` is exclusive and
// defaults to now, `from` to 30 days before `to`.
function readDoraWindow(query: Query, now: Date): DoraWindow {
  const to = optionalInstant(query, 'to') ?? now.toISOString();
  const from =
    optionalInstant(query, 'from') ??
    doraWindowEndingAt(to, DEFAULT_DORA_WINDOW_DAYS).from;
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0) {
    throw new InputError('from must be before to');
  }
  if (span > MAX_DORA_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `from must be at most ${MAX_DORA_WINDOW_DAYS} days before to`,
    );
  }
  return { from, to };
}

function optionalInstant(query: Query, field: string): string | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  if (DAY_PATTERN.test(value)) {
    return `${optionalDay(query, field)}T00:00:00.000Z`;
  }
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new InputError(
      `${field} must be an ISO 8601 timestamp or a day written YYYY-MM-DD`,
    );
  }
  return new Date(ms).toISOString();
}
