/**
 * One entry of a Template's `paved.dev/changelog` annotation.
 *
 * @public
 */
export type TemplateChangelogEntry = {
  /** Semver of the version this entry describes. */
  version: string;
  /** Release day as written in the changelog (YYYY-MM-DD). */
  date?: string;
  /** Whether upgrading to this version needs work from the team. */
  breaking: boolean;
  /** What changed, one line each. */
  changes: string[];
};

/**
 * One published version of a golden-path template, as the backend's template
 * version registry keeps it.
 *
 * @public
 */
export type TemplateVersion = {
  /** Entity ref of the Template, e.g. `template:default/node-service`. */
  templateRef: string;
  /** Semver of this version. */
  version: string;
  /** Title of the template at this version. */
  title?: string;
  /** When the backend first saw this version (ISO 8601). */
  firstSeenAt: string;
  /** Whether upgrading to this version is breaking, when the changelog says. */
  breaking?: boolean;
  /** The version's changelog entry, when the template publishes one. */
  changelog?: TemplateChangelogEntry;
};

/**
 * A template with all its versions known to the registry, oldest first.
 *
 * @public
 */
export type TemplateSummary = {
  templateRef: string;
  title?: string;
  latestVersion: string;
  versions: TemplateVersion[];
};

/**
 * The policy state of one service.
 *
 * @public
 */
export type PolicyState = 'compliant' | 'warn' | 'block' | 'exempt' | 'unknown';
