import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { deploymentStatus } from '../../services/GithubWebhook/__fixtures__/payloads';
import { NOW, WEBHOOK_SECRET } from './backend';
import { MISSING, mutate } from './badPayloads';

/** A GitHub delivery: raw body and headers, and the status class expected. */
export type WebhookDelivery = {
  label: string;
  body: string;
  headers: Record<string, string>;
  /** 401 for a bad signature or a replay, 400 for a bad signed body. */
  expected: 400 | 401;
};

const sign = (body: string, secret = WEBHOOK_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const valid = (at: string) =>
  fc.nat({ max: 1_000_000 }).map(n =>
    deploymentStatus({
      statusId: 5_000_000 + n,
      deploymentId: 4_000_000 + n,
      state: 'success',
      environment: 'production',
      ref: 'main',
      sha: 'ffac537e6cbbf934b08745a378932722df287a53',
      at,
    }),
  );

const fresh = valid(new Date(NOW.getTime() - 60_000).toISOString());

const deliveryHeaders = (body: string, signature?: string) => ({
  'content-type': 'application/json',
  'x-github-event': 'deployment_status',
  'x-github-delivery': `fuzz-${createHmac('sha1', 'd')
    .update(body)
    .digest('hex')}`,
  ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}),
});

/** Signatures that are missing, malformed, or for another secret or body. */
const badSignature: fc.Arbitrary<WebhookDelivery> = fc
  .tuple(
    fc.oneof(
      fresh.map(p => JSON.stringify(p)),
      fc.string({ maxLength: 200 }),
    ),
    fc.nat({ max: 5 }),
    fc.string({ minLength: 1, maxLength: 30 }),
  )
  .map(([body, which, noise]) => {
    const signatures = [
      undefined,
      '',
      'sha256=',
      `sha1=${createHmac('sha1', WEBHOOK_SECRET).update(body).digest('hex')}`,
      sign(body, `${WEBHOOK_SECRET}${noise}`),
      sign(`${body}${noise}`),
    ];
    return {
      label: 'bad signature',
      body,
      headers: deliveryHeaders(body, signatures[which]),
      expected: 401 as const,
    };
  });

/** Correctly signed, but older than the replay tolerance (one hour). */
const replay: fc.Arbitrary<WebhookDelivery> = fc
  .integer({ min: 2, max: 24 * 365 })
  .chain(hours =>
    valid(new Date(NOW.getTime() - hours * 3_600_000).toISOString()),
  )
  .map(payload => {
    const body = JSON.stringify(payload);
    return {
      label: 'replay',
      body,
      headers: deliveryHeaders(body, sign(body)),
      expected: 401 as const,
    };
  });

const notAnObject = fc.constantFrom(MISSING, null, 'x', 1, true, [], [{}]);

/** Correctly signed garbage: not JSON, no object, broken fields or headers. */
const signedGarbage: fc.Arbitrary<WebhookDelivery> = fc.oneof(
  fc
    .oneof(
      fc.constantFrom('{', 'null', '1', '"x"', '[]', 'payload=1', ''),
      fc.string({ maxLength: 50 }).filter(s => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
    )
    .map(body => ({
      label: 'signed garbage',
      body,
      headers: deliveryHeaders(body, sign(body)),
      expected: 400 as const,
    })),
  fc
    .tuple(
      fresh,
      fc.constantFrom('deployment_status', 'deployment', 'repository'),
      notAnObject,
    )
    .map(([payload, field, value]) => {
      const body = JSON.stringify(mutate(payload, [field], value));
      return {
        label: 'signed, broken field',
        body,
        headers: deliveryHeaders(body, sign(body)),
        expected: 400 as const,
      };
    }),
  fc
    .tuple(fresh, fc.constantFrom('x-github-event', 'x-github-delivery'))
    .map(([payload, header]) => {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = deliveryHeaders(body, sign(body));
      if (header === 'x-github-event') delete headers[header];
      else headers[header] = 'd'.repeat(300);
      return {
        label: 'signed, bad header',
        body,
        headers,
        expected: 400 as const,
      };
    }),
);

/** Every kind of bad GitHub delivery. */
export const badWebhookDelivery: fc.Arbitrary<WebhookDelivery> = fc.oneof(
  { arbitrary: badSignature, weight: 3 },
  { arbitrary: replay, weight: 1 },
  { arbitrary: signedGarbage, weight: 2 },
);
