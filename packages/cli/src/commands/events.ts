import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BackendOptions, Output, callGoldenPaths } from '../backend';

/** The kinds of event `paved events send` reports. */
export type EventKind = 'deployment' | 'change' | 'incident';

/** The flags of `paved events send`, as parsed from the command line. */
export type EventFlags = {
  entity?: string;
  environment?: string;
  version?: string;
  id?: string;
  at?: string;
  failed?: boolean;
  rollback?: boolean;
  changes?: string;
  resolves?: string;
  'merged-at'?: string;
  'first-commit-at'?: string;
  'started-at'?: string;
  'resolved-at'?: string;
  deployment?: string;
  file?: string;
};

/** One event in the backend's plain JSON form (`POST /events`). */
export type PlainDoraEvent = {
  id: string;
  type: EventKind;
  service: string;
  [field: string]: unknown;
};

/** A mistake on the command line; the message names the flag. */
export class UsageError extends Error {}

const KINDS: readonly EventKind[] = ['deployment', 'change', 'incident'];

// The flags each kind takes beyond --entity; any other event flag is a mistake.
const FLAGS_OF: Record<EventKind, (keyof EventFlags)[]> = {
  deployment: [
    'environment',
    'version',
    'id',
    'at',
    'failed',
    'rollback',
    'changes',
    'resolves',
  ],
  change: ['id', 'merged-at', 'first-commit-at'],
  incident: ['id', 'started-at', 'resolved-at', 'deployment'],
};
const EVENT_FLAGS = [
  'entity',
  ...new Set(Object.values(FLAGS_OF).flat()),
] as (keyof EventFlags)[];

// The backend's own rule (normalize.ts): a time zone is required.
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The id `paved events send` gives an event sent without `--id`: a hash of
 * the service, the kind, the environment and the timestamp, so a retried
 * pipeline step sends the same id and the backend stores it once.
 */
export function derivedEventId(kind: EventKind, parts: string[]): string {
  const hash = createHash('sha256')
    .update([kind, ...parts].join('\u0000'))
    .digest('hex')
    .slice(0, 24);
  return `${kind}-${hash}`;
}

/**
 * Builds one event in the plain JSON form from command-line flags, checking
 * every flag first: nothing leaves the machine unless all of them are valid.
 * `now` is the deployment time when `--at` is not given.
 */
export function eventFromFlags(
  kind: string | undefined,
  flags: EventFlags,
  now: Date,
): PlainDoraEvent {
  if (!kind) {
    throw new UsageError(
      'give an event kind (deployment, change or incident) or --file',
    );
  }
  if (!KINDS.includes(kind as EventKind)) {
    throw new UsageError(
      `unknown event kind ${kind}: use deployment, change or incident`,
    );
  }
  const type = kind as EventKind;
  for (const flag of EVENT_FLAGS) {
    if (
      flag !== 'entity' &&
      flags[flag] !== undefined &&
      !FLAGS_OF[type].includes(flag)
    ) {
      throw new UsageError(`--${flag} does not apply to a ${type} event`);
    }
  }
  const service = required(flags, 'entity');

  if (type === 'deployment') {
    const environment = required(flags, 'environment');
    const finishedAt =
      flags.at === undefined ? now.toISOString() : timestamp(flags, 'at');
    const version = optional(flags, 'version');
    const changeIds = list(flags, 'changes');
    const resolvesIncidentIds = list(flags, 'resolves');
    return {
      id:
        optional(flags, 'id') ??
        derivedEventId(type, [service, environment, finishedAt]),
      type,
      service,
      environment,
      finishedAt,
      succeeded: !flags.failed,
      kind: flags.rollback ? 'rollback' : 'deploy',
      ...(version && { version }),
      ...(changeIds && { changeIds }),
      ...(resolvesIncidentIds && { resolvesIncidentIds }),
    };
  }

  // Deployments list changes and resolved incidents by these ids.
  const id = required(flags, 'id');
  if (type === 'change') {
    const firstCommitAt =
      flags['first-commit-at'] === undefined
        ? undefined
        : timestamp(flags, 'first-commit-at');
    return {
      id,
      type,
      service,
      mergedAt: timestamp(flags, 'merged-at'),
      ...(firstCommitAt && { firstCommitAt }),
    };
  }

  const startedAt = timestamp(flags, 'started-at');
  const resolvedAt =
    flags['resolved-at'] === undefined
      ? undefined
      : timestamp(flags, 'resolved-at');
  if (resolvedAt && resolvedAt < startedAt) {
    throw new UsageError('--resolved-at must not be before --started-at');
  }
  const deploymentId = optional(flags, 'deployment');
  return {
    // The opening and the resolution of one incident are two events with
    // their own ids, merged by the backend through `incidentId`.
    id: derivedEventId(type, [service, id, startedAt, resolvedAt ?? '']),
    incidentId: id,
    type,
    service,
    startedAt,
    ...(resolvedAt && { resolvedAt }),
    ...(deploymentId && { deploymentId }),
  };
}

