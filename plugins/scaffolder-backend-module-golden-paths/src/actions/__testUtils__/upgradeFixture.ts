import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createStampProvenanceAction } from '../stamp';

/** SCM integrations with only the defaults (github.com). */
export const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

/** The ref of the fixture template. */
export const TEMPLATE_REF = 'template:default/svc';

/** Logo bytes of each version; not valid UTF-8, so treated as binary. */
export const LOGO_V1 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]);
/** The logo of 2.0.0. */
export const LOGO_V2 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x02, 0xfe]);

const catalogInfo = (labels: boolean) =>
  [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    '  name: ${{ values.name }}',
    '  tags:',
    '    - node',
    ...(labels ? ['  labels:', '    paved.dev/tier: ${{ values.tier }}'] : []),
    'spec:',
    '  type: service',
    '  owner: ${{ values.owner }}',
    '  lifecycle: production',
    '',
  ].join('\n');

const health = 'export function health() {\n  return "ok";\n}\n';

type Tree = Record<string, string | Buffer>;

const v1: Tree = {
  'catalog-info.yaml': catalogInfo(false),
  'README.md':
    '# ${{ values.name }}\n\nA service.\n\n## Running\n\nnpm start\n',
  Dockerfile: 'FROM node:20\nCMD ["node", "index.js"]\n',
  '.nvmrc': '20\n',
  'config.yaml': 'name: ${{ values.name }}\nreplicas: 2\nport: 8080\n',
  'src/app.ts': "export const app = '${{ values.name }}';\n",
  'src/routes/health.ts': health,
  'docs/guide.md': '# Guide\n\nHow to use ${{ values.name }}.\n',
  'docs/logo.png': LOGO_V1,
  'CONTRIBUTING.md': 'Be nice.\n',
};

const v11: Tree = {
  ...v1,
  'README.md':
    '# ${{ values.name }} service\n\nA service.\n\n## Running\n\nnpm start\n',
  'src/lib/deep/util.ts': 'export const util = 1;\n',
  'scripts/run.sh': '#!/bin/sh\nexec node dist/${{ values.name }}.js\n',
  'docs/handbook.md': v1['docs/guide.md'],
  'CONTRIBUTING.md': 'Be nice.\nWrite tests.\n',
};
delete v11['docs/guide.md'];

const v2: Tree = {
  ...v11,
  'catalog-info.yaml': catalogInfo(true),
  Dockerfile: 'FROM node:22\nCMD ["node", "index.js"]\n',
  'config.yaml': 'name: ${{ values.name }}\nreplicas: 4\nport: 8080\n',
  'src/app.ts':
    "export const app = '${{ values.name }}';\nexport const v = 2;\n",
  'src/http/health.ts': `// Health checks\n${health}`,
  'docs/manual.md': v11['docs/handbook.md'],
  'docs/logo.png': LOGO_V2,
};
delete v2['.nvmrc'];
delete v2['src/routes/health.ts'];
delete v2['docs/handbook.md'];

const ownership = {
  Dockerfile: 'platform',
  '.nvmrc': 'platform',
  'scripts/': 'platform',
  'src/app.ts': 'seed',
};

/** Each version's paved.yaml. */
export const manifests = {
  '1.0.0': { version: '1.0.0', breaking: false, changes: ['First'], ownership },
  '1.1.0': {
    version: '1.1.0',
    breaking: false,
    changes: ['Adds a utility and a run script', 'Renames the guide'],
    ownership,
    renames: { 'docs/guide.md': 'docs/handbook.md' },
  },
  '2.0.0': {
    version: '2.0.0',
    breaking: true,
    changes: ['Node.js 22', 'Moves the health check to src/http/'],
    ownership,
    renames: {
      'src/routes/health.ts': 'src/http/health.ts',
      'docs/handbook.md': 'docs/manual.md',
    },
    parameters: { tier: 'standard' },
  },
};

/** The skeleton of each version. */
export const skeletons: Record<string, Tree> = {
  '1.0.0': v1,
  '1.1.0': v11,
  '2.0.0': v2,
};

