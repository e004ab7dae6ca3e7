import { InputError } from '@backstage/errors';
import {
  ChangeRecord,
  DeploymentRecord,
  IncidentRecord,
} from '@paved/backstage-plugin-golden-paths-common';
import { DoraEvent, StoredDoraEvent } from '../../database/DoraEventStore';
import { boundedMemo } from '../../boundedMemo';

/** Request headers, as express gives them. */
type Headers = Record<string, string | string[] | undefined>;
type Json = Record<string, unknown>;

const MAX_BATCH = 1000;
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const CDEVENT_TYPE =
  /^dev\.cdevents\.(service\.(?:deployed|upgraded|rolledback)|incident\.(?:detected|reported|resolved)|change\.merged)\.\d+\.\d+\.\d+/;

/**
 * Turns a `POST /events` body into DORA events: a CloudEvent in binary mode
 * (`ce-*` headers, the CDEvent as body), or one event or a JSON array of
 * events, each a structured-mode CloudEvent (it has `specversion`) or the
 * plain JSON form. All or nothing: the first malformed event throws an
 * `InputError` naming the field, prefixed with its batch index.
 *
 * @internal
 */
export function normalizeDoraEvents(
  body: unknown,
  headers: Headers = {},
): DoraEvent[] {
  const specversion = header(headers, 'ce-specversion');
  if (specversion !== undefined) {
    return [
      normalizeCloudEvent(
        {
          specversion,
          id: header(headers, 'ce-id'),
          source: header(headers, 'ce-source'),
          type: header(headers, 'ce-type'),
          time: header(headers, 'ce-time'),
          data: body,
        },
        'ce-',
      ),
    ];
  }
  if (Array.isArray(body)) {
    if (body.length === 0) throw new InputError('the batch is empty');
    if (body.length > MAX_BATCH) {
      throw new InputError(`a batch holds at most ${MAX_BATCH} events`);
    }
    return body.map((event, i) => normalizeOne(event, `[${i}].`));
  }
  return [normalizeOne(body, '')];
}

function normalizeOne(event: unknown, at: string): DoraEvent {
  const o = object(event, at ? at.slice(0, -1) : 'the request body');
  return 'specversion' in o
    ? normalizeCloudEvent(o, at)
    : normalizePlainEvent(o, at);
}

/**
 * The plain JSON form: `{ id, type, service, ...fields of the record }`.
 */
function normalizePlainEvent(o: Json, at: string): DoraEvent {
  const id = string(o, 'id', at);
  const service = string(o, 'service', at);
  const type = oneOf(o, 'type', ['deployment', 'change', 'incident'], at);
  const eventId = `json:${id}`;
  if (type === 'deployment') {
    const finishedAt = time(o, 'finishedAt', at);
    const record: Omit<DeploymentRecord, 'entityRef'> = {
      id,
      environment: string(o, 'environment', at),
      finishedAt,
      succeeded: boolean(o, 'succeeded', at),
      kind:
        o.kind === undefined
          ? 'deploy'
          : oneOf(o, 'kind', ['deploy', 'rollback'], at),
      ...optionalString(o, 'version', at),
      ...optionalStrings(o, 'changeIds', at),
      ...optionalStrings(o, 'resolvesIncidentIds', at),
    };
    return {
      id: eventId,
      kind: type,
      matchKey: service,
      occurredAt: finishedAt,
      record,
    };
  }
  if (type === 'change') {
    const mergedAt = time(o, 'mergedAt', at);
    const record: Omit<ChangeRecord, 'entityRef'> = {
      id,
      mergedAt,
      ...(o.firstCommitAt !== undefined
        ? { firstCommitAt: time(o, 'firstCommitAt', at) }
        : {}),
    };
    return {
      id: eventId,
      kind: type,
      matchKey: service,
      occurredAt: mergedAt,
      record,
    };
  }
  const startedAt = time(o, 'startedAt', at);
  const resolvedAt =
    o.resolvedAt !== undefined ? time(o, 'resolvedAt', at) : undefined;
  return {
    id: eventId,
    kind: type,
    matchKey: service,
    occurredAt: resolvedAt ?? startedAt,
    record: {
      // Several events may describe one incident (opened, then resolved).
      id: o.incidentId !== undefined ? string(o, 'incidentId', at) : id,
      startedAt,
      ...(resolvedAt ? { resolvedAt } : {}),
      ...(o.deploymentId !== undefined
        ? { deploymentId: string(o, 'deploymentId', at) }
        : {}),
    },
  };
}

/**
 * A CloudEvent carrying a CDEvent in `data` (`context`, `subject`,
 * `customData`). `at` prefixes field names: `ce-` for binary-mode headers.
 */
