import { DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';

/** A demo exemption: a platform engineer approved it, for so many days. */
export type DemoExemption = {
  service: string;
  reason: string;
  days: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Grants the demo's exemptions through the golden-paths API, as the demo's
 * guest user (a member of the platform team) would in the UI, so the
 * `exempt` state is there to see from the first start. An exemption is only
 * requested for a service that is not exempt already, so restarts do not
 * pile them up. Needs the guest auth provider, which the demo config enables.
 */
export async function grantDemoExemptions(options: {
  exemptions: DemoExemption[];
  discovery: DiscoveryService;
  logger: LoggerService;
  now?: Date;
}): Promise<number> {
  const { exemptions, discovery, logger } = options;
  if (exemptions.length === 0) return 0;
  const now = options.now ?? new Date();
  const authUrl = await discovery.getBaseUrl('auth');
  const session = await fetch(`${authUrl}/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!session.ok) {
    throw new Error(
      `cannot sign in as the demo guest to grant exemptions: HTTP ${session.status}`,
    );
  }
  const token: string | undefined = (await session.json())?.backstageIdentity
    ?.token;
  if (!token) {
    throw new Error('the guest sign-in returned no Backstage token');
  }
  const baseUrl = await discovery.getBaseUrl('golden-paths');
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
  let granted = 0;
  for (const exemption of exemptions) {
    const entityRef = `component:default/${exemption.service}`;
    const current = await fetch(
      `${baseUrl}/compliance?entityRef=${encodeURIComponent(entityRef)}`,
      { headers },
    );
    if (!current.ok) {
      throw new Error(
        `cannot read the compliance of ${entityRef}: HTTP ${current.status}`,
      );
    }
    if ((await current.json())?.state === 'exempt') continue;
    const response = await fetch(`${baseUrl}/exemptions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        entityRef,
        reason: exemption.reason,
        expiresAt: new Date(
          now.getTime() + exemption.days * DAY_MS,
        ).toISOString(),
      }),
    });
    if (!response.ok) {
      throw new Error(
        `cannot grant the demo exemption of ${entityRef}: HTTP ${
          response.status
        } ${await response.text()}`,
      );
    }
    granted += 1;
  }
  if (granted > 0) logger.info(`Granted ${granted} demo exemptions`);
  return granted;
}
