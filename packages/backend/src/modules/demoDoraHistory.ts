import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** How a demo service delivers: the better its golden-path version, the better. */
type DeliveryProfile = {
  /** Mean days between production deployments. */
  daysBetweenDeploys: number;
  /** Hours from merge to production. */
  leadHours: number;
  /** Share of deployments followed by an incident. */
  failureRate: number;
  /** Hours to resolve an incident. */
  recoveryHours: number;
};

const PROFILES: Record<string, DeliveryProfile> = {
  '2.0.0': {
    daysBetweenDeploys: 1,
    leadHours: 6,
    failureRate: 0.04,
    recoveryHours: 0.75,
  },
  '1.1.0': {
    daysBetweenDeploys: 2.5,
    leadHours: 30,
    failureRate: 0.12,
    recoveryHours: 6,
  },
  '1.0.0': {
    daysBetweenDeploys: 6,
    leadHours: 120,
    failureRate: 0.25,
    recoveryHours: 30,
  },
  none: {
    daysBetweenDeploys: 14,
    leadHours: 300,
    failureRate: 0.35,
    recoveryHours: 60,
  },
};

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A small deterministic generator, so every start produces the same history. */
function seededRandom(seed: string) {
  let state = 2166136261;
  for (const c of seed) state = Math.imul(state ^ c.charCodeAt(0), 16777619);
  return () => {
    state = Math.imul(state ^ (state >>> 15), 2246822507);
    state = Math.imul(state ^ (state >>> 13), 3266489909);
    state ^= state >>> 16;
    return (state >>> 0) / 4294967296;
  };
}

/** Share of releases that go through staging before production. */
const STAGED_SHARE = 0.85;

function deploysOn(service: string, day: number, profile: DeliveryProfile) {
  return seededRandom(`${service}:${day}`)() <= 1 / profile.daysBetweenDeploys;
}

/** The release of a day, as calendar versioning: `2026.11.21`. */
function versionOf(day: number): string {
  const date = new Date(day * DAY);
  return `${date.getUTCFullYear()}.${
    date.getUTCMonth() + 1
  }.${date.getUTCDate()}`;
}

/**
 * The version in production before `day`'s release: what a rollback puts
 * back. Found from the days themselves, not from the window, so it is the
 * same whichever day the history starts.
 */
function previousVersion(
  service: string,
  day: number,
  profile: DeliveryProfile,
): string | undefined {
  for (let d = day - 1; d > day - 365; d--) {
    if (deploysOn(service, d, profile)) return versionOf(d);
  }
  return undefined;
}

/**
 * Plain-JSON DORA events for one demo service over the `days` before `now`.
 * Each release has a calendar version and most reach staging some hours
 * before production. Event ids are derived from the service and the calendar
 * day, so sending the history again (every start) stores nothing twice.
 */
export function demoDoraEvents(
  service: string,
  version: string | undefined,
  now: Date,
  days = 90,
): Array<Record<string, unknown>> {
  const profile = PROFILES[version ?? 'none'] ?? PROFILES.none;
  const today = Math.floor(now.getTime() / DAY);
  const events: Array<Record<string, unknown>> = [];
  for (let day = today - days; day < today; day++) {
    const random = seededRandom(`${service}:${day}`);
    if (random() > 1 / profile.daysBetweenDeploys) continue;
    const release = versionOf(day);
    const finishedAt = day * DAY + (9 + random() * 8) * HOUR;
    const lead = profile.leadHours * (0.5 + random());
    const changeId = `${service}-change-${day}`;
    const deployId = `${service}-deploy-${day}`;
    events.push({
      id: changeId,
      type: 'change',
      service,
      firstCommitAt: new Date(finishedAt - (lead + 8) * HOUR).toISOString(),
      mergedAt: new Date(finishedAt - lead * HOUR).toISOString(),
    });
    // Its own draws, so staging leaves the production history as it was.
    const staging = seededRandom(`${service}:${day}:staging`);
    if (staging() < STAGED_SHARE) {
      // Between the merge and production: 20% to 50% of the lead time.
      const stagedAt = finishedAt - lead * (0.2 + 0.3 * staging()) * HOUR;
      events.push({
        id: `${service}-staging-${day}`,
        type: 'deployment',
        service,
        environment: 'staging',
        finishedAt: new Date(stagedAt).toISOString(),
        succeeded: true,
        version: release,
      });
    }
    events.push({
      id: deployId,
      type: 'deployment',
      service,
      environment: 'production',
      finishedAt: new Date(finishedAt).toISOString(),
      succeeded: true,
      version: release,
      changeIds: [changeId],
    });
    if (random() < profile.failureRate) {
      const startedAt = finishedAt + (0.5 + random()) * HOUR;
      const resolvedAt =
        startedAt + profile.recoveryHours * (0.5 + random()) * HOUR;
      if (resolvedAt < now.getTime()) {
        const incidentId = `${service}-incident-${day}`;
        events.push({
          id: incidentId,
          type: 'incident',
          service,
          startedAt: new Date(startedAt).toISOString(),
          resolvedAt: new Date(resolvedAt).toISOString(),
        });
        // Half the incidents are fixed by rolling back: rework.
        const rolledBackTo = previousVersion(service, day, profile);
        if (random() < 0.5 && rolledBackTo) {
          events.push({
            id: `${service}-rollback-${day}`,
            type: 'deployment',
            service,
            environment: 'production',
            finishedAt: new Date(resolvedAt).toISOString(),
            succeeded: true,
            kind: 'rollback',
            version: rolledBackTo,
            resolvesIncidentIds: [incidentId],
          });
        }
      }
    }
  }
  return events;
}

/** Sends the demo's DORA history through the golden-paths events API. */
export async function sendDemoDoraHistory(options: {
  services: Array<{ name: string; version?: string }>;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  now?: Date;
}): Promise<{ stored: number; duplicates: number }> {
  const { auth, discovery, logger } = options;
  const now = options.now ?? new Date();
  const events = options.services.flatMap(s =>
    demoDoraEvents(s.name, s.version, now),
  );
  const baseUrl = await discovery.getBaseUrl('golden-paths');
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: await auth.getOwnServiceCredentials(),
    targetPluginId: 'golden-paths',
  });
  let stored = 0;
  let duplicates = 0;
  for (let i = 0; i < events.length; i += 500) {
    const response = await fetch(`${baseUrl}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(events.slice(i, i + 500)),
    });
    if (!response.ok) {
      throw new Error(
        `Demo DORA history was refused: ${
          response.status
        } ${await response.text()}`,
      );
    }
    const result = await response.json();
    stored += result.stored;
    duplicates += result.duplicates;
  }
  logger.info(
    `Demo DORA history: ${stored} events stored, ${duplicates} already there`,
  );
  return { stored, duplicates };
}
