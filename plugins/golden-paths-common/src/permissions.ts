import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows granting a service an exemption from its template policy.
 *
 * @public
 */
export const exemptionCreatePermission = createPermission({
  name: 'golden-paths.exemption.create',
  attributes: { action: 'create' },
});

/**
 * Allows revoking an exemption.
 *
 * @public
 */
export const exemptionDeletePermission = createPermission({
  name: 'golden-paths.exemption.delete',
  attributes: { action: 'delete' },
});

/**
 * Allows administrative actions such as triggering a catalog sweep.
 *
 * @public
 */
export const goldenPathsAdminPermission = createPermission({
  name: 'golden-paths.admin',
  attributes: { action: 'update' },
});

/**
 * Every permission Paved registers, for `permissionsRegistry`.
 *
 * @public
 */
export const goldenPathsPermissions = [
  exemptionCreatePermission,
  exemptionDeletePermission,
  goldenPathsAdminPermission,
];
