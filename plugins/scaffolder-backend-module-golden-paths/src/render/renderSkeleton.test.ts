import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { FileContent } from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs';
import path from 'node:path';
import { renderSkeleton } from './renderSkeleton';
import { readTree } from '../actions/__testUtils__/readTree';

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

const values = {
  name: 'payments',
  owner: 'group:default/team-a',
  description: 'Takes money',
  lifecycle: 'production',
  repoUrl: 'github.com?owner=acme&repo=payments',
  port: 8080,
  withDocs: false,
  features: ['metrics', 'tracing'],
  database: { engine: 'postgres', version: 16 },
};

// Exercises what skeletons really use: variables in contents and paths,
// conditions and loops, whitespace control, raw blocks for GitHub Actions
// expressions, the default filters, unknown values, a file whose path
// renders empty, nested directories, binary and executable files.
const skeleton = {
  'catalog-info.yaml': [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    '  name: ${{ values.name }}',
    '  description: "${{ values.description }}"',
    '  annotations:',
    '    github.com/project-slug: ${{ values.repoUrl | projectSlug }}',
    'spec:',
    '  type: service',
    '  owner: ${{ values.owner }}',
    '  lifecycle: ${{ values.lifecycle }}',
    '{% if values.system %}  system: ${{ values.system }}',
    '{% endif %}',
  ].join('\n'),
  'README.md':
    '# ${{ values.name }}\n\nOwned by ${{ values.owner | parseEntityRef | pick("name") }}.\n' +
    '{%- for feature in values.features %}\n- ${{ feature | upper }}{% endfor %}\n' +
    'Port ${{ values.port + 1 }}, ${{ values.database.engine }} ${{ values.database.version }}.\n' +
    'Unknown: [${{ values.notGiven }}] [${{ values.database.missing }}]\n' +
    'Repo: ${{ (values.repoUrl | parseRepoUrl).repo }} ✓ ünïcödé\n',
  '.github': {
    workflows: {
      'ci.yaml':
        'name: CI\n{% raw %}concurrency: ${{ github.workflow }}-${{ github.ref }}{% endraw %}\n' +
        'jobs:\n  test:\n    name: Test ${{ values.name }}\n',
    },
  },
  src: {
    '${{ values.name }}': {
      'index.ts': "export const service = '${{ values.name }}';\n",
      nested: {
        deep: { 'file.ts': '// ${{ values.name | replace("pay", "PAY") }}\n' },
      },
    },
  },
  '{% if values.withDocs %}docs{% endif %}': { 'index.md': '# Docs\n' },
  'logo.png': Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x00, 0x24, 0x7b, 0x7b, 0xff,
  ]),
  'scripts/start.sh': '#!/bin/sh\nexec node dist/${{ values.name }}.js\n',
  'empty.txt': '',
};

function toBytes(content: FileContent): Buffer {
  return 'text' in content
    ? Buffer.from(content.text, 'utf8')
    : Buffer.from(content.binary);
}

