import { TemplateVersion } from '@paved/backstage-plugin-golden-paths-common';

/**
 * A version of a template as read from the catalog, before it is stored.
 *
 * @public
 */
export type ObservedTemplateVersion = {
  templateRef: string;
  version: string;
  title?: string;
};

/**
 * Keeps every template version the backend has seen.
 *
 * @public
 */
export interface TemplateVersionStore {
  /**
   * Records versions; ones already known are left as they were.
   * Returns only the versions that were new.
   */
  recordVersions(
    versions: ObservedTemplateVersion[],
    seenAt: Date,
  ): Promise<TemplateVersion[]>;

  /** Lists known versions, optionally of one template, in insertion-independent order. */
  listVersions(options?: { templateRef?: string }): Promise<TemplateVersion[]>;
}
