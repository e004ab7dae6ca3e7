import fc from 'fast-check';
import { NOW } from './backend';

/**
 * A bad request body, how to send it, and what its error message must name
 * (when the generator knows which field it broke).
 */
export type BadRequest = {
  /** What kind of badness, for the summary and for a failing case's report. */
  label: string;
  /** The raw body, sent as is. */
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** A field the error message must name (or one of them). */
  names?: string | string[];
};

/** Marks a field to delete rather than to set. */
export const MISSING = Symbol('missing');

type Path = Array<string | number>;

/** A deep copy of `value` with the field at `path` set to `bad` (or deleted). */
export function mutate<T>(value: T, path: Path, bad: unknown): T {
  const copy = structuredClone(value) as any;
  let parent = copy;
  for (const key of path.slice(0, -1)) {
    // Through a missing or non-object parent: make one, so the leaf lands.
    if (typeof parent[key] !== 'object' || parent[key] === null) {
      parent[key] = {};
    }
    parent = parent[key];
  }
  const leaf = path[path.length - 1];
  if (bad === MISSING) delete parent[leaf];
  else parent[leaf] = bad;
  return copy;
}

// ----------------------------------------------------------------- values

const HUGE = 'x'.repeat(100_000);

/**
 * Strings no string field takes: empty, blank, over 255 characters, NUL, a
 * lone surrogate.
 */
const badText = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', HUGE),
  fc.string({ minLength: 256, maxLength: 400 }),
  fc.string({ maxLength: 20 }).map(s => `${s}\u0000${s}`),
  fc.string({ maxLength: 20 }).map(s => `${s}\udc00${s}`),
  fc.string({ maxLength: 20 }).map(s => `${s}\ud800`),
);

/** Anything that is not a string. */
const notAString = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, [], {}, ['a'], { a: 'b' }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
    maxKeys: 3,
  }),
);

/** What a required string field refuses. */
export const badRequiredString = fc.oneof(
  fc.constant(MISSING),
  badText,
  notAString,
);

/** What an optional string field refuses (null means absent there). */
const badOptionalString = fc.oneof(
  badText,
  notAString.filter(v => v !== null),
);

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}T/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a timestamp field refuses: no time zone, no time, impossible
 * fields, words, numbers, the far future, and strings that are no date.
 */