describe('renderSkeleton', () => {
  const mockDir = createMockDirectory();

  // Renders `skeletonDir` with the real fetch:template action into `outDir`.
  async function renderWithFetchTemplate(
    templateDir: string,
    url: string,
    outName: string,
    answers: Record<string, unknown>,
  ) {
    const outDir = mockDir.resolve(outName);
    fs.mkdirSync(outDir, { recursive: true });
    const action = createFetchTemplateAction({
      reader: mockServices.urlReader.mock(),
      integrations,
    });
    let temporaryDirectories = 0;
    await action.handler({
      ...createMockActionContext<any>({
        workspacePath: outDir,
        input: { url, values: answers },
        templateInfo: {
          entityRef: 'template:default/test',
          baseUrl: `file://${templateDir}/template.yaml`,
        },
      }),
      // The mock would hand out the workspace itself.
      createTemporaryDirectory: async () => {
        const dir = mockDir.resolve(`${outName}-tmp-${temporaryDirectories++}`);
        fs.mkdirSync(dir, { recursive: true });
        return dir;
      },
    });
  }

  async function expectParity(
    templateDir: string,
    skeletonPath: string,
    answers: Record<string, unknown>,
    outName: string,
  ) {
    await renderWithFetchTemplate(templateDir, skeletonPath, outName, answers);
    const outDir = mockDir.resolve(outName);
    const expected = readTree(outDir);

    const rendered = await renderSkeleton({
      skeletonDir: path.join(templateDir, skeletonPath),
      values: answers,
      integrations,
    });

    expect([...rendered.files.keys()].sort()).toEqual(
      [...expected.keys()].sort(),
    );
    for (const [file, bytes] of expected) {
      expect({ file, content: toBytes(rendered.files.get(file)!) }).toEqual({
        file,
        content: bytes,
      });
      expect({ file, mode: rendered.modes.get(file) }).toEqual({
        file,
        mode: fs.statSync(path.join(outDir, file)).mode & 0o777,
      });
    }
    return rendered;
  }

  it('renders a skeleton exactly as fetch:template does', async () => {
    mockDir.setContent({ template: { skeleton } });
    fs.chmodSync(mockDir.resolve('template/skeleton/scripts/start.sh'), 0o755);
    const templateDir = mockDir.resolve('template');

    const rendered = await expectParity(
      templateDir,
      './skeleton',
      values,
      'out',
    );

    // And the output is what a reader of the skeleton expects.
    const text = (file: string) => {
      const content = rendered.files.get(file);
      return content && 'text' in content ? content.text : undefined;
    };
    expect(text('catalog-info.yaml')).toContain(
      'github.com/project-slug: acme/payments',
    );
    expect(text('catalog-info.yaml')).not.toContain('system:');
    expect(text('README.md')).toContain('Owned by team-a.');
    expect(text('README.md')).toContain('- METRICS');
    expect(text('README.md')).toContain('Unknown: [] []');
    expect(text('.github/workflows/ci.yaml')).toContain(
      'concurrency: ${{ github.workflow }}-${{ github.ref }}',
    );
    expect(text('src/payments/nested/deep/file.ts')).toBe('// PAYments\n');
    expect(rendered.files.has('docs/index.md')).toBe(false);
    expect(rendered.files.get('logo.png')).toEqual({
      binary: new Uint8Array(skeleton['logo.png']),
    });
    expect(rendered.modes.get('scripts/start.sh')).toBe(0o755);
  });

  it('renders a path once conditions make it non-empty, like fetch:template', async () => {
    mockDir.setContent({ template: { skeleton } });
    const rendered = await expectParity(
      mockDir.resolve('template'),
      './skeleton',
      { ...values, withDocs: true, system: 'billing' },
      'out-docs',
    );
    expect(rendered.files.get('docs/index.md')).toEqual({ text: '# Docs\n' });
    expect(rendered.files.get('catalog-info.yaml')).toEqual({
      text: expect.stringContaining('  system: billing\n'),
    });
  });

  // The shipped golden paths are what services are really created from.
  it('renders every skeleton in templates/ exactly as fetch:template does', async () => {
    const templatesDir = path.resolve(__dirname, '../../../../templates');
    const skeletons = fs.readdirSync(templatesDir).flatMap(template => {
      const versionsDir = path.join(templatesDir, template, 'versions');
      if (!fs.existsSync(versionsDir)) return [];
      return fs
        .readdirSync(versionsDir)
        .filter(version =>
          fs.existsSync(path.join(versionsDir, version, 'skeleton')),
        )
        .map(version => ({ template, version }));
    });
    expect(skeletons.length).toBeGreaterThan(0);

    const answers = {
      name: 'payments',
      owner: 'group:default/team-a',
      description: 'Takes money',
      lifecycle: 'production',
      system: 'billing',
      port: 8080,
      dataClassification: 'internal',
      repoUrl: 'github.com?owner=acme&repo=payments',
    };
    for (const { template, version } of skeletons) {
      await expectParity(
        path.join(templatesDir, template),
        `./versions/${version}/skeleton`,
        answers,
        `out-${template}-${version}`,
      );
    }
  });

  it('names the file a broken skeleton cannot render', async () => {
    mockDir.setContent({
      skeleton: { 'ok.txt': 'fine', 'bad.txt': 'oops ${{ values.name ' },
    });
    const result = renderSkeleton({
      skeletonDir: mockDir.resolve('skeleton'),
      values,
      integrations,
    });
    await expect(result).rejects.toThrow(InputError);
    await expect(result).rejects.toThrow(/skeleton file 'bad.txt'/);
  });

  it('refuses a path that renders outside the service', async () => {
    mockDir.setContent({
      skeleton: { '${{ values.name }}': { 'x.txt': 'x' } },
    });
    await expect(
      renderSkeleton({
        skeletonDir: mockDir.resolve('skeleton'),
        values: { name: '..' },
        integrations,
      }),
    ).rejects.toThrow(/renders to '..\/x.txt', outside the service/);
  });

  it('cannot be made to run code by a hostile skeleton', async () => {
    mockDir.setContent({
      skeleton: {
        'evil.txt': '${{ range.constructor("return process")().pid }}',
      },
    });
    await expect(
      renderSkeleton({
        skeletonDir: mockDir.resolve('skeleton'),
        values,
        integrations,
      }),
    ).rejects.toThrow(InputError);
  });
});
