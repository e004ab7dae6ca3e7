import semver from 'semver';
import {
  ANNOTATION_POLICY_BLOCK_DATE,
  ANNOTATION_POLICY_MAX_LAG,
  ANNOTATION_POLICY_MINIMUM_VERSION,
  ANNOTATION_POLICY_WARN_DATE,
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
} from './annotations';
import {
  compareVersions,
  describeLag,
  parseVersion,
  sortVersions,
  versionLag,
  VersionLag,
} from './semver';
import { PolicyState } from './types';

/**
 * The largest lag behind a template's latest version that a policy allows.
 *
 * `majors` counts major versions behind the latest. `minors` counts minor
 * versions behind the latest *on the latest major*, so a `minors` limit
 * without a `majors` limit also means "stay on the latest major": a major
 * upgrade is breaking, so it is never smaller than any number of minors.
 *
 * @public
 */
export type MaxVersionLag = {
  /** Major versions a service may be behind; `0` means "on the latest major". */
  majors?: number;
  /** Minor versions a service may be behind while on the latest major. */
  minors?: number;
};

/**
 * The upgrade policy of one golden-path template, validated. Read it with
 * {@link readTemplatePolicy}; every field is optional and a template with none
 * leaves all its services compliant.
 *
 * @public
 */
export type TemplatePolicy = {
  /** The oldest version services may stay on (semver). */
  minimumVersion?: string;
  /** From this UTC day (YYYY-MM-DD), services below the minimum are warned. */
  warnDate?: string;
  /** From this UTC day (YYYY-MM-DD), services below the minimum are blocked. */
  blockDate?: string;
  /** The largest allowed lag behind the latest version. */
  maxLag?: MaxVersionLag;
};

/**
 * A template policy as app-config (`goldenPaths.policies`) gives it: like
 * {@link TemplatePolicy}, except that `maxLag` may also be written the way the
 * annotation is, e.g. `1 major`. Values are checked at run time, since config
 * is only as typed as the YAML it came from.
 *
 * @public
 */
export type TemplatePolicyConfig = Omit<Partial<TemplatePolicy>, 'maxLag'> & {
  maxLag?: MaxVersionLag | string;
};

/**
 * An approved, time-boxed exception to a template's policy for one service.
 *
 * @public
 */
export type Exemption = {
  /** Identifier, for the audit trail and for revoking it. */
  id: string;
  /** Full entity ref of the exempted service, e.g. `component:default/payments`. */
  entityRef: string;
  /** When set, the exemption only covers the policy of this template. */
  templateRef?: string;
  /** Why the service may stay behind, in the approver's words. */
  reason: string;
  /** Entity ref of who approved it, e.g. `user:default/jane`. */
  approvedBy: string;
  /** When it stops counting (ISO 8601 timestamp), exclusive. */
  expiresAt: string;
  /** When it was granted (ISO 8601 timestamp). */
  createdAt: string;
};

/**
 * What a service says about where it came from: the template it was created
 * from and the version of that template.
 *
 * @public
 */
export type ServiceProvenance = {
  /** Full entity ref of the service. */
  entityRef: string;
  /** Entity ref of the template (`spec.scaffoldedFrom` or `backstage.io/source-template`). */
  templateRef?: string;
  /** The `backstage.io/template-version` annotation, as written. */
  version?: string;
};

/**
 * The policy verdict for one service, with everything a card or a pipeline
 * needs to explain it.
 *
 * @public
 */
export type PolicyEvaluation = {
  /** The verdict. */
  state: PolicyState;
  /** Why, one sentence each; never empty. */
  reasons: string[];
  /**
   * When the state next gets worse, if nothing changes: a UTC day
   * (YYYY-MM-DD) for a policy date, or the exemption's `expiresAt` timestamp
   * when the service is exempt. Both forms parse with `Date.parse`.
   */
  deadline?: string;
  /** How far the service is behind {@link PolicyEvaluation.latestVersion}. */
  lag?: VersionLag;
  /** The service's template version, normalized, when it is valid semver. */
  currentVersion?: string;
  /** The version services are measured against (see {@link latestTemplateVersion}). */
  latestVersion?: string;
  /** The template the service was created from. */
  templateRef?: string;
  /** The exemption that applies to the service, whether or not it was needed. */
  exemption?: Exemption;
};

/**
 * Input of {@link evaluateTemplatePolicy}: plain data, gathered by the caller.
 *
 * @public
 */
