import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_POLICY_MINIMUM_VERSION,
  ANNOTATION_TEMPLATE_VERSION,
  compareVersions,
  parseVersion,
} from '@paved/backstage-plugin-golden-paths-common';
import { examples } from './policyCheck.examples';

/**
 * Id of the action that checks a new service against platform policy.
 *
 * @public
 */
export const POLICY_CHECK_ACTION_ID = 'paved:policy:check';

/**
 * The rules `paved:policy:check` applies, by the id its messages and its
 * `checked` output use.
 *
 * @public
 */
export type PolicyRuleId =
  | 'owner-is-group'
  | 'name-matches-pattern'
  | 'name-is-free'
  | 'system-required'
  | 'system-exists'
  | 'template-version-supported';

/**
 * The default pattern for service names: what DNS labels, Kubernetes names
 * and most repository hosts all accept.
 *
 * @public
 */
export const DEFAULT_SERVICE_NAME_PATTERN = '^[a-z][a-z0-9-]{1,61}[a-z0-9]$';

/** What one rule concluded; `skipped` when it did not apply to this input. */
type RuleResult =
  | { rule: PolicyRuleId; field: string; outcome: 'passed' }
  | { rule: PolicyRuleId; field: string; outcome: 'violated'; problem: string }
  | { rule: PolicyRuleId; outcome: 'skipped'; reason: string };

type CatalogLookup = {
  catalog: CatalogService;
  credentials: BackstageCredentials;
};

function passed(rule: PolicyRuleId, field: string): RuleResult {
  return { rule, field, outcome: 'passed' };
}

function violated(
  rule: PolicyRuleId,
  field: string,
  problem: string,
): RuleResult {
  return { rule, field, outcome: 'violated', problem };
}

function skipped(rule: PolicyRuleId, reason: string): RuleResult {
  return { rule, outcome: 'skipped', reason };
}

function parseRef(
  ref: string,
  defaultKind: string,
): CompoundEntityRef | undefined {
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
  } catch {
    return undefined;
  }
}

/**
 * Checks that `ref` names an entity of `kind` that the initiator can see in
 * the catalog, or says what is wrong with it.
 */
async function findProblemWithRef(
  { catalog, credentials }: CatalogLookup,
  ref: string,
  kind: 'Group' | 'System',
): Promise<string | undefined> {
  const parsed = parseRef(ref, kind.toLowerCase());
  if (!parsed) return `'${ref}' is not an entity ref`;
  if (parsed.kind.toLowerCase() !== kind.toLowerCase()) {
    return `'${ref}' is a ${parsed.kind}, not a ${kind}`;
  }
  const entity = await catalog.getEntityByRef(parsed, { credentials });
  // The initiator's credentials, so an entity they cannot see counts as absent.
  if (!entity) return `${stringifyEntityRef(parsed)} is not in the catalog`;
  if (entity.kind.toLowerCase() !== kind.toLowerCase()) {
    return `${stringifyEntityRef(parsed)} is a ${entity.kind}, not a ${kind}`;
  }
  return undefined;
}

async function checkOwner(lookup: CatalogLookup, owner: unknown) {
  if (typeof owner !== 'string' || owner.trim() === '') {
    return violated('owner-is-group', 'owner', 'an owner group is required');
  }
  const problem = await findProblemWithRef(lookup, owner.trim(), 'Group');
  return problem
    ? violated('owner-is-group', 'owner', problem)
    : passed('owner-is-group', 'owner');
}

function checkNamePattern(name: unknown, pattern: string): RuleResult {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    return violated(
      'name-matches-pattern',
      'namePattern',
      `'${pattern}' is not a valid regular expression`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    return violated('name-matches-pattern', 'name', 'a name is required');
  }
  return regex.test(name)
    ? passed('name-matches-pattern', 'name')
    : violated(
        'name-matches-pattern',
        'name',
        `'${name}' does not match ${pattern}`,
      );
}

async function checkNameIsFree(
  { catalog, credentials }: CatalogLookup,
  name: unknown,
): Promise<RuleResult> {
  if (typeof name !== 'string' || name === '') {
    return skipped('name-is-free', 'no name given');
  }
  // Any namespace: a repository or a DNS name taken in one is taken for all.
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'Component', 'metadata.name': name },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  if (items.length === 0) return passed('name-is-free', 'name');
  const taken = items.map(entity => stringifyEntityRef(entity)).join(', ');
  return violated(
    'name-is-free',
    'name',
    `'${name}' is already taken by ${taken}`,
  );
}

async function checkSystem(
  lookup: CatalogLookup,
  system: unknown,
  requireSystem: boolean,
): Promise<RuleResult[]> {
  const given = typeof system === 'string' && system.trim() !== '';
  const required = requireSystem
    ? [
        given
          ? passed('system-required', 'system')
          : violated(
              'system-required',
              'system',
              'this template requires a system',
            ),
      ]
    : [];
  if (!given) {
    return [...required, skipped('system-exists', 'no system given')];
  }
  const problem = await findProblemWithRef(lookup, system.trim(), 'System');
  return [
    ...required,
    problem
      ? violated('system-exists', 'system', problem)
      : passed('system-exists', 'system'),
  ];
}

