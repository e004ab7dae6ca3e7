import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DatabaseSkeletonStore } from '../../database/DatabaseSkeletonStore';
import { SkeletonArchive, templateBaseUrl } from './SkeletonArchive';

jest.setTimeout(60_000);

const REF = 'template:default/node-service';

async function writeTemplate(
  root: string,
  version: string,
  files: Record<string, string>,
) {
  await fs.mkdir(path.join(root, 'versions', version), { recursive: true });
  await fs.writeFile(
    path.join(root, 'versions', version, 'paved.yaml'),
    `version: ${version}\n`,
  );
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(root, 'versions', version, 'skeleton', file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, text);
  }
}

async function readAll(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else out[child] = await fs.readFile(path.join(dir, child), 'utf8');
    }
  };
  await walk('');
  return out;
}

describe('templateBaseUrl', () => {
  const entity = (annotations: Record<string, string>): Entity => ({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 't', annotations },
  });

  it('reads url and file locations, source location first', () => {
    expect(
      templateBaseUrl(
        entity({
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/paths/blob/main/node/template.yaml',
        }),
      ),
    ).toBe('https://github.com/acme/paths/blob/main/node/template.yaml');
    expect(
      templateBaseUrl(
        entity({
          'backstage.io/managed-by-location':
            'file:/srv/templates/node/template.yaml',
        }),
      ),
    ).toBe('file:///srv/templates/node/template.yaml');
    expect(
      templateBaseUrl(
        entity({
          'backstage.io/source-location': 'url:https://example.com/src/',
          'backstage.io/managed-by-location': 'file:/srv/t.yaml',
        }),
      ),
    ).toBe('https://example.com/src/');
    expect(templateBaseUrl(entity({}))).toBeUndefined();
    expect(
      templateBaseUrl(
        entity({ 'backstage.io/managed-by-location': 'nonsense' }),
      ),
    ).toBeUndefined();
  });
});

