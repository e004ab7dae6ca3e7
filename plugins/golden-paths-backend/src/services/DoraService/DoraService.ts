import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_DORA_ID,
  DoraMetrics,
  DoraWindow,
  computeDoraMetrics,
  computeDoraMetricsByGroup,
} from '@paved/backstage-plugin-golden-paths-common';
import { ComplianceStore } from '../../database/ComplianceStore';
import { DoraEvent, DoraEventStore } from '../../database/DoraEventStore';
import { normalizeEntityRef } from '../ComplianceService';
import { toDoraRecords } from '../DoraIngest/normalize';

const ANNOTATION_PROJECT_SLUG = 'github.com/project-slug';
const PAGE = 500;

/**
 * What one ingestion did.
 *
 * @public
 */
export type DoraIngestSummary = {
  /** Events stored for the first time. */
  stored: number;
  /** Events already stored (or repeated in the batch), changed nothing. */
  duplicates: number;
  /** Of the stored events, those whose service is not in the catalog yet. */
  unmatched: number;
};

/**
 * DORA metrics of one template version.
 *
 * @public
 */
export type TemplateVersionDoraMetrics = {
  templateRef: string;
  templateVersion: string;
  metrics: DoraMetrics;
};

/**
 * Ingests DORA events, matching them to catalog entities, and computes the
 * metrics with the pure functions of the common package.
 *
 * @public
 */
export class DoraService {
  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      events: DoraEventStore;
      compliance: ComplianceStore;
    },
  ) {}

  /** Stores normalized events, each matched to a service if one is known. */
  async ingest(events: DoraEvent[], now: Date): Promise<DoraIngestSummary> {
    const matches = await this.match(events.map(e => e.matchKey));
    const matched = events.map(e => ({
      ...e,
      entityRef: matches.get(e.matchKey),
    }));
    const { stored, duplicates } = await this.deps.events.ingest(matched, now);
    return {
      stored,
      duplicates,
      unmatched: new Set(matched.filter(e => !e.entityRef).map(e => e.id)).size,
    };
  }

  /** Tries the match keys of unmatched events again; returns events matched. */
  async rematch(): Promise<number> {
    const keys = await this.deps.events.listUnmatchedKeys();
    if (keys.length === 0) return 0;
    return this.deps.events.rematch(await this.match(keys));
  }

  /** Metrics over the events of these services (one, or an owner's). */
  async metricsFor(entityRefs: string[], window: DoraWindow) {
    const events = await this.deps.events.listForEntities(entityRefs, window);
    return computeDoraMetrics({ ...toDoraRecords(events), window });
  }

  /** The metrics of one service, which the caller must be able to read. */
  async metricsForEntity(
    entityRef: string,
    window: DoraWindow,
    options: { credentials: BackstageCredentials },
  ) {
    const entity = await this.deps.catalog.getEntityByRef(entityRef, options);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return {
      window,
      entityRefs: [entityRef],
      metrics: await this.metricsFor([entityRef], window),
    };
  }

  /** The metrics of every Component an owner owns, together. */
  async metricsForOwner(
    owner: string,
    window: DoraWindow,
    options: { credentials: BackstageCredentials },
  ) {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { kind: 'Component', 'relations.ownedBy': owner },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      options,
    );
    const entityRefs = items.map(e => stringifyEntityRef(e).toLowerCase());
    return {
      window,
      entityRefs,
      metrics: await this.metricsFor(entityRefs, window),
    };
  }

  /**
   * Metrics per template version: each deployment counts for the version its
   * service is on now (from the compliance sweep), so an upgrade moves the
   * service's later deployments to the new version only once the sweep saw it.
   */
  async metricsByTemplateVersion(
    window: DoraWindow,
    filter: { templateRef?: string; owner?: string },
  ): Promise<{ window: DoraWindow; groups: TemplateVersionDoraMetrics[] }> {
    const versionOf = new Map<
      string,
      { templateRef: string; version: string }
    >();
    for (let offset = 0; ; offset += PAGE) {
      const { items, totalCount } = await this.deps.compliance.listEvaluations({
        ...filter,
        limit: PAGE,
        offset,
      });
      for (const e of items) {
        if (e.templateRef && e.currentVersion) {
          versionOf.set(e.entityRef, {
            templateRef: e.templateRef,
            version: e.currentVersion,
          });
        }
      }
      if (offset + PAGE >= totalCount || items.length === 0) break;
    }
    const events = await this.deps.events.listForEntities(
      [...versionOf.keys()],
      window,
    );
    const groups = computeDoraMetricsByGroup(
      { ...toDoraRecords(events), window },
      d => {
        const v = versionOf.get(d.entityRef);
        return v && JSON.stringify([v.templateRef, v.version]);
      },
    );
    return {
      window,
      groups: [...groups.entries()].map(([key, metrics]) => {
        const [templateRef, templateVersion] = JSON.parse(key);
        return { templateRef, templateVersion, metrics };
      }),
    };
  }

  /**
   * Match keys to services: the `paved.dev/dora-id` annotation, then the
   * GitHub project slug, then the key read as an entity ref. Reads the
   * catalog once per call with the plugin's own credentials: the sender of
   * events need not be able to read the services.
   */
  private async match(keys: string[]): Promise<Map<string, string>> {
    const distinct = [...new Set(keys)];
    const result = new Map<string, string>();
    if (distinct.length === 0) return result;
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const lower = new Map(distinct.map(k => [k.toLowerCase(), k]));
    const byAnnotation = async (annotation: string) => {
      const { items } = await this.deps.catalog.getEntities(
        {
          filter: {
            kind: 'Component',
            [`metadata.annotations.${annotation}`]: distinct,
          },
          fields: ['kind', 'metadata'],
        },
        { credentials },
      );
      return items;
    };
    const assign = (entities: Entity[], annotation: string) => {
      for (const entity of entities) {
        const value = entity.metadata.annotations?.[annotation];
        const key = value && lower.get(value.toLowerCase());
        if (key && !result.has(key)) {
          result.set(key, stringifyEntityRef(entity).toLowerCase());
        }
      }
    };
    assign(await byAnnotation(ANNOTATION_DORA_ID), ANNOTATION_DORA_ID);
    if (result.size < distinct.length) {
      assign(
        await byAnnotation(ANNOTATION_PROJECT_SLUG),
        ANNOTATION_PROJECT_SLUG,
      );
    }
    for (const key of distinct) {
      // Only a full ref (with a kind) is read as one: a bare name is a dora id.
      if (result.has(key) || !key.includes(':')) continue;
      const ref = normalizeEntityRef(key, { defaultNamespace: 'default' });
      if (
        ref &&
        (await this.deps.catalog.getEntityByRef(ref, { credentials }))
      ) {
        result.set(key, ref);
      }
    }
    return result;
  }
}