function normalizeCloudEvent(o: Json, at: string): DoraEvent {
  const ce = at === 'ce-' ? 'ce-' : at;
  if (o.specversion !== '1.0') {
    throw new InputError(`${ce}specversion must be 1.0`);
  }
  const ceId = string(o, 'id', ce);
  const source = string(o, 'source', ce);
  const type = string(o, 'type', ce);
  const match = CDEVENT_TYPE.exec(type);
  if (!match) {
    throw new InputError(
      `${ce}type ${type} is not a supported CDEvent (service.deployed, service.upgraded, service.rolledback, incident.detected, incident.reported, incident.resolved, change.merged)`,
    );
  }
  const dataAt = at === 'ce-' ? 'data.' : `${at}data.`;
  const data = object(o.data, dataAt.slice(0, -1));
  const context = object(data.context, `${dataAt}context`);
  const subject = object(data.subject, `${dataAt}subject`);
  const content = object(subject.content, `${dataAt}subject.content`);
  const custom =
    data.customData === undefined || data.customData === null
      ? {}
      : object(data.customData, `${dataAt}customData`);
  const customAt = `${dataAt}customData.`;
  const timestamp =
    context.timestamp !== undefined
      ? time(context, 'timestamp', `${dataAt}context.`)
      : time(o, 'time', ce);
  const id = `cdevents:${source}:${ceId}`;
  // The stored id holds both; its column takes 512 characters.
  if (id.length > 512) {
    throw new InputError(
      `${ce}source and ${ce}id must be at most 500 characters together`,
    );
  }
  const [, what] = match;

  if (what.startsWith('service.')) {
    const environment = object(
      content.environment,
      `${dataAt}subject.content.environment`,
    );
    const record: Omit<DeploymentRecord, 'entityRef'> = {
      id: ceId,
      environment: string(
        environment,
        'id',
        `${dataAt}subject.content.environment.`,
      ),
      finishedAt: timestamp,
      succeeded: true,
      kind: what === 'service.rolledback' ? 'rollback' : 'deploy',
      ...(content.artifactId !== undefined
        ? {
            version: versionOfArtifact(
              string(content, 'artifactId', `${dataAt}subject.content.`),
            ),
          }
        : {}),
      ...optionalStrings(custom, 'changeIds', customAt),
      ...optionalStrings(custom, 'resolvesIncidentIds', customAt),
    };
    return {
      id,
      kind: 'deployment',
      matchKey: string(subject, 'id', `${dataAt}subject.`),
      occurredAt: timestamp,
      record,
    };
  }

  if (what.startsWith('incident.')) {
    const service = object(content.service, `${dataAt}subject.content.service`);
    const deploymentId =
      custom.deploymentId !== undefined
        ? string(custom, 'deploymentId', customAt)
        : linkedContextId(context.links, `${dataAt}context.links`);
    return {
      id,
      kind: 'incident',
      matchKey: string(service, 'id', `${dataAt}subject.content.service.`),
      occurredAt: timestamp,
      record: {
        id: string(subject, 'id', `${dataAt}subject.`),
        ...(what === 'incident.resolved'
          ? { resolvedAt: timestamp }
          : { startedAt: timestamp }),
        ...(deploymentId ? { deploymentId } : {}),
      },
    };
  }

  const repository = object(
    content.repository,
    `${dataAt}subject.content.repository`,
  );
  return {
    id,
    kind: 'change',
    matchKey: string(repository, 'id', `${dataAt}subject.content.repository.`),
    occurredAt: timestamp,
    record: {
      id: string(subject, 'id', `${dataAt}subject.`),
      mergedAt: timestamp,
      ...(custom.firstCommitAt !== undefined
        ? { firstCommitAt: time(custom, 'firstCommitAt', customAt) }
        : {}),
    },
  };
}

/**
 * The version in a CDEvents `artifactId`. For a package URL such as
 * `pkg:oci/payments@1.4.2?repository_url=ghcr.io/acme` it is the part after
 * the `@` (percent-decoded, so a digest reads `sha256:…`); any other id is
 * the version as a whole, since nothing in it says which part is one.
 *
 * @internal
 */
