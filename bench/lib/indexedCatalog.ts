/**
 * A catalog for benchmarks: `catalogServiceMock` with the lookups Paved makes
 * per request answered from indexes, as the real catalog answers them from
 * its database. The mock rebuilds a map of every entity on each
 * `getEntityByRef` and filters every entity on each `getEntities`, so at 30k
 * entities it, not the plugin, would dominate the figures.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

const ANNOTATION = 'metadata.annotations.';

function push(index: Map<string, Entity[]>, key: string, entity: Entity) {
  const list = index.get(key);
  if (list) list.push(entity);
  else index.set(key, [entity]);
}

/** The indexed catalog itself, for code that takes a CatalogService. */
export function indexedCatalog(entities: Entity[]): CatalogService {
  const mock = catalogServiceMock({ entities });
  const byRef = new Map<string, Entity>();
  const byOwner = new Map<string, Entity[]>();
  const byAnnotation = new Map<string, Entity[]>();
  for (const entity of entities) {
    byRef.set(stringifyEntityRef(entity).toLocaleLowerCase('en-US'), entity);
    for (const relation of entity.relations ?? []) {
      if (relation.type === 'ownedBy') {
        push(byOwner, relation.targetRef.toLocaleLowerCase('en-US'), entity);
      }
    }
    for (const [key, value] of Object.entries(
      entity.metadata.annotations ?? {},
    )) {
      push(byAnnotation, `${key}=${value.toLocaleLowerCase('en-US')}`, entity);
    }
  }

  // Only the single filter shapes Paved uses; anything else goes to the mock.
  const indexed = (filter: unknown): Entity[] | undefined => {
    if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
      return undefined;
    }
    const { kind, ...rest } = filter as Record<string, string | string[]>;
    const keys = Object.keys(rest);
    if (keys.length !== 1) return undefined;
    const [key] = keys;
    const values = ([] as string[]).concat(rest[key]);
    let found: Entity[];
    if (key === 'relations.ownedBy') {
      found = values.flatMap(
        v => byOwner.get(v.toLocaleLowerCase('en-US')) ?? [],
      );
    } else if (key.startsWith(ANNOTATION)) {
      const annotation = key.slice(ANNOTATION.length);
      found = values.flatMap(
        v =>
          byAnnotation.get(`${annotation}=${v.toLocaleLowerCase('en-US')}`) ??
          [],
      );
    } else {
      return undefined;
    }
    return kind === undefined
      ? found
      : found.filter(
          e =>
            e.kind.toLocaleLowerCase('en-US') ===
            String(kind).toLocaleLowerCase('en-US'),
        );
  };

  return new Proxy(mock, {
    get(target, property, receiver) {
      if (property === 'getEntityByRef') {
        return async (ref: string | Parameters<typeof parseEntityRef>[0]) =>
          byRef.get(
            stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US'),
          );
      }
      if (property === 'getEntities') {
        return async (
          request: { filter?: unknown } | undefined,
          options: any,
        ) => {
          const items = indexed(request?.filter);
          return items
            ? { items }
            : target.getEntities(request as any, options);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A service factory for `startTestBackend`, in place of `catalogServiceMock.factory`. */
export function indexedCatalogFactory(entities: Entity[]) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => indexedCatalog(entities),
  });
}
