import {
  AuthService,
  BackstageCredentials,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  Exemption,
  TemplatePolicy,
  TemplatePolicyConfig,
  evaluateTemplatePolicy,
  parseVersion,
  readTemplatePolicy,
} from '@paved/backstage-plugin-golden-paths-common';
import {
  ComplianceRecord,
  ComplianceStore,
  StoredEvaluation,
} from '../../database/ComplianceStore';
import { ExemptionStore } from '../../database/ExemptionStore';
import { TemplateVersionStore } from '../../database/TemplateVersionStore';
import { Clock, systemClock } from '../../clock';
import { DriftService, LatestRenderCache } from '../DriftService';

/**
 * What evaluation needs to know about one template.
 *
 * @public
 */
export type TemplateContext = {
  /** Every published version: the registry's, plus the template's current one. */
  versions: string[];
  /** Annotations, overridden key by key by `goldenPaths.policies`. */
  policy: TemplatePolicy;
  /** What was wrong with the policy, shown among the reasons. */
  problems: string[];
};

/**
 * Everything {@link ComplianceService.evaluateEntity} needs besides the entity,
 * gathered once per sweep.
 *
 * @public
 */
export type EvaluationContext = {
  /** By lowercase template ref. */
  templates: Map<string, TemplateContext>;
  exemptions: Exemption[];
  now: Date;
  /** Latest template renders, shared by the services of one sweep. */
  latestRenders: LatestRenderCache;
};

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/**
 * Normalizes an entity ref for storage and lookups: Backstage compares refs
 * case-insensitively, so Paved keeps them lowercase. Returns undefined when
 * `ref` is not an entity ref.
 *
 * @public
 */
export function normalizeEntityRef(
  ref: string,
  defaults: { defaultKind?: string; defaultNamespace?: string } = {},
): string | undefined {
  try {
    // toLowerCase, not toLocaleLowerCase('en-US'): the same result for every
    // string (only lt, tr and az case differently), at a fraction of the cost
    // on the gate's path.
    const normalized = stringifyEntityRef(
      parseEntityRef(ref.trim(), defaults),
    ).toLowerCase();
    // No valid ref holds control characters or is this long, and PostgreSQL
    // would refuse a NUL or a value longer than its column.
    return normalized.length > 255 || CONTROL_CHARACTER.test(normalized)
      ? undefined
      : normalized;
  } catch {
    return undefined;
  }
}

/**
 * Gathers what a policy evaluation needs (template versions, policies,
 * exemptions) and stores the results; the decisions themselves are
 * `evaluateTemplatePolicy` in the common package.
 *
 * @public
 */
