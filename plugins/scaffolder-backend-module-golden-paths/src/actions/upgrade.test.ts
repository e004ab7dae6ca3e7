import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { PavedLockFile } from '@paved/backstage-plugin-golden-paths-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  createService,
  integrations,
  localTreeReader,
  LOGO_V2,
  snapshot,
  temporaryDirectories,
  TEMPLATE_REF,
  writeTemplate,
} from './__testUtils__/upgradeFixture';
import { createTemplateUpgradeAction } from './upgrade';

function sha256(content: string | Buffer) {
  return createHash('sha256').update(content).digest('hex');
}

const values = { name: 'payments', owner: 'group:default/team-a' };

describe('paved:template:upgrade', () => {
  const mockDir = createMockDirectory();
  const templateDir = mockDir.resolve('template');
  const workspacePath = mockDir.resolve('workspace');
  const action = createTemplateUpgradeAction({
    reader: mockServices.urlReader.mock(),
    integrations,
  });

  const file = (relative: string) =>
    fs.readFileSync(path.join(workspacePath, relative), 'utf8');
  const exists = (relative: string) =>
    fs.existsSync(path.join(workspacePath, relative));
  const edit = (relative: string, change: (text: string) => string) =>
    fs.writeFileSync(
      path.join(workspacePath, relative),
      change(file(relative)),
    );
  const readLock = () => JSON.parse(file('.paved/lock.json')) as PavedLockFile;

  function context(input: Record<string, unknown>, workspace = workspacePath) {
    const ctx = createMockActionContext<any>({
      workspacePath: workspace,
      input,
    });
    return {
      ...ctx,
      createTemporaryDirectory: temporaryDirectories(mockDir.resolve('tmp')),
    };
  }

  async function create(version = '1.0.0', before?: () => void) {
    await createService({
      templateDir,
      workspacePath,
      tmpRoot: mockDir.resolve('tmp'),
      version,
      values,
      before,
    });
  }

  beforeEach(() => {
    mockDir.clear();
    writeTemplate(templateDir);
    fs.mkdirSync(mockDir.resolve('outside'));
    fs.writeFileSync(mockDir.resolve('outside/secret.txt'), 'do not touch\n');
  });

  it('upgrades a customised service two versions at once, keeping every customisation', async () => {
    // Another step adds a file before provenance is stamped.
    await create('1.0.0', () =>
      fs.writeFileSync(path.join(workspacePath, 'NOTES.md'), 'notes\n'),
    );
    const notesHash = readLock().files.find(f => f.path === 'NOTES.md')!;

    // The team customises the service.
    edit('README.md', text => `${text}\n## Team notes\n\nCall us.\n`);
    edit('Dockerfile', text => `${text}RUN echo custom\n`);
    edit('config.yaml', text => text.replace('replicas: 2', 'replicas: 3'));
    edit('src/app.ts', () => "export const app = 'ours';\n");
    edit('src/routes/health.ts', text => `${text}export const ready = true;\n`);
    edit('docs/guide.md', text => `${text}\nMore.\n`);
    edit('catalog-info.yaml', text =>
      text.replace(
        '  name: payments\n',
        '  name: payments\n  description: Takes money\n',
      ),
    );
    fs.rmSync(path.join(workspacePath, 'CONTRIBUTING.md'));
    fs.writeFileSync(path.join(workspacePath, 'src/custom.ts'), 'custom\n');

    const ctx = context({ targetVersion: '2.0.0', answers: { tier: 'gold' } });
    await action.handler(ctx);

    // Shared files: the team's edits and the template's, merged.
    expect(file('README.md')).toBe(
      '# payments service\n\nA service.\n\n## Running\n\nnpm start\n\n## Team notes\n\nCall us.\n',
    );
    // Renamed twice (1.1.0, then 2.0.0), edited by the team: merged at the new path.
    expect(file('docs/manual.md')).toBe(
      '# Guide\n\nHow to use payments.\n\nMore.\n',
    );
    expect(exists('docs/guide.md')).toBe(false);
    // Renamed and changed by the template, edited by the team; the emptied
    // directory is removed.
    expect(file('src/http/health.ts')).toBe(
      '// Health checks\nexport function health() {\n  return "ok";\n}\nexport const ready = true;\n',
    );
    expect(exists('src/routes')).toBe(false);
    // Platform file: replaced, the team's edit with it.
    expect(file('Dockerfile')).toBe('FROM node:22\nCMD ["node", "index.js"]\n');
    // Removed by the template and untouched by the team: deleted.
    expect(exists('.nvmrc')).toBe(false);
    // Seed file: left alone although the template changed it.
    expect(file('src/app.ts')).toBe("export const app = 'ours';\n");
    // Deleted by the team: stays deleted although the template changed it.
    expect(exists('CONTRIBUTING.md')).toBe(false);
    // Binary file: replaced byte for byte.
    expect(fs.readFileSync(path.join(workspacePath, 'docs/logo.png'))).toEqual(
      LOGO_V2,
    );
    // New files, in new nested directories, with the skeleton's mode.
    expect(file('src/lib/deep/util.ts')).toBe('export const util = 1;\n');
    expect(file('scripts/run.sh')).toBe(
      '#!/bin/sh\nexec node dist/payments.js\n',
    );
    expect(
      fs.statSync(path.join(workspacePath, 'scripts/run.sh')).mode & 0o111,
    ).not.toBe(0);
    // The team's own files are none of the upgrade's business.
    expect(file('src/custom.ts')).toBe('custom\n');
    expect(file('NOTES.md')).toBe('notes\n');

    // Exactly one conflict, marked in the file.
    expect(file('config.yaml')).toBe(
      'name: payments\n<<<<<<< service\nreplicas: 3\n=======\nreplicas: 4\n>>>>>>> template 2.0.0\nport: 8080\n',
    );
    expect(ctx.output).toHaveBeenCalledWith('conflicts', [
      {
        path: 'config.yaml',
        reason: expect.stringContaining('changed by both'),
      },
    ]);

    // catalog-info.yaml: the team's description, the template's new label
    // with the given answer, and the new version.
    const entity = parseYaml(file('catalog-info.yaml'));
    expect(entity.metadata).toEqual({
      name: 'payments',
      description: 'Takes money',
      tags: ['node'],
      labels: { 'paved.dev/tier': 'gold' },
      annotations: {
        'backstage.io/template-version': '2.0.0',
        'backstage.io/source-template': TEMPLATE_REF,
        'paved.dev/lock': '.paved/lock.json',
      },
    });
    expect(entity.spec.scaffoldedFrom).toBe(TEMPLATE_REF);

    // The lock: the new version, merged answers, and a hash for every file
    // the new version renders as it now is in the service.
    const lock = readLock();
    expect(lock).toMatchObject({
      schemaVersion: 1,
      templateRef: TEMPLATE_REF,
      version: '2.0.0',
      templateSource: `file://${templateDir}/template.yaml`,
      answers: { ...values, tier: 'gold' },
    });
    expect(lock.files.map(f => f.path)).toEqual([
      'Dockerfile',
      'NOTES.md',
      'README.md',
      'catalog-info.yaml',
      'config.yaml',
      'docs/logo.png',
      'docs/manual.md',
      'scripts/run.sh',
      'src/app.ts',
      'src/http/health.ts',
      'src/lib/deep/util.ts',
    ]);
    for (const entry of lock.files) {
      if (entry.path === 'NOTES.md') continue;
      expect({ path: entry.path, sha256: entry.sha256 }).toEqual({
        path: entry.path,
        sha256: sha256(fs.readFileSync(path.join(workspacePath, entry.path))),
      });
    }
    // A file another step added keeps its hash from creation.
    expect(lock.files.find(f => f.path === 'NOTES.md')).toEqual(notesHash);
    expect(lock.files.find(f => f.path === 'Dockerfile')?.ownership).toBe(
      'platform',
    );
    expect(lock.files.find(f => f.path === 'src/app.ts')?.ownership).toBe(
      'seed',
    );

    expect(ctx.output).toHaveBeenCalledWith('fromVersion', '1.0.0');
    expect(ctx.output).toHaveBeenCalledWith('toVersion', '2.0.0');
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      '.nvmrc',
      '.paved/lock.json',
      'Dockerfile',
      'README.md',
      'catalog-info.yaml',
      'config.yaml',
      'docs/guide.md',
      'docs/logo.png',
      'docs/manual.md',
      'scripts/run.sh',
      'src/http/health.ts',
      'src/lib/deep/util.ts',
      'src/routes/health.ts',
    ]);
    const summary = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'summary',
    )![1] as string;
    expect(summary).toContain('## Upgrade from 1.0.0 to 2.0.0');
    expect(summary).toContain('`config.yaml`');
    expect(summary).toContain('#### 2.0.0 (breaking)');
    expect(summary).toContain('- Renames the guide');
  });

  it('upgrades an untouched service step by step to exactly what 2.0.0 creates', async () => {
    await create('1.0.0');
    await action.handler(context({ targetVersion: '1.1.0' }));
    expect(readLock().version).toBe('1.1.0');
    const ctx = context({ targetVersion: '2.0.0' });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('conflicts', []);
    const upgraded = snapshot(workspacePath);
    const upgradedLock = readLock();

    fs.rmSync(workspacePath, { recursive: true });
    await createService({
      templateDir,
      workspacePath,
      tmpRoot: mockDir.resolve('tmp'),
      version: '2.0.0',
      values: { ...values, tier: 'standard' },
    });
    // The seed file is the one exception: upgrades never touch it.
    const comparable = (files: Record<string, string>) => {
      const {
        ['.paved/lock.json']: _lock,
        ['src/app.ts']: _seed,
        ...rest
      } = files;
      return rest;
    };
    expect(comparable(upgraded)).toEqual(comparable(snapshot(workspacePath)));
    const createdLock = readLock();
    expect({
      ...upgradedLock,
      files: upgradedLock.files.filter(f => f.path !== 'src/app.ts'),
    }).toEqual({
      ...createdLock,
      files: createdLock.files.filter(f => f.path !== 'src/app.ts'),
    });
  });

  it('works with a template source read through a URL reader', async () => {
    await create('1.0.0');
    const repo = 'https://github.com/acme/golden-paths';
    const urlAction = createTemplateUpgradeAction({
      // The GitHub integration reads directories as tree URLs.
      reader: localTreeReader(`${repo}/tree/main/`, mockDir.path),
      integrations,
    });
    const ctx = context({
      targetVersion: '1.1.0',
      templateSource: `${repo}/blob/main/template/template.yaml`,
    });
    await urlAction.handler(ctx);
    expect(file('src/lib/deep/util.ts')).toBe('export const util = 1;\n');
    // The recorded source stays the one the service was created from.
    expect(readLock().templateSource).toBe(
      `file://${templateDir}/template.yaml`,
    );
  });

  it('upgrades a service in a subdirectory', async () => {
    const servicePath = 'checkout/payments';
    await createService({
      templateDir,
      workspacePath: path.join(workspacePath, servicePath),
      tmpRoot: mockDir.resolve('tmp'),
      version: '1.1.0',
      values,
    });
    await action.handler(context({ servicePath, targetVersion: '2.0.0' }));
    expect(file(`${servicePath}/Dockerfile`)).toContain('node:22');
    expect(JSON.parse(file(`${servicePath}/.paved/lock.json`)).version).toBe(
      '2.0.0',
    );
  });

  it('reuses the recorded result when the task resumes after the upgrade', async () => {
    await create('1.0.0');
    const before = snapshot(workspacePath);
    const recorded = {
      fromVersion: '1.0.0',
      toVersion: '2.0.0',
      changedFiles: ['Dockerfile'],
      conflicts: [],
      summary: '## Upgrade',
    };
    const ctx = {
      ...context({ targetVersion: '2.0.0' }),
      checkpoint: jest.fn().mockResolvedValue(recorded),
    };
    await action.handler(ctx);
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'upgrade:.:2.0.0' }),
    );
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', ['Dockerfile']);
    expect(snapshot(workspacePath)).toEqual(before);
  });

  describe('refuses bad input and leaves the workspace as it was', () => {
    const cases: Array<{
      name: string;
      setup?: () => void;
      input: Record<string, unknown>;
      error: RegExp;
    }> = [
      {
        name: 'an unknown target version',
        input: { targetVersion: '9.9.9' },
        error:
          /unknown template version 9\.9\.9; published versions: 1\.0\.0, 1\.1\.0, 2\.0\.0/,
      },
      {
        name: 'a target version that is not semver',
        input: { targetVersion: 'latest' },
        error: /targetVersion 'latest' is not a semver version/,
      },
      {
        name: 'a target version equal to the current one',
        input: { targetVersion: '1.0.0' },
        error:
          /targetVersion 1\.0\.0 is not newer than the service's version 1\.0\.0/,
      },
      {
        name: 'a target version lower than the current one',
        setup: () =>
          edit('.paved/lock.json', text =>
            text.replace('"version": "1.0.0"', '"version": "1.1.0"'),
          ),
        input: { targetVersion: '1.0.0' },
        error: /not newer than the service's version 1\.1\.0/,
      },
      {
        name: 'a missing lock',
        setup: () => fs.rmSync(path.join(workspacePath, '.paved/lock.json')),
        input: { targetVersion: '2.0.0' },
        error: /lockPath '.paved\/lock.json' does not exist in the service/,
      },
      {
        name: 'a lock that is not JSON',
        setup: () => edit('.paved/lock.json', text => text.slice(0, 40)),
        input: { targetVersion: '2.0.0' },
        error: /lock file '.paved\/lock.json' is not valid JSON/,
      },
      {
        name: 'a lock of another schema version',
        setup: () =>
          edit('.paved/lock.json', text =>
            text.replace('"schemaVersion": 1', '"schemaVersion": 2'),
          ),
        input: { targetVersion: '2.0.0' },
        error: /schemaVersion must be 1, got 2/,
      },
      {
        name: 'a lock without answers',
        setup: () =>
          edit('.paved/lock.json', text =>
            JSON.stringify({ ...JSON.parse(text), answers: undefined }),
          ),
        input: { targetVersion: '2.0.0' },
        error: /answers must be an object/,
      },
      {
        name: 'a lock listing a path outside the service',
        setup: () =>
          edit('.paved/lock.json', text =>
            text.replace('"path": "Dockerfile"', '"path": "../Dockerfile"'),
          ),
        input: { targetVersion: '2.0.0' },
        error:
          /files\[\d+\]\.path "..\/Dockerfile" is not a relative path inside the service/,
      },
      {
        name: 'a lock listing an absolute path',
        setup: () =>
          edit('.paved/lock.json', text =>
            text.replace('"path": "Dockerfile"', '"path": "/etc/passwd"'),
          ),
        input: { targetVersion: '2.0.0' },
        error: /files\[\d+\]\.path "\/etc\/passwd" is not a relative path/,
      },
      {
        name: 'a lock from another template',
        setup: () =>
          edit('catalog-info.yaml', text =>
            text.replace(
              `backstage.io/source-template: ${TEMPLATE_REF}`,
              'backstage.io/source-template: template:default/other',
            ),
          ),
        input: { targetVersion: '2.0.0' },
        error: /lock is from another template/,
      },
      {
        name: 'a lock whose template the catalog names differently in spec',
        setup: () =>
          edit('catalog-info.yaml', text =>
            text.replace(
              `scaffoldedFrom: ${TEMPLATE_REF}`,
              'scaffoldedFrom: other',
            ),
          ),
        input: { targetVersion: '2.0.0' },
        error:
          /lock is from another template: .* spec\.scaffoldedFrom .* names other/,
      },
      {
        name: 'a servicePath escaping the workspace',
        input: { targetVersion: '2.0.0', servicePath: '../outside' },
        error: /servicePath '..\/outside' points outside the workspace/,
      },
      {
        name: 'an absolute servicePath',
        input: {
          targetVersion: '2.0.0',
          servicePath: mockDir.resolve('outside'),
        },
        error: /servicePath must be relative to the workspace/,
      },
      {
        name: 'a lockPath escaping the service',
        input: { targetVersion: '2.0.0', lockPath: '../outside/lock.json' },
        error: /lockPath '..\/outside\/lock.json' points outside the workspace/,
      },
      {
        name: 'a symlink in the service leading outside, where the upgrade writes',
        setup: () =>
          fs.symlinkSync(
            mockDir.resolve('outside'),
            path.join(workspacePath, 'scripts'),
          ),
        input: { targetVersion: '1.1.0' },
        error:
          /cannot write 'scripts\/run.sh' in the service: .*points outside the workspace/,
      },
      {
        name: 'a symlinked directory leading outside, holding files to update',
        setup: () => {
          fs.cpSync(
            path.join(workspacePath, 'docs'),
            mockDir.resolve('outside/docs'),
            { recursive: true },
          );
          fs.rmSync(path.join(workspacePath, 'docs'), { recursive: true });
          fs.symlinkSync(
            mockDir.resolve('outside/docs'),
            path.join(workspacePath, 'docs'),
          );
        },
        input: { targetVersion: '2.0.0' },
        error:
          /'docs\/[^']+' in the service leads outside it through a symlink/,
      },
      {
        name: 'a template source without published versions',
        input: {
          targetVersion: '2.0.0',
          templateSource: `file://${mockDir.resolve('outside')}/template.yaml`,
        },
        error: /has no versions\/ directory next to it/,
      },
      {
        name: 'a broken manifest in a version on the way',
        setup: () =>
          fs.writeFileSync(
            path.join(templateDir, 'versions/1.1.0/paved.yaml'),
            'ownership:\n  Dockerfile: owner\n',
          ),
        input: { targetVersion: '2.0.0' },
        error: /template version 1\.1\.0: paved\.yaml: ownership is invalid/,
      },
    ];

    it.each(cases.map(c => [c.name, c] as const))('%s', async (_, c) => {
      await create('1.0.0');
      c.setup?.();
      const before = snapshot(mockDir.path);
      const beforeWorkspace = snapshot(workspacePath);

      const result = action.handler(context(c.input));
      await expect(result).rejects.toThrow(InputError);
      await expect(result).rejects.toThrow(c.error);

      // Temporary directories hold fetched templates; all else is as it was.
      const after = snapshot(mockDir.path);
      const withoutTmp = (files: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(files).filter(([key]) => !key.startsWith('tmp')),
        );
      expect(withoutTmp(after)).toEqual(withoutTmp(before));
      expect(snapshot(workspacePath)).toEqual(beforeWorkspace);
    });
  });
});
