import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  createService,
  integrations,
  localTreeReader,
  temporaryDirectories,
  writeTemplate,
} from './__testUtils__/upgradeFixture';
import { createTemplateUpgradeAction } from './upgrade';
import { examples } from './upgrade.examples';
import { renderParameters } from './__testUtils__/examples';

const parameters: Record<string, unknown> = {
  repoUrl: 'github.com?owner=acme&repo=payments',
  targetVersion: '2.0.0',
};

describe('paved:template:upgrade examples', () => {
  const mockDir = createMockDirectory();
  // The fixture template, where the examples' GitHub URL points.
  const repoDir = mockDir.resolve('repo');
  const templateDir = path.join(repoDir, 'templates/node-service');
  const workspacePath = mockDir.resolve('workspace');
  const action = createTemplateUpgradeAction({
    reader: localTreeReader(
      'https://github.com/acme/golden-paths/tree/main/',
      repoDir,
    ),
    integrations,
  });

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
      const upgradeSteps = steps.filter(step => step.action === action.id);
      expect(upgradeSteps).not.toHaveLength(0);

      for (const step of upgradeSteps) {
        mockDir.clear();
        writeTemplate(templateDir);
        const input = renderParameters(step.input, parameters) as Record<
          string,
          any
        >;
        const servicePath = input.servicePath ?? '.';
        const serviceDir = path.join(workspacePath, servicePath);
        await createService({
          templateDir,
          workspacePath: serviceDir,
          tmpRoot: mockDir.resolve('tmp'),
          version: '1.0.0',
          values: { name: 'payments', owner: 'group:default/team-a' },
          lockPath: input.lockPath,
        });

        const ctx = {
          ...createMockActionContext<any>({ workspacePath, input }),
          createTemporaryDirectory: temporaryDirectories(
            mockDir.resolve('tmp'),
          ),
        };
        await action.handler(ctx);

        expect(ctx.output).toHaveBeenCalledWith(
          'toVersion',
          input.targetVersion,
        );
        const lock = JSON.parse(
          fs.readFileSync(
            path.join(serviceDir, input.lockPath ?? '.paved/lock.json'),
            'utf8',
          ),
        );
        expect(lock.version).toBe(input.targetVersion);
        for (const [key, value] of Object.entries(input.answers ?? {})) {
          expect(lock.answers[key]).toEqual(value);
        }
      }
    },
  );
});
