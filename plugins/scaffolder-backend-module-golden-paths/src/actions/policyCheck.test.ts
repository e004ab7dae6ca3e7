import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPolicyCheckAction } from './policyCheck';

function entity(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace, annotations },
    spec: {},
  };
}

const entities = [
  entity('Group', 'team-a'),
  entity('User', 'alice'),
  entity('System', 'payments'),
  entity('Component', 'orders'),
  entity('Component', 'billing', {}, 'finance'),
  entity('Template', 'node-service', {
    'backstage.io/template-version': '2.0.0',
    'paved.dev/policy-minimum-version': '1.10.0',
  }),
];

// What the scaffolder hands the action: the running template as it was when
// the task started.
function templateInfo(
  version?: string,
  annotations: Record<string, string> = {},
) {
  return {
    entityRef: 'template:default/node-service',
    entity: {
      metadata: {
        name: 'node-service',
        annotations: {
          ...(version ? { 'backstage.io/template-version': version } : {}),
          ...annotations,
        },
      },
    },
  };
}

const validInput = {
  owner: 'group:default/team-a',
  name: 'checkout',
  system: 'system:default/payments',
};

async function run(
  input: Record<string, unknown>,
  options: {
    catalogEntities?: Entity[];
    info?: ReturnType<typeof templateInfo> | null;
  } = {},
) {
  const catalog = catalogServiceMock({
    entities: options.catalogEntities ?? entities,
  });
  const action = createPolicyCheckAction({ catalog });
  const ctx = createMockActionContext({
    input: input as any,
    templateInfo:
      options.info === null ? undefined : options.info ?? templateInfo('2.0.0'),
  });
  await action.handler(ctx as any);
  return ctx;
}

async function failure(
  input: Record<string, unknown>,
  options?: Parameters<typeof run>[1],
): Promise<string> {
  const error = await run(input, options).then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error.message;
}

