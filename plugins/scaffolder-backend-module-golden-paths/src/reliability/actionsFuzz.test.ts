import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fc from 'fast-check';
import fs from 'node:fs';
import {
  createService,
  integrations,
  snapshot,
  temporaryDirectories,
  writeTemplate,
} from '../actions/__testUtils__/upgradeFixture';
import {
  createLocalGitBranchAction,
  createLocalGitFetchAction,
  createLocalGitPublishAction,
} from '../actions/localGit';
import { createLocalRepo } from '../actions/localGitRepo';
import { createPolicyCheckAction } from '../actions/policyCheck';
import { createStampProvenanceAction } from '../actions/stamp';
import { createTemplateUpgradeAction } from '../actions/upgrade';
import {
  MISSING,
  badBranchName,
  badMessage,
  badRepoName,
  escapingPath,
  notAString,
  notAStringList,
  notAnObject,
  notSemver,
  withField,
} from './__testUtils__/badInputs';

jest.setTimeout(180_000);

// Per action; every action gets at least this many bad inputs.
const RUNS = Number(process.env.PAVED_FUZZ_RUNS ?? 1000);
const CONCURRENCY = 4;

const entity = (kind: string, name: string, spec: object = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec,
});

type Mutations = Record<string, fc.Arbitrary<unknown>>;

/** One field of a good input set to a bad value. */
function badInputs(valid: Record<string, unknown>, mutations: Mutations) {
  return fc.constantFrom(...Object.keys(mutations)).chain(field =>
    mutations[field].map(value => ({
      field,
      // Through JSON, as the scaffolder gets its input from a template.
      input: JSON.parse(JSON.stringify(withField(valid, field, value))),
    })),
  );
}

const noNull = <T>(a: fc.Arbitrary<T>) =>
  a.filter(v => v !== null && v !== MISSING);
const notBlank = (a: fc.Arbitrary<unknown>) =>
  a.filter(v => !(typeof v === 'string' && v.trim() === ''));