export type EvaluateTemplatePolicyInput = {
  /** The service and what it says about its template. */
  provenance: ServiceProvenance;
  /** Every published version of the template; anything not semver is ignored. */
  publishedVersions: readonly string[];
  /** The template's policy, as {@link readTemplatePolicy} returns it. */
  policy: TemplatePolicy;
  /** Exemptions to consider; those for other services or expired ones are ignored. */
  exemptions: readonly Exemption[];
  /** The moment to evaluate at; the result depends on nothing else that moves. */
  now: Date;
  /**
   * The `problems` {@link readTemplatePolicy} found, so that they show up among
   * the reasons on the card and in the gate, not only in a log.
   */
  policyProblems?: readonly string[];
};

/**
 * What a deployment gate answers.
 *
 * @public
 */
export type GateDecision = 'allow' | 'warn' | 'block';

/**
 * A gate answer with its reasons, as `GET /gate` returns it.
 *
 * @public
 */
export type GateResult = {
  /** Whether the pipeline may go on, go on with a warning, or must stop. */
  decision: GateDecision;
  /** Why, one sentence each. */
  reasons: string[];
};

/**
 * Options of {@link gateDecision}.
 *
 * @public
 */
export type GateDecisionOptions = {
  /** What the gate answers for a service in state `unknown`; default `warn`. */
  unknown?: GateDecision;
};

// ---------------------------------------------------------------------------
// Reading and validating a policy
// ---------------------------------------------------------------------------

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_LAG_PATTERN = /^(\d+)\s*(majors?|minors?)$/i;
const CONFIG_PATH = 'goldenPaths.policies';

type Raw = { value: unknown; source: string };

// Start of a YYYY-MM-DD day in UTC, or undefined when the day does not exist
// (2026-02-30): Date.UTC would quietly roll it over into March.
function utcDayStart(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const start = Date.UTC(year, month - 1, day);
  const check = new Date(start);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return undefined;
  }
  return start;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function readMinimumVersion(raw: Raw, problems: string[]) {
  const parsed =
    typeof raw.value === 'string' ? parseVersion(raw.value) : undefined;
  if (!parsed) {
    problems.push(
      `${raw.source} ${quote(
        raw.value,
      )} is not a semver version (e.g. 1.4.0); it is ignored`,
    );
  }
  return parsed;
}

function readDate(raw: Raw, problems: string[]) {
  const date = typeof raw.value === 'string' ? raw.value.trim() : undefined;
  if (date === undefined || utcDayStart(date) === undefined) {
    problems.push(
      `${raw.source} ${quote(
        raw.value,
      )} is not a calendar date written YYYY-MM-DD; it is ignored`,
    );
    return undefined;
  }
  return date;
}

function readMaxLag(raw: Raw, problems: string[]): MaxVersionLag | undefined {
  const invalid = () => {
    problems.push(
      `${raw.source} ${quote(
        raw.value,
      )} is not a lag like '1 major' or '2 minors'; it is ignored`,
    );
    return undefined;
  };
  if (typeof raw.value === 'string') {
    const match = MAX_LAG_PATTERN.exec(raw.value.trim());
    if (!match) return invalid();
    const count = Number(match[1]);
    if (!Number.isSafeInteger(count)) return invalid();
    return match[2].toLocaleLowerCase('en-US').startsWith('major')
      ? { majors: count }
      : { minors: count };
  }
  if (
    typeof raw.value !== 'object' ||
    raw.value === null ||
    Array.isArray(raw.value)
  ) {
    return invalid();
  }
  const { majors, minors, ...rest } = raw.value as Record<string, unknown>;
  const isCount = (n: unknown) =>
    n === undefined || (Number.isSafeInteger(n) && (n as number) >= 0);
  if (Object.keys(rest).length > 0 || !isCount(majors) || !isCount(minors)) {
    return invalid();
  }
  if (majors === undefined && minors === undefined) return undefined;
  return {
    ...(majors !== undefined && { majors: majors as number }),
    ...(minors !== undefined && { minors: minors as number }),
  };
}