function writeTree(root: string, tree: Tree) {
  for (const [file, content] of Object.entries(tree)) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/**
 * Writes the fixture template: `template.yaml` and `versions/<v>/` with a
 * skeleton and a paved.yaml for 1.0.0, 1.1.0 and 2.0.0. Returns the
 * template's location, as the scaffolder gives it.
 */
export function writeTemplate(templateDir: string): string {
  fs.mkdirSync(templateDir, { recursive: true });
  fs.writeFileSync(path.join(templateDir, 'template.yaml'), 'kind: Template\n');
  for (const [version, tree] of Object.entries(skeletons)) {
    const versionDir = path.join(templateDir, 'versions', version);
    writeTree(path.join(versionDir, 'skeleton'), tree);
    fs.writeFileSync(
      path.join(versionDir, 'paved.yaml'),
      yaml.stringify(manifests[version as keyof typeof manifests]),
    );
    const script = path.join(versionDir, 'skeleton', 'scripts', 'run.sh');
    if (fs.existsSync(script)) fs.chmodSync(script, 0o755);
  }
  return `file://${templateDir}/template.yaml`;
}

/**
 * Fresh temporary directories for an action context: the mock context would
 * hand out the workspace itself.
 */
export function temporaryDirectories(root: string) {
  return async () => {
    fs.mkdirSync(root, { recursive: true });
    return fs.mkdtempSync(path.join(root, 'tmp-'));
  };
}

/**
 * Creates a service the way a golden-path template does: the real
 * `fetch:template` renders the version's skeleton into the workspace, then
 * `paved:provenance:stamp` records it. `before` runs between the two, like
 * another step adding files.
 */
export async function createService(options: {
  templateDir: string;
  workspacePath: string;
  tmpRoot: string;
  version: string;
  values: Record<string, unknown>;
  lockPath?: string;
  before?: () => void;
}) {
  const { templateDir, workspacePath, version, values } = options;
  fs.mkdirSync(workspacePath, { recursive: true });
  const templateInfo = {
    entityRef: TEMPLATE_REF,
    baseUrl: `file://${templateDir}/template.yaml`,
    entity: { metadata: { name: 'svc', annotations: {} } },
  };
  const createTemporaryDirectory = temporaryDirectories(options.tmpRoot);

  await createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations,
  }).handler({
    ...createMockActionContext<any>({
      workspacePath,
      templateInfo,
      input: { url: `./versions/${version}/skeleton`, values },
    }),
    createTemporaryDirectory,
  });
  options.before?.();
  await createStampProvenanceAction().handler(
    createMockActionContext<any>({
      workspacePath,
      templateInfo,
      input: {
        values,
        templateVersion: version,
        ownership: manifests[version as keyof typeof manifests].ownership,
        ...(options.lockPath ? { lockPath: options.lockPath } : {}),
      },
    }),
  );
}

/**
 * A URL reader that serves `readTree` from a local directory standing in for
 * a repository at `urlPrefix`, as the GitHub reader would.
 */
export function localTreeReader(
  urlPrefix: string,
  localDir: string,
): UrlReaderService {
  return mockServices.urlReader.mock({
    readTree: async url => {
      if (!url.startsWith(urlPrefix)) {
        throw new NotFoundError(`${url} is not served`);
      }
      const source = path.join(localDir, url.slice(urlPrefix.length));
      if (!fs.existsSync(source)) throw new NotFoundError(`${url} not found`);
      return {
        etag: 'etag',
        files: async () => [],
        archive: async () => {
          throw new Error('not supported');
        },
        dir: async ({ targetDir } = {}) => {
          fs.cpSync(source, targetDir!, { recursive: true });
          return targetDir!;
        },
      };
    },
  });
}

/**
 * Every file, directory and symlink under a directory with its exact bytes
 * and mode, so a test can prove that a failed run changed nothing.
 */
export function snapshot(root: string): Record<string, string> {
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
        const mode = (fs.statSync(absolute).mode & 0o777).toString(8);
        result[key] = `${mode} ${fs.readFileSync(absolute).toString('base64')}`;
      }
    }
  };
  walk(root);
  return result;
}
