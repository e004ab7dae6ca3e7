import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_SOURCE_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
} from '@paved/backstage-plugin-golden-paths-common';

/** Where a service came from, as its catalog entity records it. */
export type GoldenPathProvenance = {
  /** Template entity ref, normalised the way the backend registry stores it. */
  templateRef: string;
  /** Template version the service was created from or last upgraded to, as written. */
  version?: string;
};

/**
 * Reads a service's provenance; undefined when it does not name its template.
 *
 * The core annotation wins over the community `spec.scaffoldedFrom` field
 * because the stamp action writes both and the annotation is what Backstage
 * itself sets.
 */
export function readGoldenPathProvenance(
  entity: Entity,
): GoldenPathProvenance | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const scaffoldedFrom = entity.spec?.scaffoldedFrom;
  const rawRef =
    annotations[ANNOTATION_SOURCE_TEMPLATE]?.trim() ||
    (typeof scaffoldedFrom === 'string' ? scaffoldedFrom.trim() : '');
  if (!rawRef) {
    return undefined;
  }
  const version = annotations[ANNOTATION_TEMPLATE_VERSION]?.trim() || undefined;
  return { templateRef: normaliseTemplateRef(rawRef), version };
}

// Refs are written by hand as often as by the stamp action ("node-service",
// "Template:default/Node-Service"); the registry keys on stringifyEntityRef.
function normaliseTemplateRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return ref;
  }
}