// One validation for both entry points, so a policy handed straight to
// evaluateTemplatePolicy gets the same checks as one read from annotations.
function validatePolicy(raw: {
  minimumVersion?: Raw;
  warnDate?: Raw;
  blockDate?: Raw;
  maxLag?: Raw;
}): { policy: TemplatePolicy; problems: string[] } {
  const problems: string[] = [];
  const policy: TemplatePolicy = {};
  if (raw.minimumVersion) {
    policy.minimumVersion = readMinimumVersion(raw.minimumVersion, problems);
  }
  if (raw.warnDate) policy.warnDate = readDate(raw.warnDate, problems);
  if (raw.blockDate) policy.blockDate = readDate(raw.blockDate, problems);
  if (raw.maxLag) policy.maxLag = readMaxLag(raw.maxLag, problems);

  // A warn date after the block date is a typo either way; the block date is
  // the commitment teams were told about, so it stays and warnings start now.
  if (
    policy.warnDate &&
    policy.blockDate &&
    policy.warnDate > policy.blockDate
  ) {
    problems.push(
      `${raw.warnDate!.source} ${policy.warnDate} is after ${
        raw.blockDate!.source
      } ${policy.blockDate}; the warn date is ignored`,
    );
    delete policy.warnDate;
  }
  // Dates without a minimum have nothing to apply to. Dropping them keeps a
  // policy that was read once free of problems when it is validated again; an
  // invalid minimum was reported already, so only a missing one is.
  if (!policy.minimumVersion && (policy.warnDate || policy.blockDate)) {
    if (!raw.minimumVersion) {
      problems.push(
        'warn and block dates only apply to versions below a minimum version, and none is set; they are ignored',
      );
    }
    delete policy.warnDate;
    delete policy.blockDate;
  }

  for (const key of Object.keys(policy) as (keyof TemplatePolicy)[]) {
    if (policy[key] === undefined) delete policy[key];
  }
  return { policy, problems };
}

// Empty values count as "not set": templating tools often write an empty
// string where a value is optional, and that is not a typo worth reporting.
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

/**
 * Reads a template's policy from its annotations and from app-config.
 *
 * The annotations are {@link ANNOTATION_POLICY_MINIMUM_VERSION},
 * {@link ANNOTATION_POLICY_WARN_DATE}, {@link ANNOTATION_POLICY_BLOCK_DATE}
 * and {@link ANNOTATION_POLICY_MAX_LAG}. `configured` is the template's entry
 * under app-config `goldenPaths.policies`; it overrides the annotations key by
 * key, so a platform team can tighten one rule without editing the template.
 * A configured key owns its rule even when its value is invalid: the
 * annotation is not used as a fallback, since the operator meant to replace it.
 *
 * Invalid values are dropped and each one is reported in `problems` (a
 * version that is not semver, a date that is not a real YYYY-MM-DD day, a warn
 * date after the block date, a lag not like `1 major` / `2 minors`), so a typo
 * is visible instead of silently making services compliant or blocked.
 * Empty values count as not set.
 *
 * @public
 */
export function readTemplatePolicy(
  annotations: Record<string, string> | undefined,
  configured?: TemplatePolicyConfig,
): { policy: TemplatePolicy; problems: string[] } {
  const pick = (
    key: keyof TemplatePolicy,
    annotation: string,
  ): Raw | undefined => {
    const fromConfig = configured?.[key];
    if (isSet(fromConfig)) {
      return { value: fromConfig, source: `${CONFIG_PATH} ${key}` };
    }
    const fromAnnotation = annotations?.[annotation];
    if (isSet(fromAnnotation)) {
      return { value: fromAnnotation, source: annotation };
    }
    return undefined;
  };
  return validatePolicy({
    minimumVersion: pick('minimumVersion', ANNOTATION_POLICY_MINIMUM_VERSION),
    warnDate: pick('warnDate', ANNOTATION_POLICY_WARN_DATE),
    blockDate: pick('blockDate', ANNOTATION_POLICY_BLOCK_DATE),
    maxLag: pick('maxLag', ANNOTATION_POLICY_MAX_LAG),
  });
}

// ---------------------------------------------------------------------------
// States
// ---------------------------------------------------------------------------

// Severity for rollups and for "the state never gets better": exempt is worse
// than compliant (there is a known, accepted problem), unknown worse than
// exempt (nobody knows), and a known warn or block worse than unknown.
const SEVERITY: Record<PolicyState, number> = {
  compliant: 0,
  exempt: 1,
  unknown: 2,
  warn: 3,
  block: 4,
};

/**
 * The worst of some states, by severity
 * `block > warn > unknown > exempt > compliant`; `compliant` when there are
 * none, so it can fold a team's or a rule's states from nothing.
 *
 * @public
 */
export function worstState(states: Iterable<PolicyState>): PolicyState {
  let worst: PolicyState = 'compliant';
  for (const state of states) {
    if (SEVERITY[state] > SEVERITY[worst]) worst = state;
  }
  return worst;
}

