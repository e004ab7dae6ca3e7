import { RootConfigService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DoraEventStore } from '../../database/DoraEventStore';
import { readHeader } from '../DoraIngest/normalize';
import { DoraIngestSummary, DoraService } from '../DoraService';
import { readGithubEvent } from './githubEvents';

type Headers = Record<string, string | string[] | undefined>;

/**
 * How the GitHub webhook is set up, from `goldenPaths.github`.
 *
 * @internal
 */
export type GithubWebhookConfig = {
  /** The webhook secret; without one every delivery is refused. */
  secret?: string;
  /** How old (or how far ahead) a delivery's event timestamp may be, in ms. */
  toleranceMs: number;
  /** The issue label that makes an issue an incident. */
  incidentLabel: string;
};

/**
 * The default replay tolerance. GitHub delivers within seconds, but its
 * queue has lagged by tens of minutes during incidents, and a refused
 * delivery cannot be redelivered with a fresher timestamp; a replay inside
 * the tolerance stores nothing anyway (delivery ids and event ids are kept).
 *
 * @internal
 */
export const DEFAULT_GITHUB_WEBHOOK_TOLERANCE = { hours: 1 };

/**
 * Reads `goldenPaths.github`: `webhookSecret`, `webhookTolerance` (default
 * one hour) and `incidentLabel` (default `incident`).
 *
 * @internal
 */
export function readGithubWebhookConfig(
  config: RootConfigService,
): GithubWebhookConfig {
  const toleranceMs = durationToMilliseconds(
    config.has('goldenPaths.github.webhookTolerance')
      ? readDurationFromConfig(config, {
          key: 'goldenPaths.github.webhookTolerance',
        })
      : DEFAULT_GITHUB_WEBHOOK_TOLERANCE,
  );
  if (!(toleranceMs > 0)) {
    throw new Error('goldenPaths.github.webhookTolerance must be positive');
  }
  const secret = config.getOptionalString('goldenPaths.github.webhookSecret');
  return {
    secret: secret && secret.length > 0 ? secret : undefined,
    toleranceMs,
    incidentLabel:
      config.getOptionalString('goldenPaths.github.incidentLabel') ??
      'incident',
  };
}

/**
 * What a webhook delivery did: ignored (not a DORA event), a duplicate
 * delivery, or what was stored.
 *
 * @internal
 */
export type GithubWebhookResult =
  | { ignored: true; reason: string }
  | { duplicate: true }
  | DoraIngestSummary;

/**
 * Receives GitHub webhook deliveries: verifies the HMAC-SHA256 signature of
 * the raw body, refuses replays, and ingests the DORA events in them.
 *
 * Order of checks: no secret configured → 503; a missing or wrong
 * signature → 401; a delivery whose event timestamp is older than the
 * tolerance → 401 (a replay); a delivery id already received → a duplicate,
 * nothing stored. Only then are the events ingested, each id stored once.
 *
 * @internal
 */
export class GithubWebhookReceiver {
  constructor(
    private readonly deps: {
      dora: DoraService;
      events: DoraEventStore;
      config: GithubWebhookConfig;
    },
  ) {}

  async receive(delivery: {
    body: Buffer;
    headers: Headers;
    now: Date;
  }): Promise<GithubWebhookResult> {
    const { body, headers, now } = delivery;
    const { secret, toleranceMs, incidentLabel } = this.deps.config;
    if (!secret) {
      throw new ServiceUnavailableError(
        'The GitHub webhook is not set up: set goldenPaths.github.webhookSecret',
      );
    }
    verifyGithubSignature(
      body,
      readHeader(headers, 'x-hub-signature-256'),
      secret,
    );
    const eventName = readHeader(headers, 'x-github-event');
    if (!eventName) {
      throw new InputError('the X-GitHub-Event header is required');
    }
    const deliveryId = readHeader(headers, 'x-github-delivery');
    if (!deliveryId || deliveryId.length > 255) {
      throw new InputError(
        'the X-GitHub-Delivery header is required (at most 255 characters)',
      );
    }

    const meaning = readGithubEvent(
      eventName,
      parsePayload(body, readHeader(headers, 'content-type')),
      { incidentLabel },
    );
    if ('ignored' in meaning) {
      return { ignored: true, reason: meaning.ignored };
    }
    const age = now.getTime() - Date.parse(meaning.timestamp);
    if (age > toleranceMs) {
      throw new AuthenticationError(
        `Refused as a replay: ${meaning.timestampField} ${
          meaning.timestamp
        } is more than ${
          toleranceMs / 60_000
        } minutes old (goldenPaths.github.webhookTolerance)`,
      );
    }
    if (-age > toleranceMs) {
      throw new InputError(
        `${meaning.timestampField} ${meaning.timestamp} is more than ${
          toleranceMs / 60_000
        } minutes in the future`,
      );
    }
    if (await this.deps.events.hasDelivery(deliveryId)) {
      return { duplicate: true };
    }
    const summary = await this.deps.dora.ingest(meaning.events, now);
    // Recorded after the events: if storing them failed, GitHub's retry of
    // the same delivery must not be taken for a duplicate.
    await this.deps.events.recordDelivery(
      deliveryId,
      now,
      new Date(now.getTime() - 2 * toleranceMs),
    );
    return summary;
  }
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the
 * raw body, in constant time. Throws an `AuthenticationError` otherwise.
 *
 * @internal
 */
export function verifyGithubSignature(
  body: Buffer,
  signature: string | undefined,
  secret: string,
): void {
  if (!signature) {
    throw new AuthenticationError(
      'The X-Hub-Signature-256 header is required: set a secret on the GitHub webhook',
    );
  }
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim())?.[1];
  const expected = createHmac('sha256', secret).update(body).digest();
  // Same length by construction (32 bytes), as timingSafeEqual requires.
  if (!hex || !timingSafeEqual(Buffer.from(hex, 'hex'), expected)) {
    throw new AuthenticationError(
      'The X-Hub-Signature-256 signature does not match the payload',
    );
  }
}

/** GitHub sends JSON, or a form with a `payload` field, as the hook says. */
function parsePayload(body: Buffer, contentType: string | undefined): unknown {
  let text = body.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) {
      throw new InputError('the form body has no payload field');
    }
    text = payload;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('the payload must be JSON');
  }
}
