/**
 * Annotation and field names that carry a service's golden-path provenance.
 * They are Paved's public contract (see DESIGN.md) and shared with the
 * community template-version annotator, so both ecosystems interoperate.
 */

/**
 * Semver of the template a service was created from (on a Component), or the
 * template's current version (on a Template).
 *
 * @public
 */
export const ANNOTATION_TEMPLATE_VERSION = 'backstage.io/template-version';

/**
 * Entity ref of the template a service was created from (core Backstage key).
 *
 * @public
 */
export const ANNOTATION_SOURCE_TEMPLATE = 'backstage.io/source-template';

/**
 * Path of the Paved lock file inside the service repository.
 *
 * @public
 */
export const ANNOTATION_LOCK = 'paved.dev/lock';

/**
 * Identifier that deployment and incident events use for this service.
 *
 * @public
 */
export const ANNOTATION_DORA_ID = 'paved.dev/dora-id';

/**
 * Where the lock file lives when a template does not say otherwise.
 *
 * @public
 */
export const DEFAULT_LOCK_PATH = '.paved/lock.json';

/**
 * On a Template: the changelog of every published version, as a YAML list of
 * `{ version, date, breaking, changes[] }`, newest first.
 *
 * @public
 */
export const ANNOTATION_CHANGELOG = 'paved.dev/changelog';

/**
 * On a Template: the oldest version services may stay on.
 *
 * @public
 */
export const ANNOTATION_POLICY_MINIMUM_VERSION =
  'paved.dev/policy-minimum-version';

/**
 * On a Template: from this date (YYYY-MM-DD) services below the minimum
 * version are warned.
 *
 * @public
 */
export const ANNOTATION_POLICY_WARN_DATE = 'paved.dev/policy-warn-date';

/**
 * On a Template: from this date (YYYY-MM-DD) services below the minimum
 * version are blocked.
 *
 * @public
 */
export const ANNOTATION_POLICY_BLOCK_DATE = 'paved.dev/policy-block-date';

/**
 * On a Template: the largest allowed lag behind the latest version, e.g.
 * `1 major` or `2 minors`.
 *
 * @public
 */
export const ANNOTATION_POLICY_MAX_LAG = 'paved.dev/policy-max-lag';