async function checkTemplateVersion(
  { catalog, credentials }: CatalogLookup,
  templateInfo:
    | {
        entityRef: string;
        entity?: { metadata: { annotations?: Record<string, string> } };
      }
    | undefined,
  inputVersion: string | undefined,
): Promise<RuleResult> {
  const rule = 'template-version-supported';
  if (!templateInfo?.entityRef) {
    return skipped(rule, 'the task does not come from a template');
  }
  const templateRef = templateInfo.entityRef;
  // The catalog, not the task's copy: the platform team may have raised the
  // minimum since the template was loaded. The copy stands in for templates
  // the catalog does not hold (e.g. run from the template editor).
  const template = await catalog.getEntityByRef(templateRef, { credentials });
  const annotations =
    template?.metadata.annotations ??
    templateInfo.entity?.metadata.annotations ??
    {};
  const minimum = annotations[ANNOTATION_POLICY_MINIMUM_VERSION];
  if (!minimum) return passed(rule, 'templateVersion');

  // Failing closed: a mistyped minimum should be noticed on the first run,
  // not silently let every version through.
  if (!parseVersion(minimum)) {
    return violated(
      rule,
      'templateVersion',
      `${templateRef} has ${ANNOTATION_POLICY_MINIMUM_VERSION} '${minimum}', which is not a semver version`,
    );
  }
  const version =
    inputVersion ??
    templateInfo.entity?.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION];
  if (!version) {
    return violated(
      rule,
      'templateVersion',
      `the template version is unknown, and ${templateRef} requires at least ${minimum}; set the template's ${ANNOTATION_TEMPLATE_VERSION} annotation`,
    );
  }
  if (!parseVersion(version)) {
    return violated(
      rule,
      'templateVersion',
      `'${version}' is not a semver version`,
    );
  }
  if (compareVersions(version, minimum) < 0) {
    return violated(
      rule,
      'templateVersion',
      `version ${version} of ${templateRef} is deprecated: new services need at least ${minimum}`,
    );
  }
  return passed(rule, 'templateVersion');
}

/**
 * Creates the `paved:policy:check` action: run first in a template, it fails
 * the task before anything is created when the answers break a platform
 * policy, listing every broken rule with the field to fix.
 *
 * @public
 */
export function createPolicyCheckAction(options: { catalog: CatalogService }) {
  const { catalog } = options;
  return createTemplateAction({
    id: POLICY_CHECK_ACTION_ID,
    description:
      'Checks a new service against platform policy before anything is created: the owner is a Group in the catalog, the name matches the naming pattern and is not taken, the system exists (and is present when required), and the template version is not deprecated. Fails with every broken rule and the field to fix.',
    examples,
    // Only reads the catalog.
    supportsDryRun: true,
    schema: {
      input: {
        owner: z =>
          z.string({
            description:
              'Entity ref of the owning group, e.g. group:default/team-a (a bare name means a group in the default namespace)',
          }),
        name: z => z.string({ description: 'Name of the new service' }),
        system: z =>
          z
            .string({
              description:
                'Entity ref of the system the service belongs to, e.g. system:default/payments',
            })
            .optional(),
        namePattern: z =>
          z
            .string({
              description: `Regular expression the name must match. Defaults to '${DEFAULT_SERVICE_NAME_PATTERN}'.`,
            })
            .optional(),
        requireSystem: z =>
          z
            .boolean({
              description: 'Whether a system is required. Defaults to false.',
            })
            .optional(),
        templateVersion: z =>
          z
            .string({
              description: `Version of the template being run. Defaults to the template's '${ANNOTATION_TEMPLATE_VERSION}' annotation.`,
            })
            .optional(),
      },
      output: {
        checked: z =>
          z.array(z.string(), {
            description: 'Ids of the rules that were applied and passed',
          }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const lookup: CatalogLookup = {
        catalog,
        credentials: await ctx.getInitiatorCredentials(),
      };

      const results = (
        await Promise.all([
          checkOwner(lookup, input.owner),
          checkNamePattern(
            input.name,
            input.namePattern ?? DEFAULT_SERVICE_NAME_PATTERN,
          ),
          checkNameIsFree(lookup, input.name),
          checkSystem(lookup, input.system, input.requireSystem ?? false),
          checkTemplateVersion(lookup, ctx.templateInfo, input.templateVersion),
        ])
      ).flat();

      for (const result of results) {
        if (result.outcome === 'skipped') {
          ctx.logger.info(
            `Policy rule '${result.rule}' skipped: ${result.reason}`,
          );
        }
      }
      const violations = results.flatMap(result =>
        result.outcome === 'violated'
          ? [`rule '${result.rule}' (field ${result.field}): ${result.problem}`]
          : [],
      );
      if (violations.length > 0) {
        throw new InputError(
          `Policy check failed, fix ${
            violations.length === 1 ? 'this' : `these ${violations.length}`
          } and try again:\n- ${violations.join('\n- ')}`,
        );
      }

      const checked = results.flatMap(result =>
        result.outcome === 'passed' ? [result.rule] : [],
      );
      ctx.logger.info(`Policy check passed: ${checked.join(', ')}`);
      ctx.output('checked', checked);
    },
  });
}
