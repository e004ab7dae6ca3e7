/*
 * Checks the sample golden paths under templates/: that each Template entity,
 * its published versions (versions/<version>/paved.yaml + skeleton/) and its
 * changelog agree, and that every version renders the same way through
 * Backstage's fetch:template as through the renderer an upgrade uses.
 */
import {
  mockServices,
  createMockDirectory,
} from '@backstage/backend-test-utils';
import {
  Entity,
  FieldFormatEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  FILE_OWNERSHIPS,
  PavedLockFile,
  compareVersions,
  findOwnershipRuleProblems,
  parseVersion,
  resolveFileOwnership,
} from '@paved/backstage-plugin-golden-paths-common';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { renderSkeleton as renderPavedSkeleton } from './render/renderSkeleton';
import { parse as parseYaml } from 'yaml';
import { createStampProvenanceAction } from './actions/stamp';
import { createTemplateUpgradeAction } from './actions/upgrade';
import { readTree } from './actions/__testUtils__/readTree';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

type Answers = Record<string, string | number>;

type VersionManifest = {
  version: string;
  date: string;
  breaking: boolean;
  changes: string[];
  ownership: Record<string, string>;
  renames: Record<string, string>;
  parameters: Record<string, unknown>;
};

type ActionInput<A extends { handler: (ctx: any) => unknown }> = Parameters<
  A['handler']
>[0]['input'];

type TemplateStep = { id: string; action: string; input?: any };

type TemplateEntity = Entity & {
  spec: {
    owner: string;
    type: string;
    parameters: Array<{ required?: string[]; properties: Record<string, any> }>;
    steps: TemplateStep[];
    output?: any;
  };
};

/** Sample answers per golden path; `system` is left out in a second render. */
const goldenPaths: Array<{ name: string; answers: Answers }> = [
  {
    name: 'node-service',
    answers: {
      name: 'payments-api',
      description: 'Takes card payments for the storefront',
      owner: 'group:default/team-payments',
      system: 'system:default/payments',
      lifecycle: 'production',
      port: 8081,
      dataClassification: 'confidential',
    },
  },
  {
    name: 'python-service',
    answers: {
      name: 'fraud-scoring',
      description: 'Scores payments for fraud',
      owner: 'group:default/team-data',
      system: 'system:default/data-platform',
      lifecycle: 'experimental',
      port: 8001,
      tier: 'tier-1',
    },
  },
];

function readYaml<T>(file: string): T {
  return parseYaml(fs.readFileSync(file, 'utf8')) as T;
}

function readTemplate(dir: string): TemplateEntity {
  return readYaml<TemplateEntity>(path.join(dir, 'template.yaml'));
}

/** Published versions of a golden path, oldest first. */
function versionsOf(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'versions'))
    .sort((a, b) => compareVersions(a, b));
}

function manifestOf(dir: string, version: string): VersionManifest {
  return readYaml(path.join(dir, 'versions', version, 'paved.yaml'));
}

function skeletonDir(dir: string, version: string) {
  return path.join(dir, 'versions', version, 'skeleton');
}

// fetch:template copies binary files as they are; a NUL byte is what marks
// one (as it does for the isbinaryfile check the action uses).
function isBinary(content: Buffer) {
  return content.includes(0);
}

function stripRawBlocks(text: string) {
  return text.replace(/\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g, '');
}

