import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  ReaderFactory,
  UrlReaders,
} from '@backstage/backend-defaults/urlReader';
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PavedLockFile } from '@paved/backstage-plugin-golden-paths-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DatabaseComplianceStore } from '../../database/DatabaseComplianceStore';
import { DatabaseExemptionStore } from '../../database/DatabaseExemptionStore';
import { DatabaseTemplateVersionStore } from '../../database/DatabaseTemplateVersionStore';
import { ComplianceSweepTask } from '../../tasks/ComplianceSweepTask';
import { ComplianceService } from '../ComplianceService';
import { DatabaseSkeletonStore } from '../../database/DatabaseSkeletonStore';
import { SkeletonArchive } from '../SkeletonArchive';
import { DriftService } from './DriftService';

jest.setTimeout(60_000);

const TEMPLATE = 'template:default/node-service';

// The smallest file:// reader: what a portal's GitHub reader does, on disk.
const fileReaderFactory: ReaderFactory = ({ treeResponseFactory }) => {
  const reader: UrlReaderService = {
    async readUrl(url) {
      const buffer = await fs.readFile(fileURLToPath(url)).catch(() => {
        throw new NotFoundError(`${url} not found`);
      });
      return { buffer: async () => buffer };
    },
    async readTree(url) {
      const root = fileURLToPath(url);
      const files: Array<{ path: string; data: Readable }> = [];
      const walk = async (dir: string) => {
        for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else {
            files.push({
              path: path.relative(root, full).split(path.sep).join('/'),
              data: Readable.from(await fs.readFile(full)),
            });
          }
        }
      };
      await walk(root);
      return treeResponseFactory.fromReadableArray(files);
    },
    async search() {
      throw new Error('not supported');
    },
  };
  return [{ reader, predicate: url => url.protocol === 'file:' }];
};

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

// What each template version renders for a service called `name`.
const rendered = (version: string, name: string): Record<string, string> => ({
  'README.md': `# ${name}\n`,
  'src/index.js': 'console.log("hello");\n',
  Dockerfile: version === '1.0.0' ? 'FROM node:20\n' : 'FROM node:22\n',
});

