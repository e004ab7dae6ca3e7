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