/** Renders a skeleton the way Paved's upgrade re-renders it. */
async function renderSkeleton(
  root: string,
  values: Answers,
): Promise<Map<string, Buffer>> {
  const { files } = await renderPavedSkeleton({
    skeletonDir: root,
    values,
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  return new Map(
    [...files].map(([file, content]) => [
      file,
      'text' in content
        ? Buffer.from(content.text, 'utf8')
        : Buffer.from(content.binary),
    ]),
  );
}

function templateProperties(template: TemplateEntity): Record<string, any> {
  return Object.assign(
    {},
    ...template.spec.parameters.map(page => page.properties),
  );
}

function stepOf(template: TemplateEntity, action: string): TemplateStep {
  const step = template.spec.steps.find(s => s.action === action);
  if (!step) throw new Error(`template has no ${action} step`);
  return step;
}

function withoutSystem(answers: Answers): Answers {
  const { system: _system, ...rest } = answers;
  return rest;
}

describe.each(goldenPaths)('golden path $name', ({ name, answers }) => {
  const dir = path.join(TEMPLATES_DIR, name);
  const template = readTemplate(dir);
  const versions = versionsOf(dir);
  const latest = versions[versions.length - 1];
  const annotations = template.metadata.annotations ?? {};

  it('is a catalog Template carrying its version, changelog and policy', async () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.name).toBe(name);
    expect(template.metadata.tags).toContain('golden-path');
    expect(template.spec.owner).toBe('group:default/platform-team');
    // The checks the catalog runs on every entity's envelope and fields.
    await expect(
      new SchemaValidEntityPolicy().enforce(template),
    ).resolves.toBeDefined();
    await expect(
      new FieldFormatEntityPolicy().enforce(template),
    ).resolves.toBeDefined();

    for (const key of [
      'backstage.io/template-version',
      'paved.dev/changelog',
      'paved.dev/policy-minimum-version',
      'paved.dev/policy-warn-date',
      'paved.dev/policy-block-date',
      'paved.dev/policy-max-lag',
    ]) {
      expect(typeof annotations[key]).toBe('string');
    }
    const minimum = annotations['paved.dev/policy-minimum-version'];
    expect(versions).toContain(minimum);
    expect(annotations['paved.dev/policy-warn-date']).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
    expect(annotations['paved.dev/policy-block-date']).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
    expect(
      annotations['paved.dev/policy-warn-date'] <
        annotations['paved.dev/policy-block-date'],
    ).toBe(true);
    expect(annotations['paved.dev/policy-max-lag']).toMatch(
      /^\d+ (major|minor|patch)(e?s)?$/,
    );
  });

  it('publishes at least three versions, the newest being the template version', () => {
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect(annotations['backstage.io/template-version']).toBe(latest);
  });

  it.each(versionsOf(dir))(
    'describes version %s in a valid paved.yaml',
    version => {
      const manifest = manifestOf(dir, version);
      expect(parseVersion(version)).toBe(version);
      expect(manifest.version).toBe(version);
      expect(manifest.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof manifest.breaking).toBe('boolean');
      expect(manifest.changes.length).toBeGreaterThan(0);
      manifest.changes.forEach(change => expect(typeof change).toBe('string'));
      expect(typeof manifest.renames).toBe('object');
      expect(typeof manifest.parameters).toBe('object');

      expect(findOwnershipRuleProblems(manifest.ownership)).toEqual([]);
      for (const ownership of Object.values(manifest.ownership)) {
        expect(FILE_OWNERSHIPS).toContain(ownership);
      }
      // A rule that matches no file is stale: it would silently stop
      // protecting the file it was written for.
      const files = [...readTree(skeletonDir(dir, version)).keys()];
      for (const rule of Object.keys(manifest.ownership)) {
        const prefix = rule.replace(/\/+$/, '');
        expect({
          rule,
          matches: files.some(f => f === prefix || f.startsWith(`${prefix}/`)),
        }).toEqual({ rule, matches: true });
      }
      // The lock file is the stamp's to write, never the skeleton's.
      expect(files.filter(f => f.startsWith('.paved/'))).toEqual([]);
    },
  );

  it('dates versions in order and marks every major bump as breaking', () => {
    for (let i = 1; i < versions.length; i++) {
      const previous = manifestOf(dir, versions[i - 1]);
      const current = manifestOf(dir, versions[i]);
      expect(current.date > previous.date).toBe(true);
      const majorBump =
        Number(current.version.split('.')[0]) >
        Number(previous.version.split('.')[0]);
      expect({ version: current.version, breaking: current.breaking }).toEqual({
        version: current.version,
        breaking: majorBump,
      });
    }
  });

  it('lists exactly the published versions in its changelog annotation, newest first', () => {
    const changelog = parseYaml(annotations['paved.dev/changelog']) as Array<
      Pick<VersionManifest, 'version' | 'date' | 'breaking' | 'changes'>
    >;
    expect(changelog.map(entry => entry.version)).toEqual(
      [...versions].reverse(),
    );
    for (const entry of changelog) {
      const { version, date, breaking, changes } = manifestOf(
        dir,
        entry.version,
      );
      expect(entry).toEqual({ version, date, breaking, changes });
    }
  });

  it('mentions every version in CHANGELOG.md, marking breaking ones', () => {
    const changelog = fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
    for (const version of versions) {
      const manifest = manifestOf(dir, version);
      const section = changelog
        .split(/^## /m)
        .find(s => s.startsWith(`${version} `));
      expect(section).toBeDefined();
      expect(section).toContain(manifest.date);
      expect(section!.includes('BREAKING')).toBe(manifest.breaking);
    }
  });

  it('renders, stamps and publishes the latest version with every answer', () => {
    const fetchStep = stepOf(template, 'fetch:template');
    expect(fetchStep.input.url).toBe(`./versions/${latest}/skeleton`);

    // The stamp records the same answers fetch:template rendered with, so an
    // upgrade can re-render any version exactly.
    const stamp = stepOf(template, 'paved:provenance:stamp');
    expect(fetchStep.input.values).toBe('${{ parameters }}');
    expect(stamp.input.values).toBe('${{ parameters }}');
    expect(stamp.input.ownership).toEqual(manifestOf(dir, latest).ownership);
    // Left out so it defaults to the template's location, where every
    // version lives.
    expect(stamp.input.templateSource).toBeUndefined();

    const actions = template.spec.steps.map(s => s.action);
    expect(actions.indexOf('paved:policy:check')).toBe(0);
    expect(actions.indexOf('fetch:template')).toBeLessThan(
      actions.indexOf('paved:provenance:stamp'),
    );
    expect(actions.indexOf('paved:provenance:stamp')).toBeLessThan(
      actions.indexOf('paved:localgit:publish'),
    );
    expect(stepOf(template, 'paved:localgit:publish').input.repoName).toBe(
      '${{ parameters.name }}',
    );
  });

  it('declares renames from a file of the previous version to one of its own', () => {
    for (let i = 1; i < versions.length; i++) {
      const before = readTree(skeletonDir(dir, versions[i - 1]));
      const after = readTree(skeletonDir(dir, versions[i]));
      for (const [from, to] of Object.entries(
        manifestOf(dir, versions[i]).renames,
      )) {
        expect({
          from,
          inPrevious: before.has(from),
          gone: !after.has(from),
        }).toEqual({ from, inPrevious: true, gone: true });
        expect({ to, inThis: after.has(to), isNew: !before.has(to) }).toEqual({
          to,
          inThis: true,
          isNew: true,
        });
      }
    }
    // The 2.0.0 samples exist to demo a rename.
    expect(Object.keys(manifestOf(dir, '2.0.0').renames)).not.toHaveLength(0);
  });

  it('asks for every parameter a version introduced, with the same default', () => {
    const properties = templateProperties(template);
    for (const version of versions) {
      for (const [key, value] of Object.entries(
        manifestOf(dir, version).parameters,
      )) {
        expect({ version, key, default: properties[key]?.default }).toEqual({
          version,
          key,
          default: value,
        });
      }
    }
  });

  it.each(versionsOf(dir))(
    'uses only values.* variables and if blocks in the %s skeleton',
    version => {
      const properties = templateProperties(template);
      for (const [file, content] of readTree(skeletonDir(dir, version))) {
        if (isBinary(content)) continue;
        const text = stripRawBlocks(content.toString('utf8'));
        for (const [expression] of text.matchAll(/\$\{\{[\s\S]*?\}\}/g)) {
          const match = expression.match(
            /^\$\{\{ values\.([A-Za-z_][A-Za-z0-9_]*) \}\}$/,
          );
          expect({ file, expression, plain: Boolean(match) }).toEqual({
            file,
            expression,
            plain: true,
          });
          // A variable the form never asks for would render empty.
          expect({ file, asked: match![1] in properties }).toEqual({
            file,
            asked: true,
          });
        }
        for (const [tag] of text.matchAll(/\{%[\s\S]*?%\}/g)) {
          expect({ file, tag }).toEqual({
            file,
            tag: expect.stringMatching(
              /^\{% (if values\.[A-Za-z_][A-Za-z0-9_]*|endif) %\}$/,
            ),
          });
        }
        expect({ file, comment: text.includes('{#') }).toEqual({
          file,
          comment: false,
        });
      }
    },
  );

  it('keeps the binary logo byte for byte in every version', () => {
    const logos = versions.map(version =>
      fs.readFileSync(path.join(skeletonDir(dir, version), 'docs/logo.png')),
    );
    expect(logos[0].subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(logos[0].length).toBeLessThan(1024);
    logos.forEach(logo => expect(logo.equals(logos[0])).toBe(true));
  });

  describe.each(versionsOf(dir))('version %s rendered', version => {
    it.each([
      ['with a system', answers],
      ['without a system', withoutSystem(answers)],
    ])('%s gives a valid service', async (_label, values) => {
      const rendered = await renderSkeleton(skeletonDir(dir, version), values);

      const unparsable: string[] = [];
      const badEndings: string[] = [];
      for (const [file, content] of rendered) {
        const text = content.toString('utf8');
        expect({ file, leftover: /\{%|\$\{\{ *values\./.test(text) }).toEqual({
          file,
          leftover: false,
        });
        // Only GitHub Actions expressions, escaped in the skeleton, survive.
        for (const [expression] of text.matchAll(/\$\{\{[\s\S]*?\}\}/g)) {
          expect({ file, expression }).toEqual({
            file: expect.stringMatching(/^\.github\/workflows\//),
            expression: expect.stringMatching(
              /^\$\{\{ (github|vars|secrets)\.[a-z_.]+ \}\}$/i,
            ),
          });
        }
        // One final newline; blocks such as `{% endif %}` leave no blank line.
        if (!isBinary(content) && text !== '' && !/[^\n]\n$/.test(text)) {
          badEndings.push(file);
        }
        try {
          if (file.endsWith('.json')) JSON.parse(text);
          if (/\.ya?ml$/.test(file)) parseYaml(text);
        } catch (error) {
          unparsable.push(`${file}: ${error}`);
        }
      }
      expect(unparsable).toEqual([]);
      expect(badEndings).toEqual([]);

      const entity = parseYaml(
        rendered.get('catalog-info.yaml')!.toString('utf8'),
      ) as Entity;
      await expect(
        componentEntityV1alpha1Validator.check(entity),
      ).resolves.toBe(true);
      await expect(
        new FieldFormatEntityPolicy().enforce(entity),
      ).resolves.toBeDefined();
      expect(entity.kind).toBe('Component');
      expect(entity.metadata.name).toBe(values.name);
      expect(entity.metadata.description).toBe(values.description);
      expect(entity.metadata.annotations?.['paved.dev/dora-id']).toBe(
        values.name,
      );
      expect(entity.spec).toEqual({
        type: 'service',
        lifecycle: values.lifecycle,
        owner: values.owner,
        ...(values.system ? { system: values.system } : {}),
      });
    });

    it('renders byte for byte like Backstage fetch:template', async () => {
      const mockDir = createMockDirectory();
      const action = createFetchTemplateAction({
        reader: mockServices.urlReader.mock(),
        // Unused: a relative url under a file:// template is copied from disk.
        integrations: {} as Parameters<
          typeof createFetchTemplateAction
        >[0]['integrations'],
      });
      await action.handler(
        createMockActionContext<ActionInput<typeof action>>({
          workspacePath: mockDir.path,
          templateInfo: {
            entityRef: `template:default/${name}`,
            baseUrl: `file://${path.join(dir, 'template.yaml')}`,
          },
          input: {
            url: `./versions/${version}/skeleton`,
            values: answers,
            // The action stages the skeleton inside the workspace.
            targetPath: 'service',
          },
        }),
      );

      const expected = await renderSkeleton(skeletonDir(dir, version), answers);
      const actual = readTree(mockDir.resolve('service'));
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [file, content] of expected) {
        expect({ file, text: actual.get(file)!.toString('latin1') }).toEqual({
          file,
          text: content.toString('latin1'),
        });
      }
    });
  });

  it('is stamped by paved:provenance:stamp as the template step says', async () => {
    const mockDir = createMockDirectory();
    const rendered = await renderSkeleton(skeletonDir(dir, latest), answers);
    mockDir.setContent(Object.fromEntries(rendered));
    const stamp = stepOf(template, 'paved:provenance:stamp');

    // values is a Record<string, unknown>, which is no JsonObject.
    await createStampProvenanceAction().handler(
      createMockActionContext<any>({
        workspacePath: mockDir.path,
        templateInfo: {
          entityRef: `template:default/${name}`,
          baseUrl: `file://${path.join(dir, 'template.yaml')}`,
          entity: { metadata: { name, annotations } },
        },
        input: { values: answers, ownership: stamp.input.ownership },
      }),
    );

    const lock = JSON.parse(
      fs.readFileSync(mockDir.resolve('.paved/lock.json'), 'utf8'),
    ) as PavedLockFile;
    expect(lock.version).toBe(latest);
    expect(lock.files.map(f => f.path).sort()).toEqual(
      [...rendered.keys()].sort(),
    );
    for (const file of lock.files) {
      expect(file.ownership).toBe(
        resolveFileOwnership(file.path, stamp.input.ownership),
      );
    }
    expect(lock.files.find(f => f.path === 'Dockerfile')?.ownership).toBe(
      'platform',
    );
    const entity = parseYaml(
      fs.readFileSync(mockDir.resolve('catalog-info.yaml'), 'utf8'),
    ) as Entity;
    expect(entity.metadata.annotations?.['backstage.io/template-version']).toBe(
      latest,
    );
  });
});

describe('upgrade-service template', () => {
  const template = readTemplate(path.join(TEMPLATES_DIR, 'upgrade-service'));

  it('fetches the service, upgrades it in place and proposes a branch', async () => {
    expect(template.kind).toBe('Template');
    await expect(
      new FieldFormatEntityPolicy().enforce(template),
    ).resolves.toBeDefined();
    expect(template.spec.steps.map(s => s.action)).toEqual([
      'paved:localgit:fetch',
      'paved:template:upgrade',
      'paved:localgit:branch',
    ]);
    const [fetch, upgrade, branch] = template.spec.steps;
    // All three steps work on the same folder of the workspace.
    expect(upgrade.input.servicePath).toBe(fetch.input.targetPath);
    expect(branch.input.sourcePath).toBe(fetch.input.targetPath);
    expect(branch.input.repoName).toBe(fetch.input.repoName);
    expect(branch.input.branchName).toBe(
      'paved/upgrade-${{ parameters.targetVersion }}',
    );
    expect(branch.input.description).toBe(
      `\${{ steps.${upgrade.id}.output.summary }}`,
    );

    const properties = templateProperties(template);
    expect(properties.entityRef['ui:field']).toBe('EntityPicker');
    expect(properties.answers.type).toBe('object');
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['entityRef', 'repoName', 'targetVersion']),
    );
  });
});

describe('upgrading a node-service from 1.0.0 to 2.0.0', () => {
  const dir = path.join(TEMPLATES_DIR, 'node-service');
  const templateInfo = {
    entityRef: 'template:default/node-service',
    baseUrl: `file://${path.join(dir, 'template.yaml')}`,
    entity: { metadata: { name: 'node-service' } },
  };
  const answers = withoutSystem(goldenPaths[0].answers);
  const mockDir = createMockDirectory();
  const service = (file: string) => mockDir.resolve('workspace/service', file);
  const read = (file: string) => fs.readFileSync(service(file), 'utf8');
  const edit = (file: string, change: (text: string) => string) =>
    fs.writeFileSync(service(file), change(read(file)));

  it("replaces platform files, moves the health route and keeps the team's edits", async () => {
    // Created at 1.0.0, as the 1.0.0 template would have created it.
    const { port: _port, dataClassification: _dc, ...answersAt1 } = answers;
    mockDir.setContent({
      'workspace/service': Object.fromEntries(
        await renderSkeleton(skeletonDir(dir, '1.0.0'), answersAt1),
      ),
      tmp: {},
    });
    await createStampProvenanceAction().handler(
      // values is a Record<string, unknown>, which is no JsonObject.
      createMockActionContext<any>({
        workspacePath: mockDir.resolve('workspace/service'),
        templateInfo,
        input: {
          values: answersAt1,
          ownership: manifestOf(dir, '1.0.0').ownership,
          templateVersion: '1.0.0',
        },
      }),
    );

    // The team adds a route and documents it, and tweaks the Dockerfile.
    edit('src/index.ts', text =>
      text.replace(
        '// Your routes go here.\n',
        "// Your routes go here.\napp.get('/payments', (_req, res) => {\n  res.json([]);\n});\n\n",
      ),
    );
    edit('README.md', text =>
      text.replace(
        '## Develop',
        '## Endpoints\n\n- `GET /payments` lists payments.\n\n## Develop',
      ),
    );
    edit('Dockerfile', text => `${text}LABEL team=payments\n`);

    const action = createTemplateUpgradeAction({
      reader: mockServices.urlReader.mock(),
      integrations: {} as Parameters<
        typeof createTemplateUpgradeAction
      >[0]['integrations'],
    });
    let temporary = 0;
    const outputs: Record<string, unknown> = {};
    await action.handler({
      // answers is a Record<string, unknown>, which is no JsonObject.
      ...createMockActionContext<any>({
        workspacePath: mockDir.resolve('workspace'),
        templateInfo,
        input: { servicePath: 'service', targetVersion: '2.0.0' },
      }),
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      createTemporaryDirectory: async () => {
        const tmp = mockDir.resolve(`tmp/${temporary++}`);
        fs.mkdirSync(tmp);
        return tmp;
      },
    });

    expect(outputs.conflicts).toEqual([]);
    // Renamed (platform), removed (platform), replaced (platform).
    expect(fs.existsSync(service('src/routes/health.ts'))).toBe(false);
    expect(read('src/http/health.ts')).toContain("'/readyz'");
    expect(fs.existsSync(service('.nvmrc'))).toBe(false);
    expect(read('Dockerfile')).toContain('FROM node:22-alpine');
    expect(read('Dockerfile')).not.toContain('LABEL team=payments');
    // Shared files: the template's changes merged with the team's.
    expect(read('src/index.ts')).toContain("from './http/health'");
    expect(read('src/index.ts')).toContain("app.get('/payments'");
    expect(read('README.md')).toContain('## Endpoints');
    expect(read('README.md')).toContain('golden path, version 2.0.0.');
    // Answers new since 1.0.0 take the defaults their versions declare.
    expect(read('Dockerfile')).toContain('EXPOSE 8080');
    const entity = parseYaml(read('catalog-info.yaml')) as Entity;
    expect(entity.metadata.labels).toEqual({
      'paved.dev/data-classification': 'internal',
    });
    expect(entity.metadata.annotations?.['backstage.io/template-version']).toBe(
      '2.0.0',
    );
    const lock = JSON.parse(read('.paved/lock.json')) as PavedLockFile;
    expect(lock.version).toBe('2.0.0');
    expect(outputs.summary).toContain('src/http/health.ts');
  });
});