export function versionOfArtifact(artifactId: string): string {
  if (!artifactId.startsWith('pkg:')) return artifactId;
  const path = artifactId.split(/[?#]/)[0];
  const at = path.lastIndexOf('@');
  // `@` inside the namespace is encoded (%40), so the last one starts the version.
  if (at <= 'pkg:'.length || at === path.length - 1) return artifactId;
  try {
    return decodeURIComponent(path.slice(at + 1));
  } catch {
    return artifactId;
  }
}

/** The context id a CDEvents `links` list points at (the causing deployment). */
function linkedContextId(links: unknown, at: string): string | undefined {
  if (links === undefined || links === null) return undefined;
  if (!Array.isArray(links)) throw new InputError(`${at} must be an array`);
  for (const [i, link] of links.entries()) {
    const target = object(link, `${at}[${i}]`).target;
    if (target === undefined) continue;
    const t = object(target, `${at}[${i}].target`);
    if (t.contextId !== undefined) {
      return string(t, 'contextId', `${at}[${i}].target.`);
    }
  }
  return undefined;
}

/**
 * The records `computeDoraMetrics` takes, from stored events of matched
 * services. The events of one incident (started, resolved) merge into one
 * record: the earliest start, the latest resolution. An incident whose start
 * was never received is left out, since its duration is unknown.
 *
 * @internal
 */
export function toDoraRecords(events: StoredDoraEvent[]) {
  const deployments: DeploymentRecord[] = [];
  const changes: ChangeRecord[] = [];
  const incidents = new Map<string, Partial<IncidentRecord>>();
  for (const event of events) {
    const entityRef = event.entityRef;
    if (!entityRef) continue;
    if (event.kind === 'deployment') {
      deployments.push({ ...event.record, entityRef });
    } else if (event.kind === 'change') {
      changes.push({ ...event.record, entityRef });
    } else {
      const key = `${entityRef}\u0000${event.record.id}`;
      const current = incidents.get(key) ?? { id: event.record.id, entityRef };
      const { startedAt, resolvedAt, deploymentId } = event.record;
      if (startedAt && (!current.startedAt || startedAt < current.startedAt)) {
        current.startedAt = startedAt;
      }
      if (
        resolvedAt &&
        (!current.resolvedAt || resolvedAt > current.resolvedAt)
      ) {
        current.resolvedAt = resolvedAt;
      }
      current.deploymentId ??= deploymentId;
      incidents.set(key, current);
    }
  }
  return {
    deployments,
    changes,
    incidents: [...incidents.values()].filter(
      (i): i is IncidentRecord => i.startedAt !== undefined,
    ),
  };
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function object(value: unknown, field: string): Json {
  if (value === undefined || value === null) {
    throw new InputError(`${field} is required`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${field} must be an object`);
  }
  return value as Json;
}

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function string(o: Json, key: string, at: string): string {
  const value = o[key];
  if (value === undefined || value === null || value === '') {
    throw new InputError(`${at}${key} is required`);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${at}${key} must be a non-empty string`);
  }
  if (value.length > 255) {
    throw new InputError(`${at}${key} must be at most 255 characters`);
  }
  // PostgreSQL text cannot hold NUL.
  if (value.includes('\u0000')) {
    throw new InputError(`${at}${key} must not contain NUL characters`);
  }
  // Both databases keep text as UTF-8, which has no lone surrogate: the id
  // stored would not be the id sent.
  if (LONE_SURROGATE.test(value)) {
    throw new InputError(`${at}${key} must be valid Unicode text`);
  }
  return value.trim();
}

function oneOf<T extends string>(
  o: Json,
  key: string,
  values: readonly T[],
  at: string,
): T {
  const value = string(o, key, at);
  if (!values.includes(value as T)) {
    throw new InputError(`${at}${key} must be one of ${values.join(', ')}`);
  }
  return value as T;
}

function boolean(o: Json, key: string, at: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') {
    throw new InputError(`${at}${key} is required, true or false`);
  }
  return value;
}

/** A time as toISOString writes it: UTC, milliseconds, four-digit year. */
const CANONICAL_TIME =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
/**
 * Whether a day (`YYYY-MM-DD`) of a canonical time is a real one: Date.parse
 * rolls 2026-02-30 over into March, and toISOString tells. Remembered, as
 * events mostly fall on a few recent days.
 */
const isRealDay = boundedMemo((day: string) => {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
}, 1024);

/**
 * Whether `value` is a real moment in the canonical form, so that it is its
 * own normalized form (and compares with others in that form as text).
 * Checked without toISOString (a microsecond each): the time of day by the
 * pattern, the day by {@link isRealDay}.
 */
export function isCanonicalTime(value: string): boolean {
  const day = CANONICAL_TIME.exec(value)?.[1];
  return day !== undefined && isRealDay(day);
}

function time(o: Json, key: string, at: string): string {
  const value = string(o, key, at);
  if (isCanonicalTime(value)) return value;
  const ms = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(ms)) {
    throw new InputError(
      `${at}${key} must be an ISO 8601 timestamp with a time zone`,
    );
  }
  return new Date(ms).toISOString();
}

function optionalString(o: Json, key: string, at: string) {
  return o[key] === undefined || o[key] === null
    ? {}
    : { [key]: string(o, key, at) };
}

function optionalStrings(o: Json, key: string, at: string) {
  const value = o[key];
  if (value === undefined || value === null) return {};
  if (
    !Array.isArray(value) ||
    value.some(v => typeof v !== 'string' || v === '')
  ) {
    throw new InputError(`${at}${key} must be a list of non-empty strings`);
  }
  return { [key]: value as string[] };
}

// Field readers shared with the GitHub webhook, so both name fields alike.
export {
  object as requireObject,
  string as requireString,
  time as requireTime,
  header as readHeader,
};
