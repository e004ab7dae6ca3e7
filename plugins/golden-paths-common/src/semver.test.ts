import {
  compareVersions,
  describeLag,
  parseVersion,
  sortVersions,
  versionLag,
} from './semver';

describe('compareVersions', () => {
  it('compares numerically, not as strings', () => {
    expect(compareVersions('1.9.0', '1.10.0')).toBeLessThan(0);
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0);
  });

  it('orders pre-releases before their release', () => {
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('2.0.0-rc.2', '2.0.0-rc.10')).toBeLessThan(0);
    expect(compareVersions('1.9.9', '2.0.0-alpha.1')).toBeLessThan(0);
  });

  it('refuses strings that are not semver', () => {
    expect(() => compareVersions('1.x', '1.0.0')).toThrow(
      /Not a semver version: '1.x'/,
    );
    expect(parseVersion('latest')).toBeUndefined();
    expect(parseVersion(' 1.2.3 ')).toBe('1.2.3');
  });
});

describe('sortVersions', () => {
  it('sorts oldest first, dedupes and drops garbage', () => {
    expect(
      sortVersions(['1.10.0', '1.9.0', 'main', '2.0.0-rc.1', '1.9.0', '2.0.0']),
    ).toEqual(['1.9.0', '1.10.0', '2.0.0-rc.1', '2.0.0']);
  });
});

describe('versionLag', () => {
  const published = ['1.0.0', '1.1.0', '1.2.0', '1.2.1', '2.0.0'];

  it('counts majors when a major is behind', () => {
    expect(versionLag('1.1.0', published)).toEqual({
      majors: 1,
      minors: 0,
      patches: 0,
      versionsBehind: 3,
    });
  });

  it('counts minors and patches within the same major', () => {
    const sameMajor = ['1.0.0', '1.1.0', '1.2.0', '1.2.3'];
    expect(versionLag('1.0.0', sameMajor)).toMatchObject({
      majors: 0,
      minors: 2,
      versionsBehind: 3,
    });
    expect(versionLag('1.2.0', sameMajor)).toMatchObject({
      minors: 0,
      patches: 3,
      versionsBehind: 1,
    });
  });

  it('is zero on the latest or a newer unpublished version', () => {
    expect(versionLag('2.0.0', published).versionsBehind).toBe(0);
    expect(versionLag('3.0.0', published).versionsBehind).toBe(0);
  });

  it('describes the lag in words', () => {
    expect(describeLag(versionLag('1.1.0', published))).toBe('1 major behind');
    expect(describeLag(versionLag('1.0.0', ['1.0.0', '1.2.0']))).toBe(
      '2 minors behind',
    );
    expect(describeLag(versionLag('1.0.0', ['1.0.0', '1.0.1']))).toBe(
      '1 patch behind',
    );
    expect(describeLag(versionLag('1.0.0', ['1.0.0', '1.0.2']))).toBe(
      '2 patches behind',
    );
    expect(describeLag(versionLag('2.0.0', published))).toBe('up to date');
  });
});
