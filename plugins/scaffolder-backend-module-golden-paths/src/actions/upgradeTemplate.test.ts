import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { chainRenames, readVersionManifest } from './upgradeTemplate';

describe('chainRenames', () => {
  it('follows a file through several versions', () => {
    expect(
      chainRenames([
        { 'docs/guide.md': 'docs/handbook.md' },
        { 'docs/handbook.md': 'docs/manual.md', 'a.ts': 'b.ts' },
      ]),
    ).toEqual({ 'docs/guide.md': 'docs/manual.md', 'a.ts': 'b.ts' });
  });

  it('drops a file renamed back to where it started', () => {
    expect(chainRenames([{ 'a.ts': 'b.ts' }, { 'b.ts': 'a.ts' }])).toEqual({});
  });

  it('keeps two files swapping names apart', () => {
    expect(
      chainRenames([
        { 'a.ts': 'tmp.ts' },
        { 'tmp.ts': 'b.ts', 'b.ts': 'a.ts' },
      ]),
    ).toEqual({ 'a.ts': 'b.ts', 'b.ts': 'a.ts' });
  });
});

describe('readVersionManifest', () => {
  const mockDir = createMockDirectory();

  const read = (manifest?: string) => {
    mockDir.setContent(
      manifest === undefined ? {} : { 'paved.yaml': manifest },
    );
    return readVersionManifest(mockDir.path, '1.2.0');
  };

  it('reads what a version declares', async () => {
    await expect(
      read(
        [
          'version: 1.2.0',
          'breaking: true',
          'changes: [Node 22]',
          'ownership: { Dockerfile: platform }',
          'renames: { a.ts: src/a.ts }',
          'parameters: { port: 8080 }',
        ].join('\n'),
      ),
    ).resolves.toEqual({
      version: '1.2.0',
      breaking: true,
      changes: ['Node 22'],
      ownership: { Dockerfile: 'platform' },
      renames: { 'a.ts': 'src/a.ts' },
      parameters: { port: 8080 },
    });
  });

  it('gives a version without a manifest the defaults', async () => {
    await expect(read()).resolves.toEqual({
      version: '1.2.0',
      breaking: false,
      changes: [],
      ownership: {},
      renames: {},
      parameters: {},
    });
  });

  it.each([
    ['version: [', / is not valid YAML/],
    ['- a list', / must be a mapping/],
    ['version: 1.3.0', / says version 1\.3\.0, but is published as 1\.2\.0/],
    ['breaking: maybe', /: breaking must be true or false/],
    ['changes: a string', /: changes must be a list of strings/],
    ['ownership: { "src/*": platform }', /: ownership is invalid: .*glob/],
    ['renames: { ../a.ts: b.ts }', /: renames has '\.\.\/a\.ts'/],
    ['renames: { a.ts: /etc/b }', /: renames maps 'a\.ts' to '\/etc\/b'/],
    ['parameters: [port]', /: parameters must map parameter names/],
  ])('refuses %j', async (manifest, error) => {
    const result = read(manifest);
    await expect(result).rejects.toThrow(InputError);
    await expect(result).rejects.toThrow(
      new RegExp(`template version 1\\.2\\.0: paved\\.yaml${error.source}`),
    );
  });
});
