import type { DeploymentRecord } from './dora';

/**
 * What runs in one environment now: its latest successful deployment.
 *
 * @public
 */
export type EnvironmentState = {
  /** The environment, as the latest deployment named it. */
  name: string;
  /** The version deployed there; absent when that event carried none. */
  version?: string;
  /** When that deployment finished, ISO 8601. */
  deployedAt: string;
  /** Whether the environment counts as production. */
  production: boolean;
};

/**
 * One version's way through the environments: the first successful
 * deployment of it in each environment, earliest first.
 *
 * @public
 */
export type VersionPromotion = {
  version: string;
  steps: Array<{ environment: string; at: string }>;
};

/**
 * The versions in each environment of a service, and how they got there.
 *
 * @public
 */
export type EnvironmentProgression = {
  /** Non-production environments first, then production, each by name. */
  environments: EnvironmentState[];
  /** Newest version first (by when it was first deployed anywhere). */
  promotions: VersionPromotion[];
};

/**
 * How many versions `environmentProgression` lists unless told otherwise.
 *
 * @public
 */
export const DEFAULT_PROMOTION_LIMIT = 20;

type Deployment = DeploymentRecord & { finishedMs: number; env: string };

function compareStrings(a: string, b: string): number {
  // Not localeCompare: the order must not depend on the runtime's locale.
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function compareCopies(a: Deployment, b: Deployment): number {
  return (
    a.finishedMs - b.finishedMs ||
    compareStrings(a.version ?? '', b.version ?? '') ||
    compareStrings(a.env, b.env)
  );
}

/**
 * The version currently in each environment of one service and the
 * promotion history of its versions, from its deployment records.
 *
 * Only successful deployments with a parseable finish count: a failed one
 * put nothing in the environment. Environment names compare trimmed and
 * case-insensitively; `productionEnvironments` decides which are
 * production. The latest deployment of an environment decides what runs
 * there, rollbacks included. A version's step into an environment is its
 * first successful deployment there, so a later redeployment or a rollback
 * to it does not move the step. Deployments without a version count for
 * `environments` only. Records with the same id count once; input order
 * never changes the result. At most `limit` versions (default 20) are listed.
 *
 * @public
 */
export function environmentProgression(
  deployments: readonly DeploymentRecord[],
  productionEnvironments: readonly string[],
  options: { limit?: number } = {},
): EnvironmentProgression {
  const production = new Set(
    productionEnvironments.map(p => p.trim().toLowerCase()),
  );
  const byId = new Map<string, Deployment>();
  for (const d of deployments) {
    const finishedMs = Date.parse(d.finishedAt);
    if (!d.succeeded || !Number.isFinite(finishedMs)) continue;
    const candidate = { ...d, finishedMs, env: d.environment.trim() };
    const current = byId.get(d.id);
    // A redelivered copy that differs: keep one regardless of input order.
    if (!current || compareCopies(candidate, current) > 0) {
      byId.set(d.id, candidate);
    }
  }
  const sorted = [...byId.values()].sort(
    (a, b) => a.finishedMs - b.finishedMs || compareStrings(a.id, b.id),
  );

  const latest = new Map<string, Deployment>();
  const firstArrival = new Map<string, Map<string, Deployment>>();
  for (const d of sorted) {
    const key = d.env.toLowerCase();
    latest.set(key, d);
    if (d.version === undefined) continue;
    const steps = firstArrival.get(d.version) ?? new Map();
    if (!steps.has(key)) steps.set(key, d);
    firstArrival.set(d.version, steps);
  }

  const environments = [...latest.entries()]
    .map(([key, d]) => ({
      name: d.env,
      ...(d.version !== undefined ? { version: d.version } : {}),
      deployedAt: new Date(d.finishedMs).toISOString(),
      production: production.has(key),
    }))
    .sort(
      (a, b) =>
        Number(a.production) - Number(b.production) ||
        compareStrings(a.name.toLowerCase(), b.name.toLowerCase()),
    );

  const promotions = [...firstArrival.entries()]
    .map(([version, steps]) => {
      const ordered = [...steps.values()].sort(
        (a, b) =>
          a.finishedMs - b.finishedMs ||
          compareStrings(a.env.toLowerCase(), b.env.toLowerCase()),
      );
      return { version, firstMs: ordered[0].finishedMs, steps: ordered };
    })
    .sort(
      (a, b) => b.firstMs - a.firstMs || compareStrings(b.version, a.version),
    )
    .slice(0, options.limit ?? DEFAULT_PROMOTION_LIMIT)
    .map(({ version, steps }) => ({
      version,
      steps: steps.map(d => ({
        environment: d.env,
        at: new Date(d.finishedMs).toISOString(),
      })),
    }));

  return { environments, promotions };
}