export const badTimestamp = fc.oneof(
  fc.constantFrom(
    MISSING,
    null,
    '',
    'yesterday',
    'now',
    '2026-11-01',
    '2026-11-01T10:00:00',
    '2026-11-01 10:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-32T00:00:00Z',
    '2026-11-01T25:00:00Z',
    '2026-11-01T10:61:00Z',
    '2026-11-01T10:00:00+25:00',
    '+275760-09-13T00:00:01Z',
    '2999-01-01T00:00:00Z',
    new Date(NOW.getTime() + 3 * DAY_MS).toISOString(),
    1764547200000,
    HUGE,
  ),
  // A moment well after the server's now: events from the future are wrong.
  fc
    .date({
      min: new Date(NOW.getTime() + 2 * DAY_MS),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map(d => d.toISOString()),
  fc.string({ maxLength: 30 }).filter(s => !ISO_LIKE.test(s)),
  notAString,
);

/** Lists of change or incident ids with something wrong in them. */
const badIdList = fc.oneof(
  fc.constantFrom('c1', 42, {}, true, [''], [null], [1, 2], ['ok', {}]),
  fc.array(
    notAString.filter(v => typeof v !== 'string'),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
);

const notABoolean = fc.oneof(
  fc.constantFrom(MISSING, null, 'true', 'false', 1, 0, 'yes', [], {}),
  fc.string({ maxLength: 5 }),
);

const notAnObject = fc.oneof(
  fc.constantFrom(MISSING, null, 'x', 1, true, [], [{}]),
  fc.string({ maxLength: 10 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

/** Words a closed list refuses, whatever their spacing. */
const notOneOf = (values: string[], options: { optional?: boolean } = {}) =>
  fc.oneof(
    fc.constantFrom(
      ...(options.optional ? [] : [MISSING]),
      null,
      '',
      1,
      [],
      {},
      values[0].toUpperCase(),
    ),
    fc.string({ maxLength: 20 }).filter(s => !values.includes(s.trim())),
  );

// ----------------------------------------------------------------- events

const id = fc.uuid();

/** A valid plain-JSON event of each type, with a fresh id. */
const validPlain = {
  deployment: id.map(i => ({
    id: `fuzz-${i}`,
    service: 'payments-id',
    type: 'deployment',
    environment: 'production',
    finishedAt: '2026-11-03T00:00:00Z',
    succeeded: true,
    kind: 'deploy',
    changeIds: ['c1'],
    resolvesIncidentIds: ['i1'],
  })),
  change: id.map(i => ({
    id: `fuzz-${i}`,
    service: 'payments-id',
    type: 'change',
    firstCommitAt: '2026-11-02T00:00:00Z',
    mergedAt: '2026-11-02T12:00:00Z',
  })),
  incident: id.map(i => ({
    id: `fuzz-${i}`,
    service: 'payments-id',
    type: 'incident',
    incidentId: 'inc-1',
    startedAt: '2026-11-04T08:00:00Z',
    resolvedAt: '2026-11-04T10:00:00Z',
    deploymentId: 'd2',
  })),
};

type Mutation = {
  path: Path;
  bad: fc.Arbitrary<unknown>;
  /** What the message may name instead of the last key of the path. */
  names?: string[];
};

// A CloudEvent's time becomes its record's finishedAt, startedAt, ...; a time
// in the future is refused under that name.
const TIME_NAMES = ['timestamp', 'time', 'in the future'];

const plainMutations: Record<keyof typeof validPlain, Mutation[]> = {
  deployment: [
    { path: ['id'], bad: badRequiredString },
    { path: ['service'], bad: badRequiredString },
    { path: ['type'], bad: notOneOf(['deployment', 'change', 'incident']) },
    { path: ['environment'], bad: badRequiredString },
    { path: ['finishedAt'], bad: badTimestamp },
    { path: ['succeeded'], bad: notABoolean },
    {
      path: ['kind'],
      bad: notOneOf(['deploy', 'rollback'], { optional: true }),
    },
    { path: ['changeIds'], bad: badIdList },
    { path: ['resolvesIncidentIds'], bad: badIdList },
  ],
  change: [
    { path: ['id'], bad: badRequiredString },
    { path: ['mergedAt'], bad: badTimestamp },
    {
      path: ['firstCommitAt'],
      bad: badTimestamp.filter(v => v !== MISSING),
    },
  ],
  incident: [
    { path: ['service'], bad: badRequiredString },
    { path: ['startedAt'], bad: badTimestamp },
    {
      path: ['resolvedAt'],
      bad: badTimestamp.filter(v => v !== MISSING),
    },
    { path: ['incidentId'], bad: badOptionalString },
    { path: ['deploymentId'], bad: badOptionalString },
  ],
};

const cloudEvent = (type: string, subject: object, customData?: object) =>
  id.map(i => ({
    specversion: '1.0',
    id: `fuzz-${i}`,
    source: 'fuzz',
    type,
    data: {
      context: {
        id: `fuzz-${i}`,
        source: 'fuzz',
        type,
        timestamp: '2026-11-10T00:00:00Z',
      },
      subject,
      ...(customData ? { customData } : {}),
    },
  }));

const validCloud = {
  deployed: cloudEvent(
    'dev.cdevents.service.deployed.0.2.0',
    { id: 'acme/search', content: { environment: { id: 'prod' } } },
    { changeIds: ['42'] },
  ),
  incident: cloudEvent(
    'dev.cdevents.incident.detected.0.1.0',
    { id: 'inc-9', content: { service: { id: 'acme/search' } } },
    { deploymentId: 's1' },
  ),
  change: cloudEvent(
    'dev.cdevents.change.merged.0.2.0',
    { id: '42', content: { repository: { id: 'acme/search' } } },
    { firstCommitAt: '2026-11-09T00:00:00Z' },
  ),
};

const unknownCdEventType = fc.oneof(
  fc.constantFrom(
    MISSING,
    'dev.cdevents.pipelinerun.finished.0.1.0',
    'dev.cdevents.service.removed.0.2.0',
    'dev.cdevents.service.deployed',
    'dev.cdevents.incident.closed.0.1.0',
    'com.github.deployment',
    'DEV.CDEVENTS.SERVICE.DEPLOYED.0.2.0',
  ),
  fc
    .string({ maxLength: 40 })
    .filter(s => !s.trim().startsWith('dev.cdevents.')),
  notAString,
);

const commonCloudMutations: Mutation[] = [
  {
    path: ['specversion'],
    bad: fc.oneof(
      fc.constantFrom('0.3', '1', '2.0', 1, 1.0, null, ''),
      fc.string({ maxLength: 5 }).filter(s => s !== '1.0'),
    ),
  },
  { path: ['id'], bad: badRequiredString },
  { path: ['source'], bad: badRequiredString },
  { path: ['type'], bad: unknownCdEventType },
  { path: ['data'], bad: notAnObject },
  { path: ['data', 'context'], bad: notAnObject },
  {
    path: ['data', 'context', 'timestamp'],
    bad: badTimestamp.filter(v => v !== MISSING),
    names: TIME_NAMES,
  },
  { path: ['data', 'subject'], bad: notAnObject },
  { path: ['data', 'subject', 'content'], bad: notAnObject },
  {
    path: ['data', 'customData'],
    bad: notAnObject.filter(v => v !== MISSING && v !== null),
  },
];

const cloudMutations: Record<keyof typeof validCloud, Mutation[]> = {
  deployed: [
    ...commonCloudMutations,
    { path: ['data', 'subject', 'id'], bad: badRequiredString },
    { path: ['data', 'subject', 'content', 'environment'], bad: notAnObject },
    {
      path: ['data', 'subject', 'content', 'environment', 'id'],
      bad: badRequiredString,
    },
    { path: ['data', 'customData', 'changeIds'], bad: badIdList },
  ],
  incident: [
    ...commonCloudMutations,
    { path: ['data', 'subject', 'id'], bad: badRequiredString },
    { path: ['data', 'subject', 'content', 'service'], bad: notAnObject },
    {
      path: ['data', 'subject', 'content', 'service', 'id'],
      bad: badRequiredString,
    },
    { path: ['data', 'customData', 'deploymentId'], bad: badOptionalString },
  ],
  change: [
    ...commonCloudMutations,
    { path: ['data', 'subject', 'id'], bad: badRequiredString },
    {
      path: ['data', 'subject', 'content', 'repository', 'id'],
      bad: badRequiredString,
    },
    {
      path: ['data', 'customData', 'firstCommitAt'],
      bad: badTimestamp.filter(v => v !== MISSING),
    },
  ],
};

/** An incident whose CDEvents links point at the causing deployment, badly. */
const badLinks = validCloud.incident.chain(event =>
  fc
    .oneof(
      fc.constantFrom('s1', 1, {}, [1], [null], [{ target: 'x' }]),
      fc.constant([{ target: { contextId: '' } }]),
      badOptionalString.map(v => [{ target: { contextId: v } }]),
    )
    .map(links => {
      const e = mutate(event, ['data', 'customData'], MISSING);
      return {
        event: mutate(e, ['data', 'context', 'links'], links),
        names: 'links',
      };
    }),
);

type BadEvent = { event: object; names: string | string[] };

function mutated(
  valid: fc.Arbitrary<object>,
  mutations: Mutation[],
): fc.Arbitrary<BadEvent> {
  return fc.constantFrom(...mutations).chain(({ path, bad, names }) =>
    fc.tuple(valid, bad).map(([event, value]) => ({
      event: mutate(event, path, value),
      names: names ?? String(path[path.length - 1]),
    })),
  );
}

/** One bad event: a valid one with exactly one field broken. */
export const badEvent: fc.Arbitrary<BadEvent> = fc.oneof(
  mutated(validPlain.deployment, plainMutations.deployment),
  mutated(validPlain.change, plainMutations.change),
  mutated(validPlain.incident, plainMutations.incident),
  mutated(validCloud.deployed, cloudMutations.deployed),
  mutated(validCloud.incident, cloudMutations.incident),
  mutated(validCloud.change, cloudMutations.change),
  badLinks,
  // Each fits, but the stored id holds both.
  validCloud.change.map(event => ({
    event: { ...event, source: 's'.repeat(255), id: 'i'.repeat(255) },
    names: 'source',
  })),
);

/** A valid event of any form, with a fresh id. */
export const goodEvent: fc.Arbitrary<object> = fc.oneof(
  validPlain.deployment,
  validPlain.change,
  validPlain.incident,
  validCloud.deployed,
  validCloud.incident,
  validCloud.change,
);

/** The content type of every JSON body here. */
export const JSON_TYPE = 'application/json';

/** A bad event alone, in the plain or CloudEvents structured form. */
export const badSingleEvent: fc.Arbitrary<BadRequest> = badEvent.map(
  ({ event, names }) => ({
    label: 'one bad event',
    body: JSON.stringify(event),
    contentType:
      'specversion' in event ? 'application/cloudevents+json' : JSON_TYPE,
    // Without a specversion it is read as the plain form, whose fields differ.
    names: names === 'specversion' ? undefined : names,
  }),
);

/** A batch of good events with one bad event somewhere: all or nothing. */
export const badBatch: fc.Arbitrary<BadRequest> = fc
  .tuple(fc.array(goodEvent, { maxLength: 6 }), badEvent, fc.nat({ max: 6 }))
  .map(([good, { event, names }, at]) => {
    const batch = [...good];
    const index = Math.min(at, batch.length);
    batch.splice(index, 0, event);
    return {
      label: 'batch with one bad event',
      body: JSON.stringify(batch),
      contentType: 'application/cloudevents-batch+json',
      names: names === 'specversion' ? `[${index}]` : names,
    };
  });

// Header values must be printable for the HTTP client to send them at all.
const headerText = (min: number, max: number) =>
  fc
    .string({ minLength: min, maxLength: max, unit: 'grapheme-ascii' })
    .map(s => s.replace(/[^\x21-\x7e]/g, 'x'));

/** A CloudEvent in binary mode: `ce-*` headers, the CDEvent as the body. */
export const badBinaryEvent: fc.Arbitrary<BadRequest> = fc
  .tuple(validCloud.deployed, fc.nat({ max: 5 }))
  .chain(([event, which]) => {
    const headers = (e: any): Record<string, string> => ({
      'ce-specversion': e.specversion,
      'ce-id': e.id,
      'ce-source': e.source,
      'ce-type': e.type,
    });
    const { data } = event as any;
    const good = headers(event);
    const send = (
      h: Record<string, string | undefined>,
      body: unknown,
      names?: string | string[],
    ): BadRequest => ({
      label: 'binary-mode CloudEvent',
      body: JSON.stringify(body),
      contentType: JSON_TYPE,
      headers: Object.fromEntries(
        Object.entries(h).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      ),
      names,
    });
    switch (which) {
      case 0:
        return fc
          .oneof(fc.constantFrom('0.3', '1', '2.0', ''), headerText(1, 5))
          .filter(v => v.trim() !== '1.0')
          .map(v => send({ ...good, 'ce-specversion': v }, data));
      case 1:
        return fc
          .oneof(
            fc.constantFrom('dev.cdevents.pipelinerun.queued.0.1.0', ''),
            headerText(1, 40),
          )
          .filter(v => !v.trim().startsWith('dev.cdevents.'))
          .map(v => send({ ...good, 'ce-type': v }, data, 'type'));
      case 2:
        return fc
          .constantFrom('ce-id', 'ce-source')
          .chain(name =>
            fc
              .oneof(fc.constant(undefined), headerText(256, 300))
              .map(v => send({ ...good, [name]: v }, data, name.slice(3))),
          );
      case 3:
        // No timestamp in the context, and a bad ce-time header.
        return fc
          .oneof(
            fc.constantFrom(undefined, 'yesterday', '2026-11-01'),
            headerText(0, 20),
          )
          .map(v =>
            send(
              { ...good, 'ce-time': v },
              mutate(data, ['context', 'timestamp'], MISSING),
              TIME_NAMES,
            ),
          );
      default:
        return mutated(
          fc.constant(data),
          cloudMutations.deployed
            .filter(m => m.path[0] === 'data' && m.path.length > 1)
            .map(m => ({ ...m, path: m.path.slice(1) })),
        ).map(({ event: body, names }) => send(good, body, names));
    }
  });

const invalidJson = fc.oneof(
  fc.constantFrom(
    '{',
    '[',
    '{"id": "x",}',
    "{'id': 'x'}",
    'undefined',
    'NaN',
    '{"id": NaN}',
    '\u0000',
    '{"a":1}{"b":2}',
    '<xml/>',
  ),
  fc.string({ minLength: 1, maxLength: 50 }).filter(s => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

/**
 * Bodies that are bad as a whole: not JSON, JSON but no event, empty or
 * oversized batches, deep nesting, prototype-pollution keys.
 */
export const badBody: fc.Arbitrary<BadRequest> = fc.oneof(
  invalidJson.map(body => ({
    label: 'not JSON',
    body,
    contentType: JSON_TYPE,
  })),
  fc
    .oneof(
      fc.constantFrom(null, 0, 'x', true, [], [null], [1], [[]], {}),
      fc.string({ maxLength: 10 }),
      fc.integer(),
    )
    .map(value => ({
      label: 'JSON, but no event',
      body: JSON.stringify(value),
      contentType: JSON_TYPE,
    })),
  fc.constantFrom(1001, 1500).map(n => ({
    label: 'batch over 1000 events',
    body: JSON.stringify(
      Array.from({ length: n }, (_, i) => ({
        id: `big-${i}`,
        service: 'payments-id',
        type: 'change',
        mergedAt: '2026-11-02T12:00:00Z',
      })),
    ),
    contentType: JSON_TYPE,
  })),
  fc.integer({ min: 100, max: 5000 }).map(depth => ({
    label: 'deep nesting',
    body: `${'['.repeat(depth)}${']'.repeat(depth)}`,
    contentType: JSON_TYPE,
  })),
  fc.integer({ min: 100, max: 2000 }).map(depth => ({
    label: 'deep nesting',
    body: `${'{"data":'.repeat(depth)}{}${'}'.repeat(depth)}`,
    contentType: JSON_TYPE,
  })),
  fc.constant({
    label: 'over the size limit',
    body: JSON.stringify({ id: 'x', padding: 'x'.repeat(1_100_000) }),
    contentType: JSON_TYPE,
  }),
  // A required field only on the prototype: must not count as given.
  fc
    .tuple(
      validPlain.deployment,
      fc.constantFrom('service', 'id', 'finishedAt', 'succeeded'),
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
    )
    .map(([event, field, key]) => hiddenBehindPrototypeKey(event, field, key)),
);

/** Every kind of bad `POST /events` request. */
export const badEventRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  { arbitrary: badSingleEvent, weight: 4 },
  { arbitrary: badBatch, weight: 3 },
  { arbitrary: badBinaryEvent, weight: 2 },
  { arbitrary: badBody, weight: 2 },
);

/**
 * `valid` with `field` moved under a `__proto__`, `constructor` or
 * `prototype` key, written as raw JSON (an object literal would set the
 * prototype instead): a parser that merges such keys would find the field.
 */
export function hiddenBehindPrototypeKey(
  valid: object,
  field: string,
  key: string,
): BadRequest {
  const { [field]: value, ...rest } = valid as Record<string, unknown>;
  const hidden =
    key === 'constructor'
      ? { prototype: { [field]: value } }
      : { [field]: value };
  return {
    label: 'prototype-pollution keys',
    body: `{"${key}": ${JSON.stringify(hidden)}, ${JSON.stringify(rest).slice(
      1,
    )}`,
    contentType: JSON_TYPE,
    names: field,
  };
}
