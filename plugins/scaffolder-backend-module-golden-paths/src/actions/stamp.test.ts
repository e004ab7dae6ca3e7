import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { PavedLockFile } from '@paved/backstage-plugin-golden-paths-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { createStampProvenanceAction } from './stamp';

const catalogInfo = `# The service's entity; edited by hand after creation.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  description: Takes money
  annotations:
    github.com/project-slug: acme/payments
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

const templateInfo = {
  entityRef: 'template:default/node-service',
  baseUrl:
    'https://github.com/acme/golden-paths/blob/main/templates/node-service/template.yaml',
  entity: {
    metadata: {
      name: 'node-service',
      annotations: { 'backstage.io/template-version': '1.4.0' },
    },
  },
};

function sha256(content: string | Buffer) {
  return createHash('sha256').update(content).digest('hex');
}

// Every file and symlink under a directory, with its exact bytes, so a test
// can prove that a failed run changed nothing, inside or outside the workspace.
function snapshot(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const absolute = path.join(dir, entry.name);
      const key = path.relative(root, absolute);
      if (entry.isSymbolicLink()) {
        result[key] = `symlink -> ${fs.readlinkSync(absolute)}`;
      } else if (entry.isDirectory()) {
        result[`${key}/`] = 'dir';
        walk(absolute);
      } else {
        result[key] = fs.readFileSync(absolute).toString('base64');
      }
    }
  };
  walk(root);
  return result;
}

describe('paved:provenance:stamp', () => {
  const mockDir = createMockDirectory();
  const workspacePath = mockDir.resolve('workspace');
  const action = createStampProvenanceAction();

  beforeEach(() => {
    mockDir.setContent({
      workspace: {
        'catalog-info.yaml': catalogInfo,
        'README.md': '# payments\n',
        'src/index.ts': 'export {};\n',
        'src/generated/client.ts': '// generated\n',
        '.github/workflows/ci.yaml': 'on: push\n',
        'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]),
        '.git/HEAD': 'ref: refs/heads/main\n',
      },
      outside: { 'secret.txt': 'do not touch\n' },
    });
  });

  type StampContext = Parameters<typeof action.handler>[0];

  // Input is loosely typed on purpose: the bad-input cases pass what the
  // scaffolder's JSON schema check would reject before reaching a handler.
  function context(
    input: Record<string, unknown>,
    options: { secrets?: Record<string, string>; templateInfo?: unknown } = {},
  ): StampContext {
    return createMockActionContext<any>({
      input: { values: { name: 'payments' }, ...input },
      workspacePath,
      templateInfo: ('templateInfo' in options
        ? options.templateInfo
        : templateInfo) as StampContext['templateInfo'],
      secrets: options.secrets,
    });
  }

  function readLock(lockPath = '.paved/lock.json'): PavedLockFile {
    return JSON.parse(
      fs.readFileSync(path.join(workspacePath, lockPath), 'utf8'),
    );
  }

  it('stamps the catalog entity and keeps what was there', async () => {
    const ctx = context({});
    await action.handler(ctx);

    const text = fs.readFileSync(
      path.join(workspacePath, 'catalog-info.yaml'),
      'utf8',
    );
    const entity = parseYaml(text);
    expect(entity.metadata.annotations).toEqual({
      'github.com/project-slug': 'acme/payments',
      'backstage.io/template-version': '1.4.0',
      'backstage.io/source-template': 'template:default/node-service',
      'paved.dev/lock': '.paved/lock.json',
    });
    expect(entity.spec).toEqual({
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/team-a',
      scaffoldedFrom: 'template:default/node-service',
    });
    expect(text).toContain(
      "# The service's entity; edited by hand after creation.",
    );

    expect(ctx.output).toHaveBeenCalledWith('version', '1.4.0');
    expect(ctx.output).toHaveBeenCalledWith(
      'templateRef',
      'template:default/node-service',
    );
    expect(ctx.output).toHaveBeenCalledWith('lockPath', '.paved/lock.json');
    expect(ctx.output).toHaveBeenCalledWith('fileCount', 6);
  });

  it('writes a lock with the hash of every file as committed, and its ownership', async () => {
    await action.handler(
      context({
        values: { name: 'payments', port: 8080 },
        ownership: {
          '.github/': 'platform',
          'src/generated/': 'platform',
          'README.md': 'seed',
        },
      }),
    );

    const lock = readLock();
    const stamped = fs.readFileSync(
      path.join(workspacePath, 'catalog-info.yaml'),
    );
    expect(lock).toEqual({
      schemaVersion: 1,
      templateRef: 'template:default/node-service',
      version: '1.4.0',
      templateSource: templateInfo.baseUrl,
      answers: { name: 'payments', port: 8080 },
      files: [
        {
          path: '.github/workflows/ci.yaml',
          sha256: sha256('on: push\n'),
          ownership: 'platform',
        },
        {
          path: 'README.md',
          sha256: sha256('# payments\n'),
          ownership: 'seed',
        },
        // The stamped file, not the rendered one: that is what lands in git.
        {
          path: 'catalog-info.yaml',
          sha256: sha256(stamped),
          ownership: 'shared',
        },
        {
          path: 'logo.png',
          sha256: sha256(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])),
          ownership: 'shared',
        },
        {
          path: 'src/generated/client.ts',
          sha256: sha256('// generated\n'),
          ownership: 'platform',
        },
        {
          path: 'src/index.ts',
          sha256: sha256('export {};\n'),
          ownership: 'shared',
        },
      ],
    });
    expect(sha256(stamped)).not.toBe(sha256(catalogInfo));
  });

  it('never writes a secret into the lock file', async () => {
    const secret = 'pa55-w0rd-xyz';
    await action.handler(
      context(
        {
          values: {
            name: 'payments',
            databasePassword: 'typed-in-plain-field',
            apiToken: secret,
            connection: `postgres://app:${secret}@db/app`,
            nested: { list: ['a', secret] },
          },
          secretKeys: ['databasePassword'],
        },
        { secrets: { apiToken: secret, backstageToken: 'user-token-abc' } },
      ),
    );

    const text = fs.readFileSync(
      path.join(workspacePath, '.paved/lock.json'),
      'utf8',
    );
    expect(text).not.toContain(secret);
    expect(text).not.toContain('typed-in-plain-field');
    expect(JSON.parse(text).answers).toEqual({ name: 'payments' });
  });

  it('stamps the first Component of a multi-document file and leaves the others alone', async () => {
    const api =
      'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-api\n';
    mockDir.addContent({
      workspace: {
        'catalog-info.yaml': `${api}---\n${catalogInfo}---\nkind: Component\nmetadata:\n  name: second\n`,
      },
    });
    await action.handler(context({}));

    const text = fs.readFileSync(
      path.join(workspacePath, 'catalog-info.yaml'),
      'utf8',
    );
    const [first, second, third] = parseAllDocuments(text).map(d => d.toJS());
    expect(text.startsWith(api)).toBe(true);
    expect(first.metadata.annotations).toBeUndefined();
    expect(second.spec.scaffoldedFrom).toBe('template:default/node-service');
    expect(third).toEqual({ kind: 'Component', metadata: { name: 'second' } });
  });

  it('creates annotations and spec when the Component has none', async () => {
    mockDir.addContent({
      workspace: {
        'catalog-info.yaml':
          'kind: Component\nmetadata:\n  name: bare\n  annotations:\n',
      },
    });
    await action.handler(context({}));
    const entity = parseYaml(
      fs.readFileSync(path.join(workspacePath, 'catalog-info.yaml'), 'utf8'),
    );
    expect(entity.metadata.annotations['backstage.io/template-version']).toBe(
      '1.4.0',
    );
    expect(entity.spec).toEqual({
      scaffoldedFrom: 'template:default/node-service',
    });
  });

  it('honours custom paths, an explicit version and source, and re-stamps idempotently', async () => {
    mockDir.addContent({
      workspace: { 'service/catalog-info.yaml': catalogInfo },
    });
    const input = {
      catalogInfoPath: './service/catalog-info.yaml',
      lockPath: 'service/.paved/lock.json',
      templateVersion: 'v2.1.0',
      templateSource: 'https://github.com/acme/golden-paths/tree/v2.1.0/node',
    };
    const ctx = context(input);
    await action.handler(ctx);

    const entity = parseYaml(
      fs.readFileSync(
        path.join(workspacePath, 'service/catalog-info.yaml'),
        'utf8',
      ),
    );
    expect(entity.metadata.annotations['paved.dev/lock']).toBe(
      'service/.paved/lock.json',
    );
    expect(entity.metadata.annotations['backstage.io/template-version']).toBe(
      '2.1.0',
    );
    const lock = readLock('service/.paved/lock.json');
    expect(lock.version).toBe('2.1.0');
    expect(lock.templateSource).toBe(input.templateSource);
    expect(lock.files.map(f => f.path)).not.toContain(
      'service/.paved/lock.json',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'lockPath',
      'service/.paved/lock.json',
    );

    // A retried step sees its own output in the workspace; the result must not change.
    const before = snapshot(workspacePath);
    await action.handler(context(input));
    expect(snapshot(workspacePath)).toEqual(before);
  });

  it('hashes a symlink by its target instead of following it', async () => {
    mockDir.addContent({
      workspace: {
        'config-link': ({ symlink }) => symlink('../outside/secret.txt'),
      },
    });
    await action.handler(context({}));
    expect(readLock().files).toContainEqual({
      path: 'config-link',
      sha256: sha256('../outside/secret.txt'),
      ownership: 'shared',
    });
  });

  it('stamps through a catalog-info.yaml symlink and hashes the file it lands in', async () => {
    mockDir.addContent({
      workspace: {
        'docs/entity.yaml': catalogInfo,
        'catalog-info.yaml': ctx => {
          fs.rmSync(ctx.path);
          ctx.symlink('docs/entity.yaml');
        },
      },
    });
    await action.handler(context({}));

    const stamped = fs.readFileSync(
      path.join(workspacePath, 'docs/entity.yaml'),
    );
    expect(parseYaml(stamped.toString()).spec.scaffoldedFrom).toBe(
      'template:default/node-service',
    );
    const files = readLock().files;
    expect(files).toContainEqual({
      path: 'docs/entity.yaml',
      sha256: sha256(stamped),
      ownership: 'shared',
    });
    expect(files).toContainEqual({
      path: 'catalog-info.yaml',
      sha256: sha256('docs/entity.yaml'),
      ownership: 'shared',
    });
  });

  it('runs the same way in a dry run, where secrets are redacted', async () => {
    const ctx = { ...context({}, { secrets: {} }), isDryRun: true };
    await action.handler(ctx);
    expect(readLock().version).toBe('1.4.0');
    expect(ctx.output).toHaveBeenCalledWith('fileCount', 6);
  });

  it('records the stamp in a checkpoint so a recovered task does not redo it', async () => {
    const ctx = context({});
    const checkpoint = jest.fn(async ({ fn }) => fn());
    await action.handler({ ...ctx, checkpoint });
    expect(checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: 'stamp:catalog-info.yaml:.paved/lock.json',
      }),
    );
    await expect(checkpoint.mock.results[0].value).resolves.toEqual({
      fileCount: 6,
      catalogInfoPath: 'catalog-info.yaml',
      lockPath: '.paved/lock.json',
    });
  });

  describe('refuses bad input and writes nothing', () => {
    const cases: Array<{
      name: string;
      input?: Record<string, unknown>;
      templateInfo?: unknown;
      workspace?: Parameters<typeof mockDir.addContent>[0];
      message: RegExp;
    }> = [
      {
        name: 'a template without a version',
        templateInfo: { ...templateInfo, entity: { metadata: { name: 'x' } } },
        message: /^templateVersion is unknown/,
      },
      {
        name: 'a version that is not semver',
        input: { templateVersion: 'latest' },
        message: /^templateVersion 'latest' is not a semver version/,
      },
      {
        name: 'a template annotation that is not semver',
        templateInfo: {
          ...templateInfo,
          entity: {
            metadata: {
              annotations: { 'backstage.io/template-version': '1.4' },
            },
          },
        },
        message: /^templateVersion '1.4' is not a semver version/,
      },
      {
        name: 'no template ref',
        templateInfo: { ...templateInfo, entityRef: undefined },
        message: /^templateRef is unknown/,
      },
      {
        name: 'no templateInfo at all',
        templateInfo: undefined,
        message: /^templateRef is unknown/,
      },
      {
        name: 'a missing catalog-info.yaml',
        input: { catalogInfoPath: 'nope.yaml' },
        message: /^catalogInfoPath 'nope.yaml' does not exist/,
      },
      {
        name: 'a catalog-info.yaml that is not YAML',
        workspace: { 'catalog-info.yaml': 'kind: Component\nmetadata: [\n' },
        message: /^catalogInfoPath 'catalog-info.yaml' is not valid YAML/,
      },
      {
        name: 'an empty catalog-info.yaml',
        workspace: { 'catalog-info.yaml': '' },
        message: /^catalogInfoPath 'catalog-info.yaml' is empty/,
      },
      {
        name: 'a catalog-info.yaml without a Component',
        workspace: { 'catalog-info.yaml': 'kind: API\nmetadata:\n  name: x\n' },
        message:
          /^catalogInfoPath 'catalog-info.yaml' has no document of kind Component/,
      },
      {
        name: 'a Component whose annotations are not a mapping',
        workspace: {
          'catalog-info.yaml':
            'kind: Component\nmetadata:\n  annotations: [a]\n',
        },
        message:
          /^catalogInfoPath 'catalog-info.yaml': metadata.annotations is not a mapping/,
      },
      {
        name: 'a catalogInfoPath that is a directory',
        input: { catalogInfoPath: 'src' },
        message: /^catalogInfoPath 'src' is not a file/,
      },
      {
        name: 'a lockPath escaping with ../',
        input: { lockPath: '../outside/lock.json' },
        message:
          /^lockPath '..\/outside\/lock.json' points outside the workspace/,
      },
      {
        name: 'an absolute lockPath',
        input: { lockPath: '/tmp/lock.json' },
        message: /^lockPath must be relative to the workspace/,
      },
      {
        name: 'an absolute lockPath inside the workspace',
        input: { lockPath: path.join(workspacePath, 'lock.json') },
        message: /^lockPath must be relative to the workspace/,
      },
      {
        name: 'a catalogInfoPath escaping with ../',
        input: { catalogInfoPath: 'src/../../outside/secret.txt' },
        message: /^catalogInfoPath '.*' points outside the workspace/,
      },
      {
        name: 'a lock directory that is a symlink out of the workspace',
        workspace: { '.paved': ({ symlink }) => symlink('../outside') },
        message: /^lockPath '.paved\/lock.json' points outside the workspace/,
      },
      {
        name: 'a catalog-info.yaml that is a symlink out of the workspace',
        workspace: {
          'catalog-info.yaml': ctx => {
            fs.rmSync(ctx.path);
            ctx.symlink('../outside/secret.txt');
          },
        },
        message:
          /^catalogInfoPath 'catalog-info.yaml' points outside the workspace/,
      },
      {
        name: 'a lock file that is a dangling symlink',
        workspace: {
          '.paved/lock.json': ({ symlink }) =>
            symlink('../../outside/new.json'),
        },
        message:
          /^lockPath '.paved\/lock.json' (points outside the workspace|is a symlink to a file that does not exist)/,
      },
      {
        name: 'a lockPath running through a file',
        input: { lockPath: 'README.md/lock.json' },
        message: /^lockPath 'README.md\/lock.json' runs through a file/,
      },
      {
        name: 'a lockPath inside .git',
        input: { lockPath: '.git/paved.json' },
        message: /^lockPath '.git\/paved.json' is inside .git/,
      },
      {
        name: 'a lockPath that is the catalog file',
        input: { lockPath: 'catalog-info.yaml' },
        message: /^lockPath and catalogInfoPath name the same file/,
      },
      {
        name: 'an ownership value outside the enum',
        input: { ownership: { 'src/': 'mine' } },
        message: /^ownership is invalid: 'src\/' has ownership 'mine'/,
      },
      {
        name: 'an ownership glob',
        input: { ownership: { 'src/**/*.ts': 'platform' } },
        message: /^ownership is invalid: 'src\/\*\*\/\*.ts' looks like a glob/,
      },
      {
        name: 'values that are not an object',
        input: { values: 'name=payments' },
        message: /^values must be an object/,
      },
      {
        name: 'secretKeys that are not a list',
        input: { secretKeys: 'password' },
        message: /^secretKeys must be a list/,
      },
    ];

    it.each(cases)('$name', async c => {
      if (c.workspace) mockDir.addContent({ workspace: c.workspace });
      const before = snapshot(mockDir.path);

      const ctx = context(
        c.input ?? {},
        'templateInfo' in c ? { templateInfo: c.templateInfo } : {},
      );
      const result = action.handler(ctx);
      await expect(result).rejects.toThrow(InputError);
      await expect(result).rejects.toThrow(c.message);

      expect(snapshot(mockDir.path)).toEqual(before);
      expect(ctx.output).not.toHaveBeenCalled();
    });
  });
});
