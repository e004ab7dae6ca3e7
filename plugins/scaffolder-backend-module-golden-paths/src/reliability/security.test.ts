import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { LoggerService } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
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
import { createStampProvenanceAction } from '../actions/stamp';
import { createTemplateUpgradeAction } from '../actions/upgrade';

jest.setTimeout(120_000);

/** Every line logged, with its metadata, as one searchable string. */
function capturingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    error: (m, meta) => void lines.push(JSON.stringify([m, meta])),
    warn: (m, meta) => void lines.push(JSON.stringify([m, meta])),
    info: (m, meta) => void lines.push(JSON.stringify([m, meta])),
    debug: (m, meta) => void lines.push(JSON.stringify([m, meta])),
    child: () => logger,
  };
  return { logger, lines };
}

function allFiles(root: string): string {
  return Object.values(snapshot(root))
    .map(v => {
      const [, base64] = v.split(' ');
      return base64 ? Buffer.from(base64, 'base64').toString('utf8') : v;
    })
    .join('\n');
}

describe('action security', () => {
  const mockDir = createMockDirectory();
  const workspacePath = mockDir.resolve('workspace');
  const templateDir = mockDir.resolve('template');
  const gitRoot = mockDir.resolve('repos');
  const tmp = mockDir.resolve('tmp');
  const summary: string[] = [];
  afterAll(() => {
    for (const line of summary) process.stdout.write(`[reliability] ${line}\n`);
  });

  async function setup() {
    mockDir.clear();
    writeTemplate(templateDir);
    fs.mkdirSync(mockDir.resolve('outside'));
    fs.writeFileSync(mockDir.resolve('outside/secret.txt'), 'do not touch\n');
    await createService({
      templateDir,
      workspacePath,
      tmpRoot: tmp,
      version: '1.0.0',
      values: { name: 'payments', owner: 'group:default/team-a' },
    });
    fs.mkdirSync(gitRoot);
    await createLocalRepo(gitRoot, 'payments', workspacePath, 'Initial');
  }

  const templateInfo = {
    entityRef: 'template:default/svc',
    baseUrl: `file://${templateDir}/template.yaml`,
    entity: { metadata: { name: 'svc', annotations: {} } },
  };

  describe('secrets never reach the lock file, the outputs or the logs', () => {
    beforeEach(setup);
    const SECRET = 'S3cr3t-reliability-9d1e';
    const PASSWORD = 'hunter2-reliability-77';
    const TOKEN = 'backstage-user-token-reliability';
    const secrets = { apiToken: SECRET, backstageToken: TOKEN };
    const answers = {
      apiToken: SECRET,
      databaseUrl: `postgres://app:${SECRET}@db/app`,
      nested: { list: ['a', SECRET] },
      password: PASSWORD,
    };

    function expectNoSecret(where: string, text: string) {
      for (const value of [SECRET, PASSWORD, TOKEN]) {
        expect([where, text.includes(value)]).toEqual([where, false]);
      }
    }

    it('paved:provenance:stamp', async () => {
      const { logger, lines } = capturingLogger();
      const outputs: Record<string, unknown> = {};
      await createStampProvenanceAction().handler({
        ...createMockActionContext<any>({
          input: {
            values: { name: 'payments', ...answers },
            secretKeys: ['password'],
            templateVersion: '1.0.0',
          },
          workspacePath,
          templateInfo: templateInfo as any,
          secrets,
          logger,
        }),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
      });
      const lock = fs.readFileSync(
        path.join(workspacePath, '.paved/lock.json'),
        'utf8',
      );
      // The non-secret answer is there; the lock is really being read.
      expect(JSON.parse(lock).answers).toEqual({ name: 'payments' });
      expectNoSecret('lock file', lock);
      expectNoSecret('workspace', allFiles(workspacePath));
      expectNoSecret('outputs', JSON.stringify(outputs));
      expect(lines.length).toBeGreaterThan(0);
      expectNoSecret('logs', lines.join('\n'));
      summary.push(
        `paved:provenance:stamp: 3 secret values (task secret, secretKeys answer, secret inside answers), found in lock 0, in outputs 0, in ${lines.length} log lines 0`,
      );
    });

    it('paved:template:upgrade', async () => {
      const { logger, lines } = capturingLogger();
      const outputs: Record<string, unknown> = {};
      const action = createTemplateUpgradeAction({
        reader: mockServices.urlReader.mock(),
        integrations,
      });
      await action.handler({
        ...createMockActionContext<any>({
          input: {
            targetVersion: '2.0.0',
            answers: { ...answers, tier: 'gold' },
            secretKeys: ['password'],
          },
          workspacePath,
          secrets,
          logger,
        }),
        createTemporaryDirectory: temporaryDirectories(tmp),
        output: (name: string, value: unknown) => {
          outputs[name] = value;
        },
      });
      const lock = fs.readFileSync(
        path.join(workspacePath, '.paved/lock.json'),
        'utf8',
      );
      expect(JSON.parse(lock)).toMatchObject({
        version: '2.0.0',
        answers: { name: 'payments', tier: 'gold' },
      });
      expectNoSecret('lock file', lock);
      expectNoSecret('outputs', JSON.stringify(outputs));
      expect(lines.length).toBeGreaterThan(0);
      expectNoSecret('logs', lines.join('\n'));
      summary.push(
        `paved:template:upgrade: 3 secret values, found in lock 0, in outputs 0, in ${lines.length} log lines 0`,
      );
    });
  });

  describe('path traversal', () => {
    // Every case must leave everything as it was, so one setup serves all.
    beforeAll(setup);
    const ESCAPES = [
      '../outside',
      '../outside/secret.txt',
      'src/../../outside/secret.txt',
      '/etc/passwd',
      'C:\\Windows\\win.ini',
      '.git/config',
      'x\u0000y',
    ];
    const actions = {
      'paved:provenance:stamp': () => createStampProvenanceAction(),
      'paved:template:upgrade': () =>
        createTemplateUpgradeAction({
          reader: mockServices.urlReader.mock(),
          integrations,
        }),
      'paved:localgit:publish': () =>
        createLocalGitPublishAction({ root: gitRoot }),
      'paved:localgit:fetch': () =>
        createLocalGitFetchAction({ root: gitRoot }),
      'paved:localgit:branch': () =>
        createLocalGitBranchAction({ root: gitRoot }),
    };
    const base: Record<keyof typeof actions, Record<string, unknown>> = {
      'paved:provenance:stamp': { values: { name: 'payments' } },
      'paved:template:upgrade': { targetVersion: '2.0.0' },
      'paved:localgit:publish': { repoName: 'new-repo' },
      'paved:localgit:fetch': { repoName: 'payments' },
      'paved:localgit:branch': {
        repoName: 'payments',
        sourcePath: '.',
        branchName: 'paved/x',
        commitMessage: 'x',
      },
    };
    const fields: Array<[keyof typeof actions, string]> = [
      ['paved:provenance:stamp', 'catalogInfoPath'],
      ['paved:provenance:stamp', 'lockPath'],
      ['paved:template:upgrade', 'servicePath'],
      ['paved:template:upgrade', 'lockPath'],
      ['paved:template:upgrade', 'catalogInfoPath'],
      ['paved:localgit:publish', 'sourcePath'],
      ['paved:localgit:publish', 'repoName'],
      ['paved:localgit:fetch', 'targetPath'],
      ['paved:localgit:fetch', 'repoName'],
      ['paved:localgit:branch', 'sourcePath'],
      ['paved:localgit:branch', 'repoName'],
    ];
    const table = fields.flatMap(([action, field]) =>
      ESCAPES.map(value => [action, field, value] as const),
    );

    it.each(table)(
      '%s refuses %s %j, touching nothing',
      async (id, field, value) => {
        const before = {
          workspace: snapshot(workspacePath),
          outside: snapshot(mockDir.resolve('outside')),
          repos: snapshot(gitRoot),
        };
        const action = actions[id]();
        await expect(
          action.handler({
            ...createMockActionContext<any>({
              input: { ...base[id], [field]: value },
              workspacePath,
              templateInfo: {
                ...templateInfo,
                entity: {
                  metadata: {
                    name: 'svc',
                    annotations: { 'backstage.io/template-version': '1.0.0' },
                  },
                },
              } as any,
            }),
            createTemporaryDirectory: temporaryDirectories(tmp),
          }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining(field),
        });
        expect({
          workspace: snapshot(workspacePath),
          outside: snapshot(mockDir.resolve('outside')),
          repos: snapshot(gitRoot),
        }).toEqual(before);
      },
    );
  });
});
