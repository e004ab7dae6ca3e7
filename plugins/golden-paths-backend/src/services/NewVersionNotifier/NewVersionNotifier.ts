import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { compareVersions } from '@paved/backstage-plugin-golden-paths-common';
import { NotificationSentStore } from '../../database/NotificationSentStore';
import { RegisteredTemplateVersion } from '../../database/TemplateVersionStore';
import { ComplianceService } from '../ComplianceService';

/**
 * A template version that became the template's latest after the template was
 * already known, so its services' owners should hear about it.
 *
 * @public
 */
export type TemplateRelease = {
  /** The template's ref, as the registry spells it. */
  templateRef: string;
  /** The new latest version. */
  version: string;
  /** The latest version before this one. */
  previousVersion: string;
  /** Every registered version of the template, this one included. */
  versions: RegisteredTemplateVersion[];
};

/** Topic of every Paved notification, so users can filter or mute them. */
const TOPIC = 'golden-paths';

/**
 * Tells the owner of every service behind a newly released template version
 * what changed and by when to upgrade: one notification per service and
 * version, ever, whatever the number of replicas or restarts.
 *
 * @public
 */
export class NewVersionNotifier {
  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      /** Reads provenance and policy exactly as the compliance sweep does. */
      complianceService: Pick<
        ComplianceService,
        'loadContext' | 'evaluateEntity'
      >;
      sent: NotificationSentStore;
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  /** Notifies the owners of services behind `releases`; returns how many were sent. */
  async announce(releases: TemplateRelease[], now: Date): Promise<number> {
    if (releases.length === 0) return 0;
    const { auth, catalog, complianceService, logger } = this.deps;
    const byTemplate = new Map(
      releases.map(r => [r.templateRef.toLocaleLowerCase('en-US'), r]),
    );
    // The context is read after the new version was recorded, so deadlines
    // are measured against it, with config overrides and exemptions applied.
    const context = await complianceService.loadContext({ now });
    const credentials = await auth.getOwnServiceCredentials();
    let sent = 0;
    for await (const page of catalog.streamEntities(
      {
        filter: { kind: 'Component' },
        fields: ['kind', 'metadata', 'spec.owner', 'spec.scaffoldedFrom'],
      },
      { credentials },
    )) {
      for (const entity of page) {
        const { entityRef, owner, evaluation } =
          complianceService.evaluateEntity(entity, context);
        const release = evaluation.templateRef
          ? byTemplate.get(evaluation.templateRef)
          : undefined;
        const current = evaluation.currentVersion;
        if (!release || !current) continue;
        if (compareVersions(current, release.version) >= 0) continue;
        if (!owner) {
          logger.warn(
            `${entityRef} is behind ${release.templateRef}@${release.version} but has no owner to notify`,
          );
          continue;
        }
        const claimed = await this.deps.sent.claim(
          {
            entityRef,
            templateRef: release.templateRef,
            version: release.version,
          },
          now,
        );
        if (!claimed) continue;
        // Claimed first, then sent: a failed send is logged, not retried, so
        // an owner may miss one notification but never gets one twice.
        try {
          await this.deps.notifications.send({
            recipients: { type: 'entity', entityRef: owner },
            payload: describeRelease(entity, release, {
              current,
              deadline: evaluation.deadline,
            }),
          });
          sent++;
        } catch (error) {
          logger.warn(
            `Could not notify ${owner} that ${entityRef} is behind ${release.templateRef}@${release.version}: ${error}`,
          );
        }
      }
    }
    return sent;
  }
}

/**
 * The notification for one service behind a release: what changed in the new
 * version, whether getting there is breaking, and the policy deadline.
 *
 * @internal
 */
export function describeRelease(
  entity: Entity,
  release: TemplateRelease,
  service: { current: string; deadline?: string },
) {
  const name = entity.metadata.name;
  const namespace = entity.metadata.namespace ?? 'default';
  const latest = release.versions.find(v => v.version === release.version);
  const templateName = release.templateRef.replace(/^[^:]*:(default\/)?/, '');
  const template = latest?.title ?? templateName;
  // Breaking when any version the service would cross is, not only the last.
  const breaking = release.versions.some(
    v =>
      v.breaking &&
      compareVersions(v.version, service.current) > 0 &&
      compareVersions(v.version, release.version) <= 0,
  );
  const changes = latest?.changelog?.changes ?? [];
  const description = [
    `${name} is on ${service.current}; ${template} ${release.version} is out.`,
    breaking ? 'Upgrading is breaking.' : undefined,
    changes.length > 0
      ? `What changed in ${release.version}${
          latest?.changelog?.breaking ? ' (breaking)' : ''
        }: ${changes.join('; ')}.`
      : undefined,
    service.deadline ? `Policy deadline: ${service.deadline}.` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    title: `${name} is behind ${template} ${release.version}`,
    description,
    link: `/catalog/${namespace}/${entity.kind.toLocaleLowerCase(
      'en-US',
    )}/${name}`,
    severity: breaking ? ('high' as const) : ('normal' as const),
    topic: TOPIC,
    // The notifications backend updates, rather than adds, a notification
    // with the same scope: a second guard against duplicates.
    scope: `${TOPIC}:${entity.metadata.namespace ?? 'default'}/${name}:${
      release.templateRef
    }@${release.version}`,
  };
}