describe('fuzzing the scaffolder actions', () => {
  const mockDir = createMockDirectory();
  const workspacePath = mockDir.resolve('workspace');
  const gitRoot = mockDir.resolve('repos');
  const templateDir = mockDir.resolve('template');
  const tmp = mockDir.resolve('tmp');
  const summary: string[] = [];

  beforeAll(async () => {
    mockDir.clear();
    writeTemplate(templateDir);
    fs.mkdirSync(mockDir.resolve('outside'));
    fs.writeFileSync(mockDir.resolve('outside/secret.txt'), 'do not touch\n');
    // A stamped service at 1.0.0, and a repository of it.
    await createService({
      templateDir,
      workspacePath,
      tmpRoot: tmp,
      version: '1.0.0',
      values: { name: 'payments', owner: 'group:default/team-a' },
    });
    fs.mkdirSync(gitRoot);
    await createLocalRepo(gitRoot, 'payments', workspacePath, 'Initial');
  });

  afterAll(() => {
    for (const line of summary) {
      process.stdout.write(`[reliability] ${line}\n`);
    }
  });

  // Everything but the scaffolder's scratch space, where an action may write.
  const state = () => ({
    workspace: snapshot(workspacePath),
    outside: snapshot(mockDir.resolve('outside')),
    repos: snapshot(gitRoot),
    template: snapshot(templateDir),
  });

  /**
   * Runs the handler on every generated input, a few at a time (the git
   * actions spend most of their time waiting for git), and collects each
   * input that did not end in an InputError with a message. Set
   * PAVED_FUZZ_SEED to replay a failing run.
   */
  async function fuzz(
    name: string,
    handler: (ctx: any) => Promise<void>,
    inputs: fc.Arbitrary<{ field: string; input: Record<string, unknown> }>,
    context: (input: Record<string, unknown>) => object,
  ) {
    const before = state();
    const seed = Number(process.env.PAVED_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const samples = fc.sample(inputs, { numRuns: RUNS, seed });
    const fields = new Map<string, number>();
    const failures: Array<Record<string, string>> = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < samples.length; i = next++) {
        const { field, input } = samples[i];
        fields.set(field, (fields.get(field) ?? 0) + 1);
        let thrown: unknown;
        try {
          await handler(context(input));
        } catch (error) {
          thrown = error;
        }
        // An InputError with a message: no crash, no TypeError, no success.
        const outcome = isError(thrown)
          ? `${thrown.name}: ${thrown.message.slice(0, 300)}`
          : `no error (${String(thrown)})`;
        if (!/^InputError: \S/.test(outcome)) {
          failures.push({
            field,
            input: JSON.stringify(input).slice(0, 300),
            outcome,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const unchanged = JSON.stringify(state()) === JSON.stringify(before);
    summary.push(
      `${name}: ${samples.length} bad inputs (${[...fields]
        .map(([f, n]) => `${n} ${f}`)
        .join(', ')}), ${failures.length} not refused with an InputError, ${
        unchanged ? 'no file changed' : 'FILES CHANGED'
      }`,
    );
    return {
      seed,
      tried: samples.length,
      failures: failures.slice(0, 5),
      unchanged,
    };
  }

  /** What every fuzz run must end with. */
  const ALL_REFUSED = {
    seed: expect.any(Number),
    tried: RUNS,
    failures: [],
    unchanged: true,
  };

  const templateInfo = {
    entityRef: 'template:default/svc',
    baseUrl: `file://${templateDir}/template.yaml`,
    entity: {
      metadata: {
        name: 'svc',
        annotations: {
          'backstage.io/template-version': '1.0.0',
          'paved.dev/policy-minimum-version': '1.1.0',
        },
      },
    },
  };
  const context = (input: Record<string, unknown>) => ({
    ...createMockActionContext<any>({ input, workspacePath, templateInfo }),
    createTemporaryDirectory: temporaryDirectories(tmp),
  });

  it('paved:provenance:stamp refuses every bad input and writes nothing', async () => {
    const action = createStampProvenanceAction();
    const result = await fuzz(
      'paved:provenance:stamp',
      action.handler,
      badInputs(
        { values: { name: 'payments' } },
        {
          values: fc.oneof(fc.constant(MISSING), notAnObject),
          secretKeys: notAStringList,
          ownership: fc.oneof(
            noNull(notAnObject),
            fc.dictionary(
              fc.constantFrom('src/', 'README.md', 'Dockerfile'),
              fc.oneof(
                fc
                  .string({ maxLength: 10 })
                  .filter(s => !['platform', 'shared', 'seed'].includes(s)),
                notAString,
              ),
              { minKeys: 1, maxKeys: 3 },
            ),
            fc.constantFrom({ '../x': 'seed' }, { '/abs': 'platform' }),
          ),
          templateVersion: fc.oneof(notSemver, noNull(notAString)),
          catalogInfoPath: fc.oneof(
            escapingPath,
            noNull(notAString),
            fc.constantFrom('README.md', 'nope.yaml', 'src', 'docs/'),
          ),
          lockPath: fc.oneof(
            escapingPath,
            noNull(notAString),
            fc.constantFrom(
              'catalog-info.yaml',
              './catalog-info.yaml',
              'src',
              'README.md/lock.json',
            ),
          ),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });

  it('paved:policy:check refuses every bad input', async () => {
    const action = createPolicyCheckAction({
      catalog: catalogServiceMock({
        entities: [
          entity('Group', 'team-a', { type: 'team', children: [] }),
          entity('User', 'jane', {}),
          entity('System', 'payments', { owner: 'team-a' }),
          entity('Component', 'taken', { owner: 'team-a' }),
        ],
      }),
    });
    const refs = (kind: string) =>
      fc.oneof(
        fc.constantFrom(
          `${kind}:default/nope`,
          'user:default/jane',
          'component:default/taken',
          `${kind}:`,
          `${kind}:default/`,
          `${kind}:default/x\u0000`,
          'x'.repeat(5000),
        ),
        fc.stringMatching(/^[a-z]{3,12}$/).map(n => `${kind}:default/zz-${n}`),
      );
    const result = await fuzz(
      'paved:policy:check',
      action.handler,
      badInputs(
        {
          owner: 'group:default/team-a',
          name: 'new-service',
          system: 'system:default/payments',
          templateVersion: '1.1.0',
        },
        {
          owner: fc.oneof(fc.constant(MISSING), notAString, refs('group')),
          name: fc.oneof(
            fc.constant(MISSING),
            notAString,
            fc.constantFrom('', 'taken', 'Bad_Name', 'a', '-x', 'x'.repeat(64)),
            fc
              .string({ minLength: 1, maxLength: 20 })
              .filter(s => !/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(s)),
          ),
          system: refs('system'),
          namePattern: fc.constantFrom('[', '(', '^x$', '^[A-Z]+$', '\\'),
          templateVersion: fc.oneof(
            notSemver,
            fc.constantFrom('1.0.0', '0.0.1', '1.1.0-rc.1'),
          ),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });

  it('paved:template:upgrade refuses every bad input and writes nothing', async () => {
    const action = createTemplateUpgradeAction({
      reader: mockServices.urlReader.mock(),
      integrations,
    });
    const result = await fuzz(
      'paved:template:upgrade',
      action.handler,
      badInputs(
        { targetVersion: '2.0.0' },
        {
          targetVersion: fc.oneof(
            fc.constant(MISSING),
            notSemver,
            notAString,
            fc.constantFrom('1.0.0', '0.9.0', '1.0.0-rc.1', '9.9.9'),
          ),
          servicePath: fc.oneof(
            escapingPath,
            noNull(notAString),
            fc.constantFrom('src', 'nope', 'catalog-info.yaml'),
          ),
          answers: notAnObject,
          secretKeys: notAStringList,
          lockPath: fc.oneof(
            escapingPath,
            noNull(notAString),
            fc.constantFrom('README.md', 'nope.json', 'catalog-info.yaml'),
          ),
          catalogInfoPath: fc.oneof(
            escapingPath,
            noNull(notAString),
            fc.constantFrom('.paved/lock.json', 'src'),
          ),
          templateSource: fc.oneof(
            noNull(notAString),
            fc.constantFrom(
              '',
              `file://${mockDir.resolve('nope')}/template.yaml`,
              `file://${mockDir.resolve('outside')}/template.yaml`,
            ),
          ),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });

  it('paved:localgit:publish refuses every bad input and creates nothing', async () => {
    const action = createLocalGitPublishAction({ root: gitRoot });
    const result = await fuzz(
      'paved:localgit:publish',
      action.handler,
      badInputs(
        { repoName: 'new-repo' },
        {
          repoName: fc.oneof(
            fc.constant(MISSING),
            badRepoName,
            fc.constant('payments'),
          ),
          sourcePath: fc.oneof(
            escapingPath.filter(p => p !== ''),
            noNull(notAString),
            fc.constantFrom('catalog-info.yaml', 'nope'),
          ),
          defaultBranch: noNull(badBranchName),
          commitMessage: noNull(badMessage),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });

  it('paved:localgit:fetch refuses every bad input and writes nothing', async () => {
    const action = createLocalGitFetchAction({ root: gitRoot });
    const result = await fuzz(
      'paved:localgit:fetch',
      action.handler,
      badInputs(
        { repoName: 'payments', targetPath: 'copy' },
        {
          repoName: fc.oneof(
            fc.constant(MISSING),
            badRepoName,
            fc.constant('no-such-repo'),
          ),
          branch: fc.oneof(
            noNull(badBranchName),
            fc.constant('no-such-branch'),
          ),
          targetPath: fc.oneof(
            notBlank(escapingPath),
            noNull(notAString),
            fc.constantFrom('catalog-info.yaml', 'README.md/x'),
          ),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });

  it('paved:localgit:branch refuses every bad input and pushes nothing', async () => {
    const action = createLocalGitBranchAction({ root: gitRoot });
    const result = await fuzz(
      'paved:localgit:branch',
      action.handler,
      badInputs(
        {
          repoName: 'payments',
          sourcePath: '.',
          branchName: 'paved/upgrade-2.0.0',
          commitMessage: 'Upgrade to 2.0.0',
          description: 'What changed',
        },
        {
          repoName: fc.oneof(
            fc.constant(MISSING),
            badRepoName,
            fc.constant('no-such-repo'),
          ),
          sourcePath: fc.oneof(
            fc.constant(MISSING),
            escapingPath,
            notAString,
            fc.constantFrom('catalog-info.yaml', 'nope'),
          ),
          branchName: fc.oneof(
            fc.constant(MISSING),
            badBranchName,
            fc.constant('main'),
          ),
          baseBranch: fc.oneof(noNull(badBranchName), fc.constant('nope')),
          commitMessage: fc.oneof(fc.constant(MISSING), badMessage),
          description: fc.oneof(
            noNull(notAString),
            fc.constant('Body\u0000with NUL'),
          ),
        },
      ),
      context,
    );
    expect(result).toEqual(ALL_REFUSED);
  });
});
