import { InputError } from '@backstage/errors';
import {
  isSameTemplateRef,
  parseLockFile,
  readCatalogProvenance,
} from './upgradeLock';

const hash = 'a'.repeat(64);
const valid = {
  schemaVersion: 1,
  templateRef: 'template:default/node-service',
  version: '1.0.0',
  templateSource: 'file:///templates/node-service/template.yaml',
  answers: { name: 'payments' },
  files: [{ path: 'src/index.ts', sha256: hash, ownership: 'shared' }],
};

describe('parseLockFile', () => {
  const parse = (lock: unknown) =>
    parseLockFile(JSON.stringify(lock), '.paved/lock.json');

  it('reads a lock written by paved:provenance:stamp', () => {
    expect(parse(valid)).toEqual(valid);
  });

  it.each([
    ['a list', [], /must hold a JSON object/],
    ['no templateRef', { ...valid, templateRef: '' }, /templateRef must be/],
    [
      'a version that is not semver',
      { ...valid, version: 'v1' },
      /version must be a semver version, got "v1"/,
    ],
    [
      'a templateSource that is not a string',
      { ...valid, templateSource: 3 },
      /templateSource must be a URL/,
    ],
    [
      'files that are not a list',
      { ...valid, files: {} },
      /files must be a list/,
    ],
    [
      'a file that is not an object',
      { ...valid, files: ['x'] },
      /files\[0\] must be an object/,
    ],
    [
      'a path with a backslash',
      { ...valid, files: [{ ...valid.files[0], path: 'a\\b' }] },
      /files\[0\]\.path "a\\\\b" is not a relative path/,
    ],
    [
      'a path into .',
      { ...valid, files: [{ ...valid.files[0], path: './a' }] },
      /files\[0\]\.path "\.\/a"/,
    ],
    [
      'a bad hash',
      { ...valid, files: [{ ...valid.files[0], sha256: 'abc' }] },
      /files\[0\]\.sha256 is not a lowercase hex sha256/,
    ],
    [
      'an unknown ownership',
      { ...valid, files: [{ ...valid.files[0], ownership: 'team' }] },
      /files\[0\]\.ownership must be platform, shared or seed, got "team"/,
    ],
    [
      'the same path twice',
      { ...valid, files: [valid.files[0], valid.files[0]] },
      /files\[1\]\.path 'src\/index\.ts' is listed twice/,
    ],
  ])('refuses %s', (_, lock, error) => {
    expect(() => parse(lock)).toThrow(InputError);
    expect(() => parse(lock)).toThrow(error);
  });
});

describe('readCatalogProvenance', () => {
  it('reads the lock path and the template refs of the Component', () => {
    const text = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Location',
      'metadata: { name: other }',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: payments',
      '  annotations:',
      '    backstage.io/source-template: template:default/node-service',
      '    paved.dev/lock: ops/lock.json',
      'spec:',
      '  scaffoldedFrom: node-service',
    ].join('\n');
    expect(readCatalogProvenance(text, 'catalog-info.yaml')).toEqual({
      lockPath: 'ops/lock.json',
      templateRefs: [
        {
          field: 'metadata.annotations["backstage.io/source-template"]',
          ref: 'template:default/node-service',
        },
        { field: 'spec.scaffoldedFrom', ref: 'node-service' },
      ],
    });
  });

  it('finds nothing in a file without a Component', () => {
    expect(readCatalogProvenance('kind: System\n', 'c.yaml')).toEqual({
      templateRefs: [],
    });
  });

  it('refuses a file that is not YAML', () => {
    expect(() => readCatalogProvenance('a: [', 'c.yaml')).toThrow(
      /catalogInfoPath 'c.yaml' is not valid YAML/,
    );
  });
});

describe('isSameTemplateRef', () => {
  it('compares refs however they are written', () => {
    expect(
      isSameTemplateRef('node-service', 'template:default/Node-Service'),
    ).toBe(true);
    expect(
      isSameTemplateRef('default/node-service', 'template:other/node-service'),
    ).toBe(false);
  });
});
