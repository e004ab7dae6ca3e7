import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createStampProvenanceAction } from './stamp';
import { examples } from './stamp.examples';
import { renderParameters } from './__testUtils__/examples';

const catalogInfo =
  'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n';

const parameters: Record<string, unknown> = {
  name: 'payments',
  owner: 'group:default/team-a',
  databasePassword: 'not-in-the-lock',
};

describe('paved:provenance:stamp examples', () => {
  const mockDir = createMockDirectory();
  const action = createStampProvenanceAction();

  it('has examples', () => {
    expect(action.examples?.length).toBeGreaterThan(0);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_, example) => {
      const steps = yaml.parse(example.example).steps as Array<{
        action: string;
        input: Record<string, unknown>;
      }>;
      const stampSteps = steps.filter(step => step.action === action.id);
      expect(stampSteps).not.toHaveLength(0);

      for (const step of stampSteps) {
        const input = renderParameters(step.input, parameters) as Record<
          string,
          unknown
        >;
        const catalogInfoPath =
          (input.catalogInfoPath as string) ?? 'catalog-info.yaml';
        mockDir.setContent({
          [catalogInfoPath]: catalogInfo,
          'README.md': '# payments\n',
          '.github/workflows/ci.yaml': 'on: push\n',
        });
        // The rendered input is plain data, checked by the handler itself.
        const ctx = createMockActionContext<any>({
          input,
          workspacePath: mockDir.path,
          templateInfo: {
            entityRef: 'template:default/node-service',
            entity: {
              metadata: {
                name: 'node-service',
                annotations: { 'backstage.io/template-version': '1.4.0' },
              },
            },
          },
        });

        await action.handler(ctx);

        const lockPath = (input.lockPath as string) ?? '.paved/lock.json';
        const lock = JSON.parse(
          fs.readFileSync(path.join(mockDir.path, lockPath), 'utf8'),
        );
        expect(lock.templateRef).toBe('template:default/node-service');
        expect(lock.files.map((f: { path: string }) => f.path)).toContain(
          catalogInfoPath,
        );
        expect(ctx.output).toHaveBeenCalledWith('lockPath', lockPath);
        const secretKeys = (input.secretKeys as string[] | undefined) ?? [];
        expect(Object.keys(lock.answers)).toEqual(
          Object.keys(parameters).filter(key => !secretKeys.includes(key)),
        );
      }
    },
  );
});