/**
 * Orders two states by severity (see {@link worstState}): negative when `a` is
 * better than `b`, positive when worse, 0 when equal.
 *
 * @public
 */
export function comparePolicyStates(a: PolicyState, b: PolicyState): number {
  return SEVERITY[a] - SEVERITY[b];
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/**
 * The version services are measured against: the highest published stable
 * version, or the highest pre-release when nothing stable is published yet.
 * A pre-release of the next major does not put every service behind; a
 * service on `2.0.0-rc.1` is behind once `2.0.0` is out.
 *
 * @public
 */
export function latestTemplateVersion(
  publishedVersions: Iterable<string>,
): string | undefined {
  const sorted = sortVersions(publishedVersions);
  const stable = sorted.filter(v => semver.prerelease(v) === null);
  return stable[stable.length - 1] ?? sorted[sorted.length - 1];
}

type RuleState = 'compliant' | 'warn' | 'block';

type RuleOutcome = {
  state: RuleState;
  reasons: string[];
  // When this rule alone makes things worse, for the deadline.
  escalations: { at: number; date: string; state: RuleState }[];
};

const NO_FINDING: RuleOutcome = {
  state: 'compliant',
  reasons: [],
  escalations: [],
};

function minimumVersionRule(
  current: string,
  policy: TemplatePolicy,
  now: number,
): RuleOutcome {
  const { minimumVersion, warnDate, blockDate } = policy;
  if (!minimumVersion || compareVersions(current, minimumVersion) >= 0) {
    return NO_FINDING;
  }
  const below = `version ${current} is below the minimum supported version ${minimumVersion}`;
  const warnAt = warnDate === undefined ? undefined : utcDayStart(warnDate)!;
  const blockAt = blockDate === undefined ? undefined : utcDayStart(blockDate)!;
  const escalations: RuleOutcome['escalations'] = [];
  if (warnAt !== undefined) {
    escalations.push({ at: warnAt, date: warnDate!, state: 'warn' });
  }
  if (blockAt !== undefined) {
    escalations.push({ at: blockAt, date: blockDate!, state: 'block' });
  }

  if (blockAt !== undefined && now >= blockAt) {
    return {
      state: 'block',
      reasons: [`${below}; blocked since ${blockDate}`],
      escalations,
    };
  }
  // Without a warn date, being below the minimum is worth a warning at once.
  if (warnAt === undefined || now >= warnAt) {
    const until = blockDate ? `; blocked from ${blockDate}` : '';
    return { state: 'warn', reasons: [`${below}${until}`], escalations };
  }
  // Before the warn date the service is still compliant, but the card should
  // already say what is coming.
  const then = blockDate ? ` and blocking on ${blockDate}` : '';
  return {
    state: 'compliant',
    reasons: [`${below}; warnings start on ${warnDate}${then}`],
    escalations,
  };
}

function lagInWords(lag: VersionLag, latest: string): string {
  // describeLag calls a lag made only of newer versions "pre-releases"; when
  // the latest is a release (2.0.0-rc.1 behind 2.0.0) that word would mislead.
  if (
    lag.majors === 0 &&
    lag.minors === 0 &&
    lag.patches === 0 &&
    lag.versionsBehind > 0 &&
    semver.prerelease(latest) === null
  ) {
    const n = lag.versionsBehind;
    return `${n} ${n === 1 ? 'version' : 'versions'} behind`;
  }
  return describeLag(lag);
}

function allowedLagInWords(limit: MaxVersionLag): string {
  const count = (n: number, one: string, many: string) =>
    `${n} ${n === 1 ? one : many}`;
  const majors =
    limit.majors === undefined
      ? undefined
      : count(limit.majors, 'major', 'majors');
  const minors =
    limit.minors === undefined
      ? undefined
      : `${count(limit.minors, 'minor', 'minors')} on the latest major`;
  return [majors, minors].filter(Boolean).join(', or ');
}

function maxLagRule(
  current: string,
  latest: string,
  lag: VersionLag,
  limit: MaxVersionLag | undefined,
): RuleOutcome {
  if (!limit) return NO_FINDING;
  const majorsAllowed =
    limit.majors ?? (limit.minors !== undefined ? 0 : undefined);
  const exceeded =
    (majorsAllowed !== undefined && lag.majors > majorsAllowed) ||
    (limit.minors !== undefined &&
      lag.majors === 0 &&
      lag.minors > limit.minors);
  if (!exceeded) return NO_FINDING;
  return {
    state: 'warn',
    reasons: [
      `version ${current} is ${lagInWords(
        lag,
        latest,
      )} ${latest}; the policy allows ${allowedLagInWords(limit)}`,
    ],
    escalations: [],
  };
}

function sameRef(a: string, b: string): boolean {
  // Backstage compares entity refs case-insensitively.
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

function findExemption(
  exemptions: readonly Exemption[],
  entityRef: string,
  templateRef: string | undefined,
  now: number,
): Exemption | undefined {
  let found: { exemption: Exemption; expires: number } | undefined;
  for (const exemption of exemptions) {
    if (!sameRef(exemption.entityRef, entityRef)) continue;
    if (
      exemption.templateRef &&
      !(templateRef && sameRef(exemption.templateRef, templateRef))
    ) {
      continue;
    }
    // Expiry is exclusive, and an unreadable expiry counts as expired: an
    // exemption must never last longer than someone approved.
    const expires = Date.parse(exemption.expiresAt);
    if (!(expires > now)) continue;
    // Of several, the one that lasts longest is the one that decides.
    if (!found || expires > found.expires) found = { exemption, expires };
  }
  return found?.exemption;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

function fromPolicy(
  value: unknown,
  key: keyof TemplatePolicy,
): Raw | undefined {
  return isSet(value) ? { value, source: `policy ${key}` } : undefined;
}

// Where a service stands when no rule has anything to say about it.
function standing(
  current: string,
  latest: string,
  lag: VersionLag,
  templateRef: string,
  policy: TemplatePolicy,
): string {
  const comparison = compareVersions(current, latest);
  if (comparison === 0) {
    return `on ${current}, the latest version of ${templateRef}`;
  }
  if (comparison > 0) {
    return `on ${current}, ahead of the latest version ${latest} of ${templateRef}`;
  }
  const verdict =
    Object.keys(policy).length === 0
      ? `${templateRef} sets no upgrade policy`
      : 'within the policy';
  return `version ${current} is ${lagInWords(
    lag,
    latest,
  )} ${latest}; ${verdict}`;
}

/**
 * Decides the policy state of one service: a pure function of its provenance,
 * the template's published versions, the template's policy, the exemptions and
 * `now`. The backend sweep, the gate and the entity card all call it, so they
 * always agree.
 *
 * Rules, in order:
 *
 * 1. `unknown`, never silently compliant, when the service names no template,
 *    has no {@link ANNOTATION_TEMPLATE_VERSION}, has a version that is not
 *    semver, or its template has no published version in the registry.
 *
 * 2. Minimum version: a service below `minimumVersion` is `compliant` before
 *    `warnDate` (with a reason saying what is coming and `deadline` =
 *    `warnDate`), `warn` from `warnDate` until `blockDate` (`deadline` =
 *    `blockDate`), and `block` from `blockDate`. Dates are whole UTC days: a
 *    date starts at 00:00:00.000Z and counts from that instant. With only a
 *    `blockDate` it warns until then; with neither date it warns at once.
 *
 * 3. Maximum lag: when the service is further behind the latest version than
 *    `maxLag` allows, it is at least `warn`. See {@link MaxVersionLag}: a
 *    `minors` limit is measured on the latest major and implies staying on it.
 *
 * 4. Both rules are applied and the worse state wins (block over warn over
 *    compliant); the reasons of both are kept. When neither has anything to
 *    say, one reason still says where the service stands.
 *
 * 5. Exemption: a matching exemption (same entity; same template when it
 *    names one; `expiresAt` after `now`) turns `warn` or `block` into
 *    `exempt`, with a reason naming the approver, the expiry and the reason,
 *    and `deadline` = its `expiresAt`. It does not change `compliant` or
 *    `unknown`, but is still returned in `exemption`. An expired exemption
 *    stops counting by itself.
 *
 * Versions compare by semver, pre-releases included (1.9.0 < 1.10.0 <
 * 2.0.0-rc.1 < 2.0.0). The latest version is {@link latestTemplateVersion}.
 * Problems found in the policy (see {@link readTemplatePolicy}) are listed
 * among the reasons and the invalid parts are ignored.
 *
 * Without exemptions, moving `now` forward never makes the state better, and
 * it gets worse exactly at `deadline`.
 *
 * @public
 */
export function evaluateTemplatePolicy(
  input: EvaluateTemplatePolicyInput,
): PolicyEvaluation {
  const now = input.now.getTime();
  if (Number.isNaN(now)) {
    throw new TypeError('evaluateTemplatePolicy needs a valid `now`');
  }
  const { entityRef } = input.provenance;
  const templateRef = input.provenance.templateRef?.trim() || undefined;
  const written = input.provenance.version?.trim() || undefined;
  const published = sortVersions(input.publishedVersions);
  const latestVersion = latestTemplateVersion(published);
  const exemption = findExemption(
    input.exemptions,
    entityRef,
    templateRef,
    now,
  );

  const { policy, problems } = validatePolicy({
    minimumVersion: fromPolicy(input.policy.minimumVersion, 'minimumVersion'),
    warnDate: fromPolicy(input.policy.warnDate, 'warnDate'),
    blockDate: fromPolicy(input.policy.blockDate, 'blockDate'),
    maxLag: fromPolicy(input.policy.maxLag, 'maxLag'),
  });
  const policyReasons = [...(input.policyProblems ?? []), ...problems].map(
    problem => `policy problem: ${problem}`,
  );

  const unknown = (reason: string, currentVersion?: string) =>
    withoutUndefined<PolicyEvaluation>({
      state: 'unknown',
      reasons: [reason, ...(templateRef ? policyReasons : [])],
      currentVersion,
      latestVersion,
      templateRef,
      exemption,
    });

  if (!templateRef) {
    return unknown(
      `${entityRef} was not created from a golden-path template: neither spec.scaffoldedFrom nor the ${ANNOTATION_SOURCE_TEMPLATE} annotation names one`,
    );
  }
  if (!written) {
    return unknown(
      `${entityRef} has no ${ANNOTATION_TEMPLATE_VERSION} annotation, so its version of ${templateRef} is unknown`,
    );
  }
  const current = parseVersion(written);
  if (!current) {
    return unknown(
      `${entityRef} has ${ANNOTATION_TEMPLATE_VERSION} '${written}', which is not a semver version`,
    );
  }
  if (!latestVersion) {
    return unknown(
      `template ${templateRef} is not in the registry: no published version is known`,
      current,
    );
  }

  // Measure against the latest release only: a newer pre-release is not yet
  // something services are expected to move to.
  const lag = versionLag(
    current,
    published.filter(v => semver.lte(v, latestVersion)),
  );
  const outcomes = [
    minimumVersionRule(current, policy, now),
    maxLagRule(current, latestVersion, lag, policy.maxLag),
  ];
  const state = worstState(outcomes.map(o => o.state)) as RuleState;
  const reasons = outcomes.flatMap(o => o.reasons);
  if (reasons.length === 0) {
    reasons.push(standing(current, latestVersion, lag, templateRef, policy));
  }
  reasons.push(...policyReasons);

  // The deadline is the first future moment any rule makes the overall state
  // worse than it is now; a rule escalating to a state already reached is not.
  const deadline = outcomes
    .flatMap(o => o.escalations)
    .filter(e => e.at > now && SEVERITY[e.state] > SEVERITY[state])
    .sort((a, b) => a.at - b.at)[0]?.date;

  const evaluation = withoutUndefined<PolicyEvaluation>({
    state,
    reasons,
    deadline,
    lag,
    currentVersion: current,
    latestVersion,
    templateRef,
    exemption,
  });
  if (exemption && (state === 'warn' || state === 'block')) {
    return {
      ...evaluation,
      state: 'exempt',
      reasons: [
        `exempt until ${exemption.expiresAt}, approved by ${exemption.approvedBy}: ${exemption.reason}`,
        ...reasons,
      ],
      deadline: exemption.expiresAt,
    };
  }
  return evaluation;
}

/**
 * Turns an evaluation into the gate's answer for a pipeline: `compliant` and
 * `exempt` allow, `warn` warns, `block` blocks.
 *
 * `unknown` warns by default: policies are mandatory, the platform is not, so
 * a service that was not scaffolded (or whose template is not in the
 * registry) can still deploy, but its pipeline says why it is not covered.
 * Pass `{ unknown: 'block' }` (or `'allow'`) to change that.
 *
 * @public
 */
export function gateDecision(
  evaluation: Pick<PolicyEvaluation, 'state' | 'reasons'>,
  options: GateDecisionOptions = {},
): GateResult {
  const decisions: Record<PolicyState, GateDecision> = {
    compliant: 'allow',
    exempt: 'allow',
    warn: 'warn',
    block: 'block',
    unknown: options.unknown ?? 'warn',
  };
  return {
    decision: decisions[evaluation.state],
    reasons: [...evaluation.reasons],
  };
}
