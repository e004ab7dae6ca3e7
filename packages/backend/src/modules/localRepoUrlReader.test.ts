import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { localRepoReaderFactory } from './localRepoUrlReader';

describe('LocalRepoUrlReader', () => {
  const dir = createMockDirectory();

  function createReader() {
    dir.setContent({
      repos: {
        'payments-api': {
          'catalog-info.yaml': 'kind: Component\n',
          src: { 'index.ts': 'export {};\n' },
          '.git': { HEAD: 'ref: refs/heads/main\n' },
        },
      },
      'outside.txt': 'secret',
    });
    return UrlReaders.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
      factories: [localRepoReaderFactory(dir.resolve('repos'))],
    });
  }
  const url = (p: string) => pathToFileURL(dir.resolve(p)).toString();

  it('reads a file of a demo repository', async () => {
    const reader = createReader();
    const response = await reader.readUrl(
      url('repos/payments-api/catalog-info.yaml'),
    );
    expect((await response.buffer()).toString()).toBe('kind: Component\n');
    await expect(
      reader.readUrl(url('repos/payments-api/catalog-info.yaml'), {
        etag: response.etag,
      }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('reads a whole repository without its .git folder', async () => {
    const reader = createReader();
    const tree = await reader.readTree(url('repos/payments-api'));
    const files = await tree.files();
    expect(files.map(f => f.path).sort()).toEqual([
      'catalog-info.yaml',
      'src/index.ts',
    ]);
  });

  it('refuses anything outside the root, including through a symlink', async () => {
    const reader = createReader();
    await expect(reader.readUrl(url('outside.txt'))).rejects.toThrow();
    fs.symlinkSync(
      dir.resolve('outside.txt'),
      dir.resolve('repos/payments-api/escape'),
    );
    await expect(
      reader.readUrl(url('repos/payments-api/escape')),
    ).rejects.toThrow(/outside the local git root/);
    await expect(
      reader.readUrl(url('repos/payments-api/.git/HEAD')),
    ).rejects.toThrow(/\.git/);
    expect(path.isAbsolute(dir.resolve('repos'))).toBe(true);
  });

  it('finds an exact file with search and nothing for a missing one', async () => {
    const reader = createReader();
    const found = await reader.search(
      url('repos/payments-api/catalog-info.yaml'),
    );
    expect(found.files).toHaveLength(1);
    const missing = await reader.search(url('repos/payments-api/nope.yaml'));
    expect(missing.files).toHaveLength(0);
  });
});
