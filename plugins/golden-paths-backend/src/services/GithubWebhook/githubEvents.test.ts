import { createHmac } from 'node:crypto';
import { readGithubEvent } from './githubEvents';
import { verifyGithubSignature } from './GithubWebhookReceiver';
import { deploymentStatus, issue } from './__fixtures__/payloads';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const options = { incidentLabel: 'incident' };

const versionOf = (ref: string) => {
  const meaning = readGithubEvent(
    'deployment_status',
    deploymentStatus({
      statusId: 1,
      deploymentId: 2,
      state: 'success',
      environment: 'production',
      ref,
      sha: SHA,
      at: '2026-11-20T12:00:00Z',
    }),
    options,
  );
  if ('ignored' in meaning) throw new Error(meaning.ignored);
  return (meaning.events[0].record as { version?: string }).version;
};

describe('readGithubEvent', () => {
  it('takes a tag as the deployed version, and the commit for a branch', () => {
    expect(versionOf('v1.4.2')).toBe('v1.4.2');
    expect(versionOf('refs/tags/1.4.2')).toBe('1.4.2');
    expect(versionOf('main')).toBe('ffac537');
    expect(versionOf('refs/heads/release')).toBe('ffac537');
    expect(versionOf(SHA)).toBe('ffac537');
  });

  it('reads a failed deployment as a failed attempt', () => {
    const meaning = readGithubEvent(
      'deployment_status',
      deploymentStatus({
        statusId: 7,
        deploymentId: 2,
        state: 'error',
        environment: 'staging',
        ref: 'v2',
        sha: SHA,
        at: '2026-11-20T12:00:00+02:00',
      }),
      options,
    );
    expect(meaning).toEqual({
      timestamp: '2026-11-20T10:00:00.000Z',
      timestampField: 'deployment_status.updated_at',
      events: [
        {
          id: 'github:deployment_status:7',
          kind: 'deployment',
          matchKey: 'acme/payments',
          occurredAt: '2026-11-20T10:00:00.000Z',
          record: {
            id: 'github:deployment_status:7',
            environment: 'staging',
            finishedAt: '2026-11-20T10:00:00.000Z',
            succeeded: false,
            kind: 'deploy',
            version: 'v2',
          },
        },
      ],
    });
  });

  it('turns a closed incident issue into a whole incident, with a custom label', () => {
    const meaning = readGithubEvent(
      'issues',
      issue({
        action: 'closed',
        id: 99,
        number: 12,
        labels: ['outage'],
        createdAt: '2026-11-20T08:00:00Z',
        updatedAt: '2026-11-20T09:30:00Z',
        closedAt: '2026-11-20T09:30:00Z',
      }),
      { incidentLabel: 'Outage' },
    );
    expect(meaning).toMatchObject({
      events: [
        {
          id: 'github:issues:99:closed',
          kind: 'incident',
          record: {
            id: 'github:acme/payments#12',
            startedAt: '2026-11-20T08:00:00.000Z',
            resolvedAt: '2026-11-20T09:30:00.000Z',
          },
        },
      ],
    });
  });
});

describe('verifyGithubSignature', () => {
  // The example from GitHub's "Validating webhook deliveries".
  it('accepts GitHub’s documented example and nothing else', () => {
    const body = Buffer.from('Hello, World!');
    const secret = "It's a Secret to Everybody";
    const good =
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(() => verifyGithubSignature(body, good, secret)).not.toThrow();
    expect(() =>
      verifyGithubSignature(
        body,
        good.toUpperCase().replace('SHA256', 'sha256'),
        secret,
      ),
    ).not.toThrow();
    expect(() =>
      verifyGithubSignature(Buffer.from('Hello, World?'), good, secret),
    ).toThrow('does not match');
    expect(() => verifyGithubSignature(body, undefined, secret)).toThrow(
      'X-Hub-Signature-256 header is required',
    );
    const sha1 = `sha1=${createHmac('sha1', secret)
      .update(body)
      .digest('hex')}`;
    expect(() => verifyGithubSignature(body, sha1, secret)).toThrow(
      'does not match',
    );
  });
});
