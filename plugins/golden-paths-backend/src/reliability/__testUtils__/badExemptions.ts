import fc from 'fast-check';
import { NOW } from './backend';
import {
  BadRequest,
  hiddenBehindPrototypeKey,
  JSON_TYPE,
  MISSING,
  mutate,
} from './badPayloads';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A body `POST /exemptions` accepts (with the catalog of the tests). */
export const validExemption = {
  entityRef: 'component:default/payments',
  templateRef: 'template:default/node-service',
  reason: 'Migrating to the new logging library next sprint',
  expiresAt: new Date(NOW.getTime() + 5 * DAY_MS).toISOString(),
};

const notAString = fc.oneof(
  fc.constantFrom(null, true, 0, 42, [], {}, ['component:default/payments']),
  fc.integer(),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
    maxKeys: 2,
  }),
);

const nul = fc.string({ maxLength: 10 }).map(s => `${s}\u0000${s}`);

/** Refs that do not parse, are too long, or hold a NUL. */
const malformedRef = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'component:',
    ':payments',
    'component:default/',
    `component:default/${'x'.repeat(300)}`,
    'x'.repeat(100_000),
  ),
  nul.map(s => `component:default/${s}`),
);

/** Well-formed refs of entities the catalog does not have. */
const missingRef = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,30}$/)
  .filter(name => !['payments', 'search', 'ledger'].includes(name))
  .chain(name =>
    fc.constantFrom(
      `component:default/${name}`,
      name,
      `group:default/${name}`,
      `component:other/${name}`,
      `a:b:c/${name}/e`,
    ),
  );

const badExpiry = fc.oneof(
  fc.constantFrom(
    MISSING,
    null,
    '',
    'soon',
    'tomorrow',
    'P5D',
    '2000-01-01T00:00:00Z',
    NOW.toISOString(),
    new Date(NOW.getTime() - 1).toISOString(),
    new Date(NOW.getTime() + 31 * DAY_MS).toISOString(),
    '2999-12-31T00:00:00Z',
    '2026-13-45T99:00:00Z',
    NOW.getTime() + DAY_MS,
    'x'.repeat(100_000),
  ),
  // Past, or past the 30-day maximum of the tests' config.
  fc
    .date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: NOW,
      noInvalidDate: true,
    })
    .map(d => d.toISOString()),
  fc
    .date({
      min: new Date(NOW.getTime() + 30 * DAY_MS + 1000),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map(d => d.toISOString()),
  notAString.filter(v => typeof v !== 'number'),
);

const badReason = fc.oneof(
  fc.constantFrom(MISSING, null, '', '   ', '\n\t', 'x'.repeat(2001)),
  fc.string({ minLength: 2001, maxLength: 2100 }),
  notAString,
);

const mutations: Array<{ field: string; bad: fc.Arbitrary<unknown> }> = [
  {
    field: 'entityRef',
    bad: fc.oneof(fc.constant(MISSING), notAString, malformedRef, missingRef),
  },
  {
    field: 'templateRef',
    bad: fc.oneof(
      notAString.filter(v => v !== null),
      malformedRef,
    ),
  },
  { field: 'reason', bad: badReason },
  { field: 'expiresAt', bad: badExpiry },
];

/** One field of a good exemption broken. */
const badField: fc.Arbitrary<BadRequest> = fc
  .constantFrom(...mutations)
  .chain(({ field, bad }) =>
    bad.map(value => ({
      label: `bad ${field}`,
      body: JSON.stringify(mutate(validExemption, [field], value)),
      contentType: JSON_TYPE,
      names: field,
    })),
  );

/** Bodies that are no exemption at all. */
const badBody: fc.Arbitrary<BadRequest> = fc.oneof(
  fc
    .oneof(
      fc.constantFrom('{', '{"reason":}', "{'reason': 'x'}", 'NaN', '<a/>'),
      fc.string({ minLength: 1, maxLength: 30 }).filter(s => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
    )
    .map(body => ({ label: 'not JSON', body, contentType: JSON_TYPE })),
  fc
    .constantFrom('[]', '[{}]', `[${JSON.stringify(validExemption)}]`, '{}')
    .map(body => ({ label: 'no object', body, contentType: JSON_TYPE })),
  fc.integer({ min: 100, max: 3000 }).map(depth => ({
    label: 'deep nesting',
    body: `{"entityRef": ${'['.repeat(depth)}${']'.repeat(depth)}}`,
    contentType: JSON_TYPE,
    names: 'entityRef',
  })),
  // A required field given only through a prototype key.
  fc
    .tuple(
      fc.constantFrom('entityRef', 'reason', 'expiresAt'),
      fc.constantFrom('__proto__', 'constructor'),
    )
    .map(([field, key]) =>
      hiddenBehindPrototypeKey(validExemption, field, key),
    ),
);

/** Every kind of bad `POST /exemptions` request. */
export const badExemptionRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  { arbitrary: badField, weight: 4 },
  { arbitrary: badBody, weight: 1 },
);

/**
 * Odd exemption ids for `DELETE /exemptions/:id`, as the raw path segment:
 * random text, traversal, NUL, huge, broken percent-encoding, and near
 * misses of a real id.
 */
export function oddExemptionIds(realId: string): fc.Arbitrary<string> {
  const encoded = (a: fc.Arbitrary<string>) => a.map(encodeURIComponent);
  return fc.oneof(
    encoded(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' })),
    encoded(fc.string({ minLength: 1, maxLength: 40, unit: 'binary-ascii' })),
    encoded(fc.uuid()),
    encoded(
      fc.constantFrom(
        '..',
        '../..',
        '../../etc/passwd',
        '/etc/passwd',
        'C:\\Windows',
        '\u0000',
        `${realId}\u0000`,
        realId.toUpperCase(),
        ` ${realId}`,
        `${realId} `,
        `${realId}/`,
        realId.slice(0, -1),
        `${realId}0`,
        `'; DROP TABLE golden_paths_exemptions; --`,
        '%',
        'x'.repeat(5000),
        '{}',
        'null',
        'undefined',
        '__proto__',
        'constructor',
      ),
    ),
    // Not percent-encoded on purpose: express must refuse to decode them.
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', `${realId}%`),
  );
}
