import {
  TemplateChangelogEntry,
  TemplatePolicy,
  TemplateVersion,
} from '@paved/backstage-plugin-golden-paths-common';

export type { TemplateChangelogEntry };

/**
 * A version of a template as read from the catalog, before it is stored.
 *
 * @public
 */
export type ObservedTemplateVersion = {
  templateRef: string;
  version: string;
  title?: string;
  /** The version's changelog entry, when the template publishes one. */
  changelog?: TemplateChangelogEntry;
  /** The policy the template declared while this version was current. */
  policy?: TemplatePolicy;
};

/**
 * A version the registry knows, with its changelog and policy when known.
 *
 * @public
 */
export type RegisteredTemplateVersion = TemplateVersion & {
  /** Whether upgrading to this version is breaking; false when unknown. */
  breaking: boolean;
  changelog?: TemplateChangelogEntry;
  policy?: TemplatePolicy;
};

/**
 * Keeps every template version the backend has seen.
 *
 * @public
 */
export interface TemplateVersionStore {
  /**
   * Records versions; ones already known keep their title and first-seen time,
   * but take a changelog entry or policy they did not have or that changed.
   * Returns only the versions that were new.
   */
  recordVersions(
    versions: ObservedTemplateVersion[],
    seenAt: Date,
  ): Promise<RegisteredTemplateVersion[]>;

  /** Lists known versions, optionally of one template, oldest first. */
  listVersions(options?: {
    templateRef?: string;
  }): Promise<RegisteredTemplateVersion[]>;
}