export class ComplianceService {
  private readonly policyConfig: Map<string, TemplatePolicyConfig>;
  private readonly clock: Clock;
  /** Fresh evaluations in progress, by entity ref. */
  private readonly evaluating = new Map<
    string,
    Promise<StoredEvaluation | undefined>
  >();

  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      config: RootConfigService;
      templateVersions: TemplateVersionStore;
      exemptions: ExemptionStore;
      compliance: ComplianceStore;
      /** Reads drift from service repositories; without it, no drift. */
      drift?: DriftService;
      /** Where "now" comes from; the system clock by default. */
      clock?: Clock;
    },
  ) {
    this.policyConfig = readPolicyConfig(deps.config);
    this.clock = deps.clock ?? systemClock;
  }

  /** Reads templates and active exemptions, with the plugin's own credentials. */
  async loadContext(options: {
    now: Date;
    entityRef?: string;
  }): Promise<EvaluationContext> {
    return {
      templates: await this.loadTemplates(),
      exemptions: await this.deps.exemptions.listActive(options.now, {
        entityRef: options.entityRef,
      }),
      now: options.now,
      latestRenders: new Map(),
    };
  }

  /**
   * The policy in force for each template in the catalog: its annotations,
   * overridden key by key by `goldenPaths.policies`. What the sweep applies.
   */
  async templatePolicies(): Promise<Map<string, TemplatePolicy>> {
    const templates = await this.readTemplates();
    return new Map([...templates].map(([ref, t]) => [ref, t.policy]));
  }

  /** Every Template in the catalog with its published versions, by lowercase ref. */
  private async loadTemplates(): Promise<Map<string, TemplateContext>> {
    const [templates, registered] = await Promise.all([
      this.readTemplates(),
      this.deps.templateVersions.listVersions(),
    ]);
    const versionsOf = new Map<string, Set<string>>();
    for (const v of registered) {
      const ref = v.templateRef.toLocaleLowerCase('en-US');
      versionsOf.set(ref, (versionsOf.get(ref) ?? new Set()).add(v.version));
    }
    const result = new Map<string, TemplateContext>();
    for (const [ref, { policy, problems, currentVersion }] of templates) {
      const versions = new Set(versionsOf.get(ref));
      // The template's own version counts as published even before the
      // registry sync has recorded it, so a fresh install is not all unknown.
      if (currentVersion) versions.add(currentVersion);
      result.set(ref, { versions: [...versions], policy, problems });
    }
    return result;
  }

  /** Every Template in the catalog: its policy in force and its version. */
  private async readTemplates() {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const templates = new Map<
      string,
      Pick<TemplateContext, 'policy' | 'problems'> & { currentVersion?: string }
    >();
    for await (const page of this.deps.catalog.streamEntities(
      { filter: { kind: 'Template' }, fields: ['kind', 'metadata'] },
      { credentials },
    )) {
      for (const template of page) {
        const ref = stringifyEntityRef(template).toLocaleLowerCase('en-US');
        const annotations = template.metadata.annotations ?? {};
        templates.set(ref, {
          ...readTemplatePolicy(annotations, this.policyConfig.get(ref)),
          currentVersion: parseVersion(
            annotations[ANNOTATION_TEMPLATE_VERSION] ?? '',
          ),
        });
      }
    }
    return templates;
  }

  /** Evaluates one Component; a pure step, given the context. */
  evaluateEntity(entity: Entity, context: EvaluationContext): ComplianceRecord {
    const namespace = entity.metadata.namespace ?? 'default';
    const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const spec = (entity.spec ?? {}) as {
      owner?: unknown;
      scaffoldedFrom?: unknown;
    };
    const annotations = entity.metadata.annotations ?? {};
    const rawTemplate =
      (typeof spec.scaffoldedFrom === 'string' && spec.scaffoldedFrom) ||
      annotations[ANNOTATION_SOURCE_TEMPLATE];
    const templateRef = rawTemplate
      ? normalizeEntityRef(rawTemplate, {
          defaultKind: 'template',
          defaultNamespace: namespace,
        }) ?? rawTemplate
      : undefined;
    const template = templateRef
      ? context.templates.get(templateRef)
      : undefined;
    const owner =
      typeof spec.owner === 'string'
        ? normalizeEntityRef(spec.owner, {
            defaultKind: 'group',
            defaultNamespace: namespace,
          }) ?? ''
        : '';
    const evaluation = evaluateTemplatePolicy({
      provenance: {
        entityRef,
        templateRef,
        version: annotations[ANNOTATION_TEMPLATE_VERSION],
      },
      publishedVersions: template?.versions ?? [],
      policy: template?.policy ?? {},
      policyProblems: template?.problems,
      exemptions: context.exemptions,
      now: context.now,
    });
    return { entityRef, owner, evaluation };
  }

  /**
   * Evaluates one Component's policy and reads its drift from its repository.
   * A repository that cannot be read makes the state `unknown`, with the
   * reason first; only `block` stays, so a read failure never opens a gate.
   */
  async evaluateService(
    entity: Entity,
    context: EvaluationContext,
  ): Promise<ComplianceRecord> {
    const record = this.evaluateEntity(entity, context);
    const { evaluation } = record;
    // Drift is measured against a template, so services without one have none.
    if (!this.deps.drift || !evaluation.templateRef) return record;
    const outcome = await this.deps.drift.readDrift(entity, {
      latestVersion: evaluation.latestVersion,
      cache: context.latestRenders,
    });
    switch (outcome.kind) {
      case 'drift':
        return { ...record, drift: outcome.drift };
      case 'unreadable':
        return {
          ...record,
          evaluation: {
            ...evaluation,
            state: evaluation.state === 'block' ? 'block' : 'unknown',
            reasons: [outcome.reason, ...evaluation.reasons],
          },
        };
      default:
        return outcome.problem
          ? {
              ...record,
              evaluation: {
                ...evaluation,
                reasons: [...evaluation.reasons, outcome.problem],
              },
            }
          : record;
    }
  }

  /**
   * Evaluates one service now and stores the result. The entity is read with
   * `credentials`, so callers only learn about services they may see.
   * Returns undefined when the catalog has no such entity.
   */
  async evaluateAndStore(
    entityRef: string,
    options: { credentials: BackstageCredentials; now?: Date },
  ): Promise<StoredEvaluation | undefined> {
    const { catalog, compliance } = this.deps;
    const now = options.now ?? this.clock.now();
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: options.credentials,
    });
    if (!entity) return undefined;
    const record = await this.evaluateService(
      entity,
      await this.loadContext({ now, entityRef }),
    );
    await compliance.upsertEvaluations([record], now);
    return compliance.getEvaluation(record.entityRef);
  }

  /**
   * The stored evaluation of a service, or a fresh one: when it has never
   * been swept, so a service created a minute ago shows at once, and when
   * its deadline (a policy date, an exemption's expiry) has passed since,
   * so warn and block start, and an exemption stops counting, at that
   * instant and not at the next sweep. Callers asking for the same service
   * at once share one fresh evaluation, as they would share the stored one
   * it leaves.
   */
  async getEvaluation(
    entityRef: string,
    options: { credentials: BackstageCredentials; now?: Date },
  ): Promise<StoredEvaluation | undefined> {
    const now = options.now ?? this.clock.now();
    const stored = await this.deps.compliance.getEvaluation(entityRef);
    const expired =
      stored?.deadline !== undefined &&
      Date.parse(stored.deadline) <= now.getTime();
    if (stored && !expired) return stored;
    let fresh = this.evaluating.get(entityRef);
    if (!fresh) {
      fresh = this.evaluateAndStore(entityRef, { ...options, now }).finally(
        () => this.evaluating.delete(entityRef),
      );
      this.evaluating.set(entityRef, fresh);
    }
    return fresh;
  }
}

// `goldenPaths.policies` is keyed by template ref; `node-service` is short for
// `template:default/node-service`. Read raw, since refs are not config keys.
function readPolicyConfig(
  config: RootConfigService,
): Map<string, TemplatePolicyConfig> {
  const raw = config.getOptional<Record<string, TemplatePolicyConfig>>(
    'goldenPaths.policies',
  );
  const result = new Map<string, TemplatePolicyConfig>();
  for (const [key, value] of Object.entries(raw ?? {})) {
    const ref = normalizeEntityRef(key, {
      defaultKind: 'template',
      defaultNamespace: 'default',
    });
    if (ref && value && typeof value === 'object') result.set(ref, value);
  }
  return result;
}
