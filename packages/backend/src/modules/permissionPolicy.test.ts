import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  exemptionCreatePermission,
  exemptionDeletePermission,
  goldenPathsAdminPermission,
} from '@paved/backstage-plugin-golden-paths-common';
import { PavedDemoPermissionPolicy } from './permissionPolicy';

const userWith = (ownershipEntityRefs: string[]) =>
  ({
    identity: {
      type: 'user',
      userEntityRef: ownershipEntityRefs[0],
      ownershipEntityRefs,
    },
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
    credentials: {} as any,
    token: 'token',
  } as any);

describe('PavedDemoPermissionPolicy', () => {
  const policy = new PavedDemoPermissionPolicy('group:default/platform-team');
  const platformEngineer = userWith([
    'user:default/ada',
    'group:default/platform-team',
  ]);
  const teamLead = userWith([
    'user:default/bob',
    'group:default/team-payments',
  ]);

  it.each([
    exemptionCreatePermission,
    exemptionDeletePermission,
    goldenPathsAdminPermission,
  ])('gives $name to platform-team members only', async permission => {
    expect(await policy.handle({ permission }, platformEngineer)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(await policy.handle({ permission }, teamLead)).toEqual({
      result: AuthorizeResult.DENY,
    });
    expect(await policy.handle({ permission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('allows everything else in the demo', async () => {
    const read = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect(await policy.handle({ permission: read }, teamLead)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });
});