/** Reads a file of events in the plain JSON form: one object or an array. */
export async function eventsFromFile(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--file: cannot read ${file}: ${(error as Error).message}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--file: ${file} is not JSON: ${(error as Error).message}`,
    );
  }
  const events = Array.isArray(body) ? body : [body];
  if (events.length === 0) {
    throw new UsageError(`--file: ${file} holds no events`);
  }
  events.forEach((event, i) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new UsageError(`--file: event [${i}] of ${file} is not an object`);
    }
  });
  return events;
}

/**
 * `paved events send`: reports one event built from flags, or the events of
 * a file as one batch. Exit code 0 when the backend took them (stored or
 * already there), 1 when it rejected them (a 4xx: a malformed event, a bad
 * token), 2 when nothing was sent (bad usage) or the backend could not take
 * them (unreachable, 5xx).
 */
export async function runEventsSend(
  options: BackendOptions & {
    kind?: string;
    flags: EventFlags;
    output: Output;
    now?: Date;
  },
): Promise<number> {
  const { flags, output } = options;
  let events: unknown[];
  try {
    if (flags.file !== undefined) {
      const extra = options.kind
        ? `the event kind ${options.kind}`
        : EVENT_FLAGS.filter(f => flags[f] !== undefined).map(f => `--${f}`)[0];
      if (extra) {
        throw new UsageError(`--file cannot be combined with ${extra}`);
      }
      events = await eventsFromFile(flags.file);
    } else {
      events = [eventFromFlags(options.kind, flags, options.now ?? new Date())];
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`paved events send: ${error.message}`);
      return 2;
    }
    throw error;
  }

  const result = await callGoldenPaths({
    ...options,
    path: '/events',
    body: flags.file !== undefined ? events : events[0],
  });
  if (result.kind === 'unreachable') {
    output.err(
      `paved events send: cannot reach ${options.baseUrl}: ${result.message}`,
    );
    return 2;
  }
  if (result.kind === 'refused') {
    output.err(
      `paved events send: ${result.status} from ${result.url}: ${result.message}`,
    );
    return result.status >= 400 && result.status < 500 ? 1 : 2;
  }

  const summary = result.body as {
    stored: number;
    duplicates: number;
    unmatched: number;
  };
  if (flags.file === undefined) {
    const event = events[0] as PlainDoraEvent;
    const what = `${event.type} ${event.incidentId ?? event.id} of ${
      event.service
    }`;
    output.out(
      summary.stored > 0
        ? `stored: ${what}`
        : `duplicate: ${what} was already stored; nothing changed`,
    );
    if (summary.unmatched > 0) {
      output.err(
        `note: ${event.service} is not in the catalog (yet); the event is kept as unmatched until it is`,
      );
    }
  } else {
    output.out(
      `stored ${summary.stored}, duplicate ${summary.duplicates} (${
        events.length
      } event${events.length === 1 ? '' : 's'} from ${flags.file})`,
    );
    if (summary.unmatched > 0) {
      output.err(
        `note: ${summary.unmatched} of the stored events name a service not in the catalog (yet); they are kept as unmatched until it is`,
      );
    }
  }
  return 0;
}

function optional(flags: EventFlags, flag: keyof EventFlags) {
  const value = flags[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${flag} must not be empty`);
  }
  if (value.length > 255) {
    throw new UsageError(`--${flag} must be at most 255 characters`);
  }
  return value.trim();
}

function required(flags: EventFlags, flag: keyof EventFlags): string {
  const value = optional(flags, flag);
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}

function timestamp(flags: EventFlags, flag: keyof EventFlags): string {
  const value = required(flags, flag);
  const ms = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(ms)) {
    throw new UsageError(
      `--${flag} must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-21T10:00:00Z`,
    );
  }
  return new Date(ms).toISOString();
}

function list(flags: EventFlags, flag: keyof EventFlags) {
  const value = optional(flags, flag);
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new UsageError(`--${flag} must list ids separated by commas`);
  }
  return items;
}
