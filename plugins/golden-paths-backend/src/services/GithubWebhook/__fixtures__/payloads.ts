/**
 * GitHub webhook payloads as GitHub documents them (see "Webhook events and
 * payloads"), trimmed of fields Paved does not read but keeping their shape:
 * numeric ids, nested users, `null`s. Times are parameters so tests can
 * place deliveries relative to their clock.
 */

const owner = {
  login: 'acme',
  id: 9919,
  node_id: 'MDEyOk9yZ2FuaXphdGlvbjk5MTk=',
  type: 'Organization',
  site_admin: false,
};

const octocat = {
  login: 'octocat',
  id: 583231,
  node_id: 'MDQ6VXNlcjU4MzIzMQ==',
  type: 'User',
  site_admin: false,
};

/** The `repository` object every event carries. */
export const repository = (fullName = 'acme/payments') => ({
  id: 1296269,
  node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
  name: fullName.split('/')[1],
  full_name: fullName,
  private: true,
  owner,
  html_url: `https://github.com/${fullName}`,
  url: `https://api.github.com/repos/${fullName}`,
  default_branch: 'main',
  visibility: 'private',
});

/** `deployment_status` (action `created`), as GitHub Actions sends it. */
export function deploymentStatus(options: {
  statusId: number;
  deploymentId: number;
  state: 'success' | 'failure' | 'error' | 'pending' | 'in_progress';
  environment: string;
  ref: string;
  sha: string;
  at: string;
  repo?: string;
}) {
  const repo = options.repo ?? 'acme/payments';
  const api = `https://api.github.com/repos/${repo}`;
  return {
    action: 'created',
    deployment_status: {
      url: `${api}/deployments/${options.deploymentId}/statuses/${options.statusId}`,
      id: options.statusId,
      node_id: 'DES_kwDOAbCdEs4FJXkA',
      state: options.state,
      creator: {
        login: 'github-actions[bot]',
        id: 41898282,
        node_id: 'MDM6Qm90NDE4OTgyODI=',
        type: 'Bot',
        site_admin: false,
      },
      description: '',
      environment: options.environment,
      target_url: `https://github.com/${repo}/actions/runs/7071009383/job/19246961234`,
      created_at: options.at,
      updated_at: options.at,
      deployment_url: `${api}/deployments/${options.deploymentId}`,
      repository_url: api,
      environment_url: '',
      log_url: `https://github.com/${repo}/actions/runs/7071009383/job/19246961234`,
      performed_via_github_app: null,
    },
    deployment: {
      url: `${api}/deployments/${options.deploymentId}`,
      id: options.deploymentId,
      node_id: 'DE_kwDOAbCdEs4EjRqW',
      task: 'deploy',
      original_environment: options.environment,
      environment: options.environment,
      description: null,
      created_at: options.at,
      updated_at: options.at,
      statuses_url: `${api}/deployments/${options.deploymentId}/statuses`,
      repository_url: api,
      creator: octocat,
      sha: options.sha,
      ref: options.ref,
      payload: {},
      transient_environment: false,
      production_environment: options.environment === 'production',
      performed_via_github_app: null,
    },
    repository: repository(repo),
    organization: { login: 'acme', id: 9919, node_id: owner.node_id },
    sender: octocat,
  };
}

/** `pull_request` with action `closed`, merged or not. */
export function pullRequestClosed(options: {
  id: number;
  number: number;
  merged: boolean;
  createdAt: string;
  closedAt: string;
  repo?: string;
}) {
  const repo = options.repo ?? 'acme/payments';
  return {
    action: 'closed',
    number: options.number,
    pull_request: {
      url: `https://api.github.com/repos/${repo}/pulls/${options.number}`,
      id: options.id,
      node_id: 'PR_kwDOAbCdEs5fGhIj',
      html_url: `https://github.com/${repo}/pull/${options.number}`,
      number: options.number,
      state: 'closed',
      locked: false,
      title: 'Retry card authorisations once',
      user: octocat,
      body: null,
      created_at: options.createdAt,
      updated_at: options.closedAt,
      closed_at: options.closedAt,
      merged_at: options.merged ? options.closedAt : null,
      merge_commit_sha: options.merged
        ? '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b'
        : null,
      draft: false,
      head: {
        label: 'octocat:retry-auth',
        ref: 'retry-auth',
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      },
      base: {
        label: 'acme:main',
        ref: 'main',
        sha: '2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
      },
      merged: options.merged,
      merged_by: options.merged ? octocat : null,
      commits: 3,
      additions: 42,
      deletions: 7,
      changed_files: 2,
    },
    repository: repository(repo),
    sender: octocat,
  };
}

/** `issues` opened, labeled or closed. */
export function issue(options: {
  action: 'opened' | 'labeled' | 'closed' | 'edited';
  id: number;
  number: number;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  repo?: string;
}) {
  const repo = options.repo ?? 'acme/payments';
  const labels = options.labels.map((name, i) => ({
    id: 208045946 + i,
    node_id: 'MDU6TGFiZWwyMDgwNDU5NDY=',
    url: `https://api.github.com/repos/${repo}/labels/${name}`,
    name,
    color: 'd73a4a',
    default: false,
    description: null,
  }));
  return {
    action: options.action,
    issue: {
      url: `https://api.github.com/repos/${repo}/issues/${options.number}`,
      html_url: `https://github.com/${repo}/issues/${options.number}`,
      id: options.id,
      node_id: 'I_kwDOAbCdEs5aBcDe',
      number: options.number,
      title: 'Card payments failing with 502',
      user: octocat,
      labels,
      state: options.closedAt ? 'closed' : 'open',
      locked: false,
      assignee: null,
      assignees: [],
      comments: 0,
      created_at: options.createdAt,
      updated_at: options.updatedAt,
      closed_at: options.closedAt ?? null,
      author_association: 'MEMBER',
      state_reason: options.closedAt ? 'completed' : null,
      body: 'Checkout returns 502 since the last deploy.',
    },
    ...(options.action === 'labeled'
      ? { label: labels[labels.length - 1] }
      : {}),
    repository: repository(repo),
    sender: octocat,
  };
}