describe('SkeletonArchive', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });
  let root: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-archive-test-'));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseSkeletonStore.create({
      database: mockServices.database({ knex }),
    });
    const logger = mockServices.logger.mock();
    const archive = new SkeletonArchive({
      urlReader: mockServices.urlReader.mock(),
      config: mockServices.rootConfig(),
      store,
      logger,
    });
    return { knex, store, archive, logger };
  }

  it.each(databases.eachSupportedId())(
    'keeps the first copy of each version, stores shared contents once and renders from the copy, on %p',
    async databaseId => {
      const { knex, store, archive } = await setup(databaseId);
      const shared = 'FROM node:22\n';
      await writeTemplate(root, '1.0.0', {
        'package.json': '{"name":"${{ values.name }}"}\n',
        Dockerfile: shared,
        'src/index.ts': 'console.log(1);\n',
      });
      await writeTemplate(root, '2.0.0', {
        'package.json': '{"name":"${{ values.name }}","v":2}\n',
        Dockerfile: shared,
      });
      const baseUrl = pathToFileURL(
        path.join(root, 'template.yaml'),
      ).toString();
      const now = new Date('2026-11-22T10:00:00Z');

      expect(
        await archive.archiveMissing(
          [
            {
              templateRef: 'Template:default/Node-Service',
              baseUrl,
              versions: ['1.0.0', '2.0.0'],
            },
          ],
          now,
        ),
      ).toEqual({ archived: 2, failed: 0 });

      const manifest = await store.getManifest(REF, '1.0.0');
      expect(manifest).toMatchObject({
        templateRef: REF,
        version: '1.0.0',
        fileCount: 4,
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(manifest!.files.map(f => f.path)).toEqual([
        'paved.yaml',
        'skeleton/Dockerfile',
        'skeleton/package.json',
        'skeleton/src/index.ts',
      ]);
      // The Dockerfile is the same in both versions: one blob; 4 distinct
      // skeleton contents plus the two paved.yaml files.
      const [{ count }] = await knex('golden_paths_skeleton_blobs').count({
        count: '*',
      });
      expect(Number(count)).toBe(6);

      // The source changes after publication; the archive keeps what was published.
      await fs.writeFile(
        path.join(root, 'versions', '1.0.0', 'skeleton', 'src', 'index.ts'),
        'tampered\n',
      );
      expect(
        await archive.archiveMissing(
          [{ templateRef: REF, baseUrl, versions: ['1.0.0', '2.0.0'] }],
          new Date('2026-11-23T10:00:00Z'),
        ),
      ).toEqual({ archived: 0, failed: 0 });
      expect((await store.getManifest(REF, '1.0.0'))!.digest).toBe(
        manifest!.digest,
      );

      const out = path.join(root, 'out');
      expect(await archive.materialize(REF, '1.0.0', out)).toBe(true);
      expect(await readAll(out)).toEqual({
        'paved.yaml': 'version: 1.0.0\n',
        'skeleton/Dockerfile': shared,
        'skeleton/package.json': '{"name":"${{ values.name }}"}\n',
        'skeleton/src/index.ts': 'console.log(1);\n',
      });
      expect(
        await archive.materialize(REF, '9.9.9', path.join(root, 'none')),
      ).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'records why a version could not be archived and tries again an hour later, on %p',
    async databaseId => {
      const { store, archive, logger } = await setup(databaseId);
      const baseUrl = pathToFileURL(
        path.join(root, 'template.yaml'),
      ).toString();
      const t0 = new Date('2026-11-22T10:00:00Z');

      expect(
        await archive.archiveMissing(
          [{ templateRef: REF, baseUrl, versions: ['3.0.0'] }],
          t0,
        ),
      ).toEqual({ archived: 0, failed: 1 });
      expect(await store.listStatuses()).toEqual([
        {
          templateRef: REF,
          version: '3.0.0',
          problem: expect.stringContaining('cannot archive versions/3.0.0:'),
          attemptedAt: t0.toISOString(),
        },
      ]);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(REF));

      await writeTemplate(root, '3.0.0', { 'README.md': '# hi\n' });
      // Too soon: not tried again.
      expect(
        await archive.archiveMissing(
          [{ templateRef: REF, baseUrl, versions: ['3.0.0'] }],
          new Date('2026-11-22T10:30:00Z'),
        ),
      ).toEqual({ archived: 0, failed: 0 });
      expect(
        await archive.archiveMissing(
          [{ templateRef: REF, baseUrl, versions: ['3.0.0'] }],
          new Date('2026-11-22T11:00:01Z'),
        ),
      ).toEqual({ archived: 1, failed: 0 });
      const [status] = await store.listStatuses();
      expect(status).toMatchObject({ fileCount: 2, totalBytes: 5 + 15 });
      expect(status.problem).toBeUndefined();

      // A template without a location cannot be archived, and says so.
      expect(
        await archive.archiveMissing(
          [{ templateRef: 'template:default/x', versions: ['1.0.0'] }],
          t0,
        ),
      ).toEqual({ archived: 0, failed: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one copy when two replicas archive the same version at once, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const files = [
        { path: 'a.txt', content: Buffer.from('a') },
        { path: 'b/c.txt', content: Buffer.from('c') },
      ];
      const now = new Date('2026-11-22T10:00:00Z');
      const digests = await Promise.all([
        store.save(REF, '1.0.0', files, now),
        store.save(REF, '1.0.0', files, now),
      ]);
      expect(digests[0]).toBe(digests[1]);
      expect((await store.getManifest(REF, '1.0.0'))!.files).toEqual([
        { path: 'a.txt', sha256: expect.any(String), size: 1 },
        { path: 'b/c.txt', sha256: expect.any(String), size: 1 },
      ]);
      // A later save with other contents does not replace the first copy.
      expect(
        await store.save(
          REF,
          '1.0.0',
          [{ path: 'z', content: Buffer.from('z') }],
          now,
        ),
      ).toBe(digests[0]);
      expect(
        (await store.readFiles(REF, '1.0.0'))!.map(f => f.content.toString()),
      ).toEqual(['a', 'c']);
    },
  );
});