describe('DriftService', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: string;
  let templateSource: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-drift-test-'));
    const templateDir = path.join(root, 'templates', 'node-service');
    for (const version of ['1.0.0', '2.0.0']) {
      const skeleton = path.join(templateDir, 'versions', version, 'skeleton');
      await fs.mkdir(path.join(skeleton, 'src'), { recursive: true });
      await fs.writeFile(
        path.join(skeleton, 'README.md'),
        '# ${{ values.name }}\n',
      );
      for (const [file, text] of Object.entries(rendered(version, ''))) {
        if (file !== 'README.md') {
          await fs.writeFile(path.join(skeleton, file), text);
        }
      }
    }
    await fs.writeFile(
      path.join(templateDir, 'template.yaml'),
      'kind: Template\n',
    );
    templateSource = pathToFileURL(
      path.join(templateDir, 'template.yaml'),
    ).toString();
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Writes a service repo rendered at `version`, then lets the team edit it. */
  async function createRepo(
    name: string,
    version: string,
    edit: (files: Record<string, string | undefined>) => void = () => {},
    options: { templateSource?: string } = {},
  ) {
    const dir = path.join(root, 'repos', name);
    const files: Record<string, string | undefined> = rendered(version, name);
    const lock: PavedLockFile = {
      schemaVersion: 1,
      templateRef: TEMPLATE,
      version,
      templateSource: options.templateSource ?? templateSource,
      answers: { name },
      files: Object.entries(files)
        .map(([file, text]) => ({
          path: file,
          sha256: sha256(text!),
          ownership: 'shared' as const,
        }))
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    };
    edit(files);
    files['.paved/lock.json'] = JSON.stringify(lock);
    for (const [file, text] of Object.entries(files)) {
      if (text === undefined) continue;
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), text);
    }
    return entity(name, version);
  }

  function entity(name: string, version: string): Entity {
    const catalogInfo = pathToFileURL(
      path.join(root, 'repos', name, 'catalog-info.yaml'),
    );
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: {
          'backstage.io/managed-by-location': `url:${catalogInfo}`,
          'backstage.io/template-version': version,
          'backstage.io/source-template': TEMPLATE,
        },
      },
      spec: { type: 'service', owner: 'group:default/team-a' },
    };
  }

  function createDriftService() {
    const config = mockServices.rootConfig();
    const logger = mockServices.logger.mock();
    return new DriftService({
      urlReader: UrlReaders.create({
        config,
        logger,
        factories: [fileReaderFactory],
      }),
      config,
      logger,
    });
  }

  it('classifies unchanged, team, template, both and deleted files', async () => {
    const drift = createDriftService();
    const cache = new Map();
    const read = async (e: Entity) => {
      const outcome = await drift.readDrift(e, {
        latestVersion: '2.0.0',
        cache,
      });
      if (outcome.kind !== 'drift') throw new Error(JSON.stringify(outcome));
      return outcome.drift;
    };

    const unchanged = await read(await createRepo('same', '2.0.0'));
    expect(unchanged.summary).toMatchObject({ unchanged: 3, total: 3 });
    expect(unchanged.comparedWithLatest).toBe(true);

    const team = await read(
      await createRepo('team', '2.0.0', files => {
        files['src/index.js'] = 'console.log("ours");\n';
      }),
    );
    expect(team.files.find(f => f.path === 'src/index.js')?.status).toBe(
      'changed-by-team',
    );
    expect(team.summary).toMatchObject({ unchanged: 2, 'changed-by-team': 1 });

    // Behind the latest version: the template moved Dockerfile to node 22.
    const template = await read(await createRepo('behind', '1.0.0'));
    expect(template.comparedWithLatest).toBe(true);
    expect(template.files.map(f => [f.path, f.status])).toEqual([
      ['Dockerfile', 'changed-by-template'],
      // Rendered with the service's own answers, so its name is no change.
      ['README.md', 'unchanged'],
      ['src/index.js', 'unchanged'],
    ]);

    const both = await read(
      await createRepo('both', '1.0.0', files => {
        files.Dockerfile = 'FROM node:18\n';
      }),
    );
    expect(both.files.find(f => f.path === 'Dockerfile')).toMatchObject({
      status: 'changed-by-both',
      likelyConflict: true,
    });
    expect(both.summary.likelyConflicts).toBe(1);

    const deleted = await read(
      await createRepo('gone', '2.0.0', files => {
        files['src/index.js'] = undefined;
      }),
    );
    expect(deleted.summary).toMatchObject({ deleted: 1, unchanged: 2 });
  });

  it('compares without the latest version when it cannot be rendered', async () => {
    const drift = createDriftService();
    const outcome = await drift.readDrift(
      await createRepo('lost-template', '1.0.0', () => {}, {
        templateSource: pathToFileURL(
          path.join(root, 'nowhere', 'template.yaml'),
        ).toString(),
      }),
      { latestVersion: '2.0.0', cache: new Map() },
    );
    expect(outcome).toMatchObject({
      kind: 'drift',
      drift: {
        comparedWithLatest: false,
        latestProblem: expect.stringContaining(
          'template version 2.0.0 cannot be rendered',
        ),
        summary: { unchanged: 3 },
      },
    });
  });

  it('renders the archived copy of the latest version when the source is gone', async () => {
    const knex = await databases.init('SQLITE_3');
    const config = mockServices.rootConfig();
    const logger = mockServices.logger.mock();
    const urlReader = UrlReaders.create({
      config,
      logger,
      factories: [fileReaderFactory],
    });
    const archive = new SkeletonArchive({
      urlReader,
      config,
      logger,
      store: await DatabaseSkeletonStore.create({
        database: mockServices.database({ knex }),
      }),
    });
    expect(
      await archive.archiveMissing(
        [
          {
            templateRef: TEMPLATE,
            baseUrl: templateSource,
            versions: ['2.0.0'],
          },
        ],
        new Date(),
      ),
    ).toEqual({ archived: 1, failed: 0 });
    const drift = new DriftService({ urlReader, config, logger, archive });

    // The lock points at a source that no longer exists.
    const outcome = await drift.readDrift(
      await createRepo('archived', '1.0.0', () => {}, {
        templateSource: pathToFileURL(
          path.join(root, 'moved-away', 'template.yaml'),
        ).toString(),
      }),
      { latestVersion: '2.0.0', cache: new Map() },
    );
    if (outcome.kind !== 'drift') throw new Error(JSON.stringify(outcome));
    expect(outcome.drift.comparedWithLatest).toBe(true);
    expect(outcome.drift.latestProblem).toBeUndefined();
    expect(outcome.drift.files.map(f => [f.path, f.status])).toEqual([
      ['Dockerfile', 'changed-by-template'],
      ['README.md', 'unchanged'],
      ['src/index.js', 'unchanged'],
    ]);
  });

  it.each([
    ['its source', false],
    ['its archived copy', true],
  ])(
    'pairs a file the template renamed since the service version, read from %s',
    async (_from, archived) => {
      const RENAMER = 'template:default/renamer';
      const templateDir = path.join(root, 'templates', 'renamer');
      const write = async (file: string, text: string) => {
        await fs.mkdir(path.dirname(path.join(templateDir, file)), {
          recursive: true,
        });
        await fs.writeFile(path.join(templateDir, file), text);
      };
      await write('template.yaml', 'kind: Template\n');
      await write(
        'versions/1.0.0/skeleton/README.md',
        '# ${{ values.name }}\n',
      );
      await write('versions/1.0.0/skeleton/src/old.js', 'run();\n');
      await write(
        'versions/1.1.0/skeleton/README.md',
        '# ${{ values.name }}\n',
      );
      await write('versions/1.1.0/skeleton/src/mid.js', 'run();\n');
      await write(
        'versions/1.1.0/paved.yaml',
        'version: 1.1.0\nrenames:\n  src/old.js: src/mid.js\n',
      );
      await write(
        'versions/2.0.0/skeleton/README.md',
        '# ${{ values.name }}\n',
      );
      await write('versions/2.0.0/skeleton/src/new.js', 'run();\n');
      await write(
        'versions/2.0.0/paved.yaml',
        'version: 2.0.0\nrenames:\n  src/mid.js: src/new.js\n',
      );
      const source = pathToFileURL(
        path.join(templateDir, 'template.yaml'),
      ).toString();

      const name = archived ? 'renamed-archived' : 'renamed-source';
      const files = { 'README.md': `# ${name}\n`, 'src/old.js': 'run();\n' };
      const lock: PavedLockFile = {
        schemaVersion: 1,
        templateRef: RENAMER,
        version: '1.0.0',
        templateSource: source,
        answers: { name },
        files: Object.entries(files).map(([file, text]) => ({
          path: file,
          sha256: sha256(text),
          ownership: 'shared' as const,
        })),
      };
      const repo = path.join(root, 'repos', name);
      for (const [file, text] of Object.entries({
        ...files,
        '.paved/lock.json': JSON.stringify(lock),
      })) {
        await fs.mkdir(path.dirname(path.join(repo, file)), {
          recursive: true,
        });
        await fs.writeFile(path.join(repo, file), text);
      }

      const config = mockServices.rootConfig();
      const logger = mockServices.logger.mock();
      const urlReader = UrlReaders.create({
        config,
        logger,
        factories: [fileReaderFactory],
      });
      let archive: SkeletonArchive | undefined;
      if (archived) {
        archive = new SkeletonArchive({
          urlReader,
          config,
          logger,
          store: await DatabaseSkeletonStore.create({
            database: mockServices.database({
              knex: await databases.init('SQLITE_3'),
            }),
          }),
        });
        await archive.archiveMissing(
          [
            {
              templateRef: RENAMER,
              baseUrl: source,
              versions: ['1.1.0', '2.0.0'],
            },
          ],
          new Date(),
        );
        // Only the archive has the versions now.
        await fs.rm(path.join(templateDir, 'versions'), { recursive: true });
      }
      const drift = new DriftService({ urlReader, config, logger, archive });
      const outcome = await drift.readDrift(entity(name, '1.0.0'), {
        latestVersion: '2.0.0',
        cache: new Map(),
      });
      if (outcome.kind !== 'drift') throw new Error(JSON.stringify(outcome));
      expect(outcome.drift.comparedWithLatest).toBe(true);
      expect(
        outcome.drift.files.map(f => [f.path, f.status, f.renamedFrom]),
      ).toEqual([
        ['README.md', 'unchanged', undefined],
        ['src/new.js', 'changed-by-template', 'src/old.js'],
      ]);
      expect(outcome.drift.summary).toMatchObject({ deleted: 0, added: 0 });
    },
  );

  it('marks an unreadable repository unknown and sweeps the others', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    const compliance = await DatabaseComplianceStore.create({ database });
    const auth = mockServices.auth();
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: {
            name: 'node-service',
            annotations: { 'backstage.io/template-version': '2.0.0' },
          },
          spec: {},
        },
        entity('missing', '2.0.0'),
        await createRepo('swept', '1.0.0'),
      ],
    });
    const service = new ComplianceService({
      auth,
      catalog,
      config: mockServices.rootConfig(),
      templateVersions: await DatabaseTemplateVersionStore.create({
        database,
      }),
      exemptions: await DatabaseExemptionStore.create({ database }),
      compliance,
      drift: createDriftService(),
    });
    const sweep = new ComplianceSweepTask({
      auth,
      catalog,
      service,
      store: compliance,
      logger: mockServices.logger.mock(),
    });

    const summary = await sweep.run(new Date('2026-12-04T10:00:00Z'));
    expect(summary.evaluated).toBe(2);

    const missing = await compliance.getEvaluation('component:default/missing');
    expect(missing?.state).toBe('unknown');
    expect(missing?.reasons[0]).toMatch(
      /^cannot read the repository at file:\/\/.*\/repos\/missing\/: /,
    );
    expect(missing?.drift).toBeUndefined();

    const swept = await compliance.getEvaluation('component:default/swept');
    expect(swept?.drift).toMatchObject({
      comparedWithLatest: true,
      summary: { 'changed-by-template': 1, unchanged: 2 },
      text: '1 file changed by the template',
    });
    expect(swept?.drift?.files).toHaveLength(3);
  });
});
