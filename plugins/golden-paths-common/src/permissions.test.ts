import { isResourcePermission } from '@backstage/plugin-permission-common';
import { goldenPathsPermissions } from './permissions';

describe('goldenPathsPermissions', () => {
  it('has unique golden-paths names and no resource type', () => {
    const names = goldenPathsPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const permission of goldenPathsPermissions) {
      expect(permission.name).toMatch(/^golden-paths\./);
      expect(isResourcePermission(permission)).toBe(false);
    }
  });
});
