import { InputError } from '@backstage/errors';
import { DoraEvent } from '../../database/DoraEventStore';
import {
  requireObject,
  requireString,
  requireTime,
} from '../DoraIngest/normalize';

type Json = Record<string, unknown>;

/**
 * What a GitHub webhook payload means for DORA: events to store, with the
 * payload's own timestamp (for replay protection), or a reason to ignore it.
 *
 * @internal
 */
export type GithubEventMeaning =
  | { ignored: string }
  | { events: DoraEvent[]; timestamp: string; timestampField: string };

/**
 * Reads a GitHub webhook payload (`X-GitHub-Event` names its kind):
 *
 * - `deployment_status` in state success, failure or error → a deployment of
 *   `deployment.environment`, finished at the status's `updated_at`, of the
 *   version `deployment.ref` (a tag such as `v1.4.2`), or the short `sha`
 *   when the ref is a branch;
 * - `pull_request` closed and merged → a change merged at `merged_at`;
 * - `issues` opened, labeled or closed while carrying `incidentLabel` → an
 *   incident `github:<owner/repo>#<number>` started at the issue's
 *   `created_at`, resolved at its `closed_at`.
 *
 * The service is the repository's `full_name`, matched against the
 * `github.com/project-slug` annotation. Anything else is ignored, with why.
 *
 * @internal
 */
export function readGithubEvent(
  eventName: string,
  payload: unknown,
  options: { incidentLabel: string },
): GithubEventMeaning {
  const body = requireObject(payload, 'the payload');
  switch (eventName) {
    case 'deployment_status':
      return readDeploymentStatus(body);
    case 'pull_request':
      return readPullRequest(body);
    case 'issues':
      return readIssue(body, options.incidentLabel);
    default:
      return { ignored: `${eventName} events are not DORA events` };
  }
}

function readDeploymentStatus(body: Json): GithubEventMeaning {
  const status = requireObject(body.deployment_status, 'deployment_status');
  const state = requireString(status, 'state', 'deployment_status.');
  if (!['success', 'failure', 'error'].includes(state)) {
    return {
      ignored: `deployment_status ${state} is not a finished deployment`,
    };
  }
  const deployment = requireObject(body.deployment, 'deployment');
  const repository = requireObject(body.repository, 'repository');
  const id = `github:deployment_status:${githubId(
    status,
    'deployment_status.',
  )}`;
  const timestampField =
    status.updated_at !== undefined
      ? 'deployment_status.updated_at'
      : 'deployment_status.created_at';
  const finishedAt = requireTime(
    status,
    timestampField.split('.')[1],
    'deployment_status.',
  );
  return {
    timestamp: finishedAt,
    timestampField,
    events: [
      {
        id,
        kind: 'deployment',
        matchKey: requireString(repository, 'full_name', 'repository.'),
        occurredAt: finishedAt,
        record: {
          id,
          environment: requireString(deployment, 'environment', 'deployment.'),
          finishedAt,
          succeeded: state === 'success',
          kind: 'deploy',
          version: deployedVersion(deployment, repository),
        },
      },
    ],
  };
}

/**
 * A tag (or any ref that is not a branch) names the version; a branch does
 * not, since it moves, so the commit does.
 */
function deployedVersion(deployment: Json, repository: Json): string {
  const sha = requireString(deployment, 'sha', 'deployment.');
  if (typeof deployment.ref !== 'string' || deployment.ref.trim() === '') {
    return sha.slice(0, 7);
  }
  const ref = deployment.ref.trim();
  const isBranch =
    ref.startsWith('refs/heads/') ||
    ref === repository.default_branch ||
    ref === sha;
  if (isBranch) return sha.slice(0, 7);
  return ref.replace(/^refs\/tags\//, '');
}

function readPullRequest(body: Json): GithubEventMeaning {
  const pr = requireObject(body.pull_request, 'pull_request');
  if (body.action !== 'closed' || pr.merged !== true) {
    return {
      ignored: `pull_request ${String(
        body.action,
      )} is not a merge (only closed with merged: true is)`,
    };
  }
  const repository = requireObject(body.repository, 'repository');
  const id = `github:pull_request:${githubId(pr, 'pull_request.')}`;
  const mergedAt = requireTime(pr, 'merged_at', 'pull_request.');
  const timestampField =
    pr.updated_at !== undefined
      ? 'pull_request.updated_at'
      : 'pull_request.merged_at';
  return {
    timestamp: requireTime(pr, timestampField.split('.')[1], 'pull_request.'),
    timestampField,
    events: [
      {
        id,
        kind: 'change',
        matchKey: requireString(repository, 'full_name', 'repository.'),
        occurredAt: mergedAt,
        record: { id, mergedAt },
      },
    ],
  };
}

function readIssue(body: Json, incidentLabel: string): GithubEventMeaning {
  const action = String(body.action);
  if (!['opened', 'labeled', 'closed'].includes(action)) {
    return { ignored: `issues ${action} does not start or end an incident` };
  }
  const issue = requireObject(body.issue, 'issue');
  if (!hasLabel(issue, incidentLabel)) {
    return { ignored: `the issue is not labelled ${incidentLabel}` };
  }
  const repository = requireObject(body.repository, 'repository');
  const repo = requireString(repository, 'full_name', 'repository.');
  const issueId = githubId(issue, 'issue.');
  const incidentId = `github:${repo}#${githubNumber(issue, 'issue.')}`;
  const startedAt = requireTime(issue, 'created_at', 'issue.');
  const timestampField =
    issue.updated_at !== undefined ? 'issue.updated_at' : 'issue.created_at';
  const timestamp = requireTime(issue, timestampField.split('.')[1], 'issue.');
  if (action === 'closed') {
    const resolvedAt = requireTime(issue, 'closed_at', 'issue.');
    return {
      timestamp,
      timestampField,
      events: [
        {
          id: `github:issues:${issueId}:closed`,
          kind: 'incident',
          matchKey: repo,
          occurredAt: resolvedAt,
          // The start comes along, so a closed issue alone is a whole incident.
          record: { id: incidentId, startedAt, resolvedAt },
        },
      ],
    };
  }
  return {
    timestamp,
    timestampField,
    events: [
      {
        // Opened with the label, then labelled again: one start.
        id: `github:issues:${issueId}:started`,
        kind: 'incident',
        matchKey: repo,
        occurredAt: startedAt,
        record: { id: incidentId, startedAt },
      },
    ],
  };
}

function hasLabel(issue: Json, label: string): boolean {
  const wanted = label.trim().toLowerCase();
  const labels = Array.isArray(issue.labels) ? issue.labels : [];
  return labels.some(l => {
    const name = typeof l === 'string' ? l : (l as Json | null)?.name;
    return typeof name === 'string' && name.trim().toLowerCase() === wanted;
  });
}

function githubId(o: Json, at: string): string {
  const value = o.id;
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value);
  }
  return requireString(o, 'id', at);
}

function githubNumber(o: Json, at: string): number {
  const value = o.number;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InputError(`${at}number is required, an integer`);
  }
  return value;
}
