import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { goldenPathsPermissions } from '@paved/backstage-plugin-golden-paths-common';

const restricted = new Set(goldenPathsPermissions.map(p => p.name));

/**
 * The demo portal's policy: everything is allowed, except Paved's admin and
 * exemption permissions, which only members of the platform team get.
 */
export class PavedDemoPermissionPolicy implements PermissionPolicy {
  constructor(private readonly platformTeamRef: string) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!restricted.has(request.permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const ownership = user?.info.ownershipEntityRefs ?? [];
    return {
      result: ownership.includes(this.platformTeamRef)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  }
}

/** Installs {@link PavedDemoPermissionPolicy} into the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'paved-demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(
          new PavedDemoPermissionPolicy(
            config.getOptionalString('paved.platformTeam') ??
              'group:default/platform-team',
          ),
        );
      },
    });
  },
});
