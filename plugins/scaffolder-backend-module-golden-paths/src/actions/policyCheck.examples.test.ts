import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createPolicyCheckAction } from './policyCheck';
import { examples } from './policyCheck.examples';
import { renderParameters } from './__testUtils__/examples';

const parameters: Record<string, string> = {
  owner: 'group:default/team-a',
  name: 'svc-checkout',
  system: 'system:default/payments',
};

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: {},
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'payments', namespace: 'default' },
    spec: {},
  },
];

describe('paved:policy:check examples', () => {
  const action = createPolicyCheckAction({
    catalog: catalogServiceMock({ entities }),
  });

  it('has examples', () => {
    expect(action.examples).toBe(examples);
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_, example) => {
      const steps = yaml.parse(example.example).steps as Array<{
        action: string;
        input: Record<string, unknown>;
      }>;
      // The check comes first, before anything is created.
      expect(steps[0].action).toBe(action.id);

      const input = renderParameters(steps[0].input, parameters) as Record<
        string,
        unknown
      >;
      const ctx = createMockActionContext<any>({ input });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith(
        'checked',
        expect.arrayContaining([
          'owner-is-group',
          'name-matches-pattern',
          'name-is-free',
        ]),
      );

      // And the same example stops a name its pattern does not allow.
      await expect(
        action.handler(
          createMockActionContext<any>({
            input: { ...input, name: 'Not_A_Name' },
          }),
        ),
      ).rejects.toThrow(
        "rule 'name-matches-pattern' (field name): 'Not_A_Name' does not match",
      );
    },
  );
});
