import { createMockDirectory } from '@backstage/backend-test-utils';
import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createLocalGitActions } from './localGit';
import {
  branchExamples,
  fetchExamples,
  publishExamples,
} from './localGit.examples';
import { createLocalRepo } from './localGitRepo';
import { renderParameters } from './__testUtils__/examples';

const parameters: Record<string, string> = {
  name: 'payments',
  version: '2.0.0',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

type Step = { id: string; action: string; input: Record<string, unknown> };

describe('local git examples', () => {
  const mockDir = createMockDirectory();
  const root = mockDir.resolve('repos');
  const workspacePath = mockDir.resolve('workspace');
  const actions = createLocalGitActions({ root });

  it.each([
    ['paved:localgit:publish', publishExamples],
    ['paved:localgit:fetch', fetchExamples],
    ['paved:localgit:branch', branchExamples],
  ])('%s has examples, each using it', (id, examples) => {
    const action = actions.find(a => a.id === id)!;
    expect(action.examples).toBe(examples);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const steps = yaml.parse(example.example).steps as Step[];
      expect(steps.map(step => step.action)).toContain(id);
    }
  });

  const all = [...publishExamples, ...fetchExamples, ...branchExamples];
  it.each(all.map(e => [e.description, e] as const))(
    '%s',
    async (_, example: TemplateExample) => {
      const template = yaml.parse(example.example);
      const steps = template.steps as Step[];
      mockDir.setContent({
        workspace: {
          'catalog-info.yaml': 'kind: Component\n',
          'service/README.md': '# service\n',
        },
      });
      // Anything but publish needs the service to exist already, with the
      // branches the examples name.
      if (!steps.some(step => step.action === 'paved:localgit:publish')) {
        mockDir.addContent({ seed: { 'README.md': '# payments\n' } });
        const repo = await createLocalRepo(
          root,
          'payments',
          mockDir.resolve('seed'),
          'Seed',
        );
        git(repo.repoPath, 'branch', 'release');
        git(repo.repoPath, 'branch', 'develop');
      }

      const outputs: Record<string, Record<string, unknown>> = {};
      for (const step of steps) {
        const input = renderParameters(step.input, parameters) as Record<
          string,
          unknown
        >;
        if (step.action === 'fetch:template') {
          // Stands in for rendering a skeleton: some new content lands.
          const target = path.join(
            workspacePath,
            (input.targetPath as string) ?? '.',
          );
          fs.mkdirSync(target, { recursive: true });
          fs.writeFileSync(path.join(target, 'rendered.txt'), 'rendered\n');
          continue;
        }
        const action = actions.find(a => a.id === step.action);
        expect(action).toBeDefined();
        const ctx = {
          ...createMockActionContext<any>({ input, workspacePath }),
          createTemporaryDirectory: async () =>
            fs.mkdtempSync(path.join(mockDir.path, 'tmp-')),
        };
        await action!.handler(ctx);

        const output = Object.fromEntries(
          (ctx.output as jest.Mock).mock.calls as Array<[string, unknown]>,
        );
        // Every output the schema promises is set.
        const schema = action!.schema?.output as {
          properties: Record<string, unknown>;
        };
        expect(Object.keys(output).sort()).toEqual(
          Object.keys(schema.properties).sort(),
        );
        outputs[step.id] = output;

        // Each action reports the commit now at the tip of the branch it
        // created, read or pushed.
        const branch = {
          'paved:localgit:publish': input.defaultBranch ?? 'main',
          'paved:localgit:fetch': input.branch ?? 'main',
          'paved:localgit:branch': input.branchName,
        }[step.action] as string;
        const repoPath = path.join(root, input.repoName as string);
        expect(output.commitHash).toBe(
          git(repoPath, 'rev-parse', `refs/heads/${branch}`),
        );
      }

      // The template's own outputs only refer to outputs the steps have.
      const references = JSON.stringify(template.output ?? {}).matchAll(
        /steps\.([\w-]+)\.output\.(\w+)/g,
      );
      for (const [, stepId, name] of references) {
        expect(outputs[stepId]).toHaveProperty(name);
      }
    },
  );
});