describe('paved:policy:check', () => {
  it('passes a valid service and says which rules it applied', async () => {
    const ctx = await run(validInput);
    expect(ctx.output).toHaveBeenCalledWith('checked', [
      'owner-is-group',
      'name-matches-pattern',
      'name-is-free',
      'system-exists',
      'template-version-supported',
    ]);
  });

  it('accepts a bare group name, and lists system-required when a system is required and given', async () => {
    const ctx = await run({
      owner: 'team-a',
      name: 'checkout',
      system: 'payments',
      requireSystem: true,
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'checked',
      expect.arrayContaining([
        'owner-is-group',
        'system-required',
        'system-exists',
      ]),
    );
  });

  it('collects every broken rule into one InputError naming rule and field', async () => {
    const message = await failure(
      { owner: 'user:default/alice', name: 'Orders', requireSystem: true },
      { info: templateInfo('1.9.0') },
    );
    expect(message).toBe(
      [
        'Policy check failed, fix these 5 and try again:',
        "- rule 'owner-is-group' (field owner): 'user:default/alice' is a user, not a Group",
        "- rule 'name-matches-pattern' (field name): 'Orders' does not match ^[a-z][a-z0-9-]{1,61}[a-z0-9]$",
        "- rule 'name-is-free' (field name): 'Orders' is already taken by component:default/orders",
        "- rule 'system-required' (field system): this template requires a system",
        "- rule 'template-version-supported' (field templateVersion): version 1.9.0 of template:default/node-service is deprecated: new services need at least 1.10.0",
      ].join('\n'),
    );
  });

  it.each([
    ['group:default/ghosts', 'group:default/ghosts is not in the catalog'],
    ['ghosts', 'group:default/ghosts is not in the catalog'],
    [
      'system:default/payments',
      "'system:default/payments' is a system, not a Group",
    ],
    ['group:', "'group:' is not an entity ref"],
    ['', 'an owner group is required'],
  ])('fails owner %j', async (owner, problem) => {
    expect(await failure({ ...validInput, owner })).toBe(
      `Policy check failed, fix this and try again:\n- rule 'owner-is-group' (field owner): ${problem}`,
    );
  });

  it('finds a name taken in any namespace', async () => {
    expect(await failure({ ...validInput, name: 'billing' })).toContain(
      "rule 'name-is-free' (field name): 'billing' is already taken by component:finance/billing",
    );
  });

  it('applies a custom name pattern, and reports a broken one against namePattern', async () => {
    await expect(
      run({
        ...validInput,
        name: 'svc-checkout',
        namePattern: '^svc-[a-z-]+$',
      }),
    ).resolves.toBeDefined();
    expect(
      await failure({ ...validInput, namePattern: '^svc-[a-z-]+$' }),
    ).toContain(
      "rule 'name-matches-pattern' (field name): 'checkout' does not match ^svc-[a-z-]+$",
    );
    expect(await failure({ ...validInput, namePattern: '([a-z' })).toContain(
      "rule 'name-matches-pattern' (field namePattern): '([a-z' is not a valid regular expression",
    );
  });

  it.each([
    ['system:default/missing', 'system:default/missing is not in the catalog'],
    ['group:default/team-a', "'group:default/team-a' is a group, not a System"],
  ])('fails system %j', async (system, problem) => {
    expect(await failure({ ...validInput, system })).toContain(
      `rule 'system-exists' (field system): ${problem}`,
    );
  });

  it('skips the system rules when no system is given and none is required', async () => {
    const ctx = await run({ owner: 'team-a', name: 'checkout' });
    const [[, checked]] = (ctx.output as jest.Mock).mock.calls;
    expect(checked).not.toContain('system-exists');
    expect(checked).not.toContain('system-required');
  });

  describe('template version', () => {
    it('compares by semver, so 1.10.0 meets a minimum that 1.9.0 does not', async () => {
      await expect(
        run(validInput, { info: templateInfo('1.10.0') }),
      ).resolves.toBeDefined();
      expect(
        await failure(validInput, { info: templateInfo('1.9.0') }),
      ).toContain(
        'version 1.9.0 of template:default/node-service is deprecated',
      );
    });

    it('prefers the templateVersion input over the running template', async () => {
      expect(
        await failure(
          { ...validInput, templateVersion: '1.0.0' },
          { info: templateInfo('2.0.0') },
        ),
      ).toContain(
        'version 1.0.0 of template:default/node-service is deprecated',
      );
    });

    it("reads the minimum from the catalog, since it may have been raised after the task's copy", async () => {
      // The task's copy has no minimum at all; the catalog's says 1.10.0.
      expect(
        await failure(validInput, { info: templateInfo('1.2.0') }),
      ).toContain('new services need at least 1.10.0');
    });

    it("falls back to the task's copy for a template the catalog does not hold", async () => {
      const withoutTemplate = entities.filter(e => e.kind !== 'Template');
      expect(
        await failure(validInput, {
          catalogEntities: withoutTemplate,
          info: templateInfo('1.0.0', {
            'paved.dev/policy-minimum-version': '1.1.0',
          }),
        }),
      ).toContain('new services need at least 1.1.0');
      await expect(
        run(validInput, {
          catalogEntities: withoutTemplate,
          info: templateInfo('1.0.0'),
        }),
      ).resolves.toBeDefined();
    });

    it.each([
      [
        'an unknown version',
        templateInfo(undefined),
        'the template version is unknown, and template:default/node-service requires at least 1.10.0',
      ],
      [
        'a version that is not semver',
        templateInfo('latest'),
        "'latest' is not a semver version",
      ],
    ])('fails closed on %s', async (_, info, problem) => {
      expect(await failure(validInput, { info })).toContain(
        `rule 'template-version-supported' (field templateVersion): ${problem}`,
      );
    });

    it('fails closed on a minimum that is not semver', async () => {
      const broken = entities.map(e =>
        e.kind === 'Template'
          ? entity('Template', 'node-service', {
              'paved.dev/policy-minimum-version': 'one-point-ten',
            })
          : e,
      );
      expect(await failure(validInput, { catalogEntities: broken })).toContain(
        "template:default/node-service has paved.dev/policy-minimum-version 'one-point-ten', which is not a semver version",
      );
    });

    it('skips the rule outside a template run', async () => {
      const ctx = await run(validInput, { info: null });
      const [[, checked]] = (ctx.output as jest.Mock).mock.calls;
      expect(checked).not.toContain('template-version-supported');
    });
  });

  it("asks the catalog with the initiator's credentials", async () => {
    const catalog = catalogServiceMock({ entities });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const credentials = mockCredentials.user('user:default/alice');
    const ctx = {
      ...createMockActionContext({
        input: validInput,
        templateInfo: templateInfo('2.0.0'),
      }),
      getInitiatorCredentials: async () => credentials,
    };
    await createPolicyCheckAction({ catalog }).handler(ctx as any);

    const calls = [...getEntityByRef.mock.calls, ...getEntities.mock.calls];
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call[1]).toEqual({ credentials });
    }
  });

  it('reads only, so it runs in dry runs', () => {
    const action = createPolicyCheckAction({ catalog: catalogServiceMock() });
    expect(action.supportsDryRun).toBe(true);
  });
});
