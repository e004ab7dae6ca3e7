import {
  AuthService,
  BackstageCredentials,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_DORA_ID,
  DEFAULT_PRODUCTION_ENVIRONMENTS,
  DoraBands,
  DoraByTemplateVersion,
  DoraServicesMetrics,
  DoraTrend,
  DoraWindow,
  EnvironmentProgression,
  computeDoraMetricsByGroupFromFacts,
  computeDoraMetricsFromFacts,
  computeDoraTrendFromFacts,
  doraFacts,
  environmentProgression,
  resolveDoraBands,
} from '@paved/backstage-plugin-golden-paths-common';
import { ComplianceStore } from '../../database/ComplianceStore';
import {
  DoraEvent,
  DoraEventStore,
  StoredDoraEvent,
} from '../../database/DoraEventStore';
import { normalizeEntityRef } from '../ComplianceService';
import { isCanonicalTime, toDoraRecords } from '../DoraIngest/normalize';
import { IngestQueue } from '../DoraIngest/IngestQueue';

const ANNOTATION_PROJECT_SLUG = 'github.com/project-slug';
/**
 * How long a match is trusted without asking the catalog again: a dora id
 * moved to another service is picked up within this time. Keys that matched
 * nothing are never cached, so a new service is matched at once.
 */
const MATCH_CACHE_MS = 5 * 60 * 1000;
const MATCH_CACHE_SIZE = 50_000;
/**
 * How long the match keys read by a sweep are trusted: past this, the sweep
 * has stopped running here (another replica sweeps), and ingest asks the
 * catalog again.
 */
const MATCH_INDEX_MS = 60 * 60 * 1000;
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
/** Services whose facts are worked out together (one read of their events). */
const REFRESH_CHUNK = 500;

/**
 * Whether the time `value` is after `latest`. `latestIso`, `latest` in the
 * canonical form if it has one: a value in that form compares with it as
 * text, without parsing.
 */
function isLater(value: string, latest: number, latestIso?: string) {
  return latestIso !== undefined && isCanonicalTime(value)
    ? value > latestIso
    : Date.parse(value) > latest;
}

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
 * Whose DORA metrics: one service, or every Component an owner owns.
 *
 * @public
 */
export type DoraScope = { entityRef: string } | { owner: string };

/**
 * How DORA metrics are computed, from `goldenPaths.dora`.
 *
 * @public
 */
export type DoraConfig = {
  /** Environment names that count as production (case-insensitive). */
  productionEnvironments: readonly string[];
  /** Band overrides per metric, already checked by `resolveDoraBands`. */
  bands?: Partial<DoraBands>;
};

const BAND_THRESHOLDS: { [M in keyof DoraBands]: Array<keyof DoraBands[M]> } = {
  deploymentFrequency: [
    'eliteAtLeastPerDay',
    'highAtLeastPerDay',
    'mediumAtLeastPerDay',
  ],
  changeLeadTime: ['eliteBelowHours', 'highBelowHours', 'mediumBelowHours'],
  changeFailRate: ['eliteAtMost', 'highAtMost', 'mediumAtMost'],
  failedDeploymentRecoveryTime: [
    'eliteBelowHours',
    'highBelowHours',
    'mediumBelowHours',
  ],
  deploymentReworkRate: ['eliteAtMost', 'highAtMost', 'mediumAtMost'],
};

/**
 * Reads `goldenPaths.dora.productionEnvironments` and `goldenPaths.dora.bands`.
 * A metric's band override needs all three of its thresholds; bands out of
 * order fail the start, since they would band silently wrong.
 *
 * @public
 */
export function readDoraConfig(config: RootConfigService): DoraConfig {
  const productionEnvironments =
    config.getOptionalStringArray('goldenPaths.dora.productionEnvironments') ??
    DEFAULT_PRODUCTION_ENVIRONMENTS;
  if (productionEnvironments.length === 0) {
    throw new Error(
      'goldenPaths.dora.productionEnvironments must name at least one environment',
    );
  }
  const bandsConfig = config.getOptionalConfig('goldenPaths.dora.bands');
  if (!bandsConfig) return { productionEnvironments };
  const bands: Record<string, Record<string, number>> = {};
  for (const metric of bandsConfig.keys()) {
    const thresholds = BAND_THRESHOLDS[metric as keyof DoraBands] as
      | string[]
      | undefined;
    if (!thresholds) {
      throw new Error(
        `goldenPaths.dora.bands.${metric} is not a DORA metric; use one of ${Object.keys(
          BAND_THRESHOLDS,
        ).join(', ')}`,
      );
    }
    const metricConfig = bandsConfig.getConfig(metric);
    bands[metric] = Object.fromEntries(
      thresholds.map(t => [t, metricConfig.getNumber(t)]),
    );
  }
  try {
    resolveDoraBands(bands as Partial<DoraBands>);
  } catch (error) {
    throw new Error(`goldenPaths.dora.bands: ${(error as Error).message}`);
  }
  return { productionEnvironments, bands: bands as Partial<DoraBands> };
}

/**
 * Ingests DORA events, matching them to catalog entities, and computes the
 * metrics with the pure functions of the common package.
 *
 * @public
 */
export class DoraService {
  private readonly doraConfig: DoraConfig;
  /** Recent matches (key → service and when), so ingest rarely asks the catalog. */
  private readonly matched = new Map<string, { ref: string; at: number }>();
  /**
   * Every Component's match keys as of the last sweep here (see
   * {@link DoraService.matchIndexBuilder}): ingest matches most events
   * without asking the catalog.
   */
  private index = {
    keys: new Map<string, string>(),
    refs: new Set<string>(),
    at: 0,
  };
  /** Concurrent callers' events share one transaction (group commit). */
  private readonly writes: IngestQueue;

  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      events: DoraEventStore;
      compliance: ComplianceStore;
      /** Defaults to the default production environments and bands. */
      config?: DoraConfig;
    },
  ) {
    this.doraConfig = deps.config ?? {
      productionEnvironments: DEFAULT_PRODUCTION_ENVIRONMENTS,
    };
    this.writes = new IngestQueue(deps.events, {
      writers: deps.events.concurrentWrites,
    });
  }

  /** Stores normalized events, each matched to a service if one is known. */
  async ingest(events: DoraEvent[], now: Date): Promise<DoraIngestSummary> {
    // Clocks drift, but not by a day: an event from the future is a mistake
    // that would skew every window it lands in.
    const latest = now.getTime() + FUTURE_TOLERANCE_MS;
    const iso = new Date(latest).toISOString();
    const latestIso = isCanonicalTime(iso) ? iso : undefined;
    events.forEach((event, i) => {
      for (const field in event.record) {
        if (!field.endsWith('At')) continue;
        const value = (event.record as Record<string, unknown>)[field];
        if (typeof value === 'string' && isLater(value, latest, latestIso)) {
          throw new InputError(
            `${
              events.length > 1 ? `[${i}].` : ''
            }${field} ${value} is in the future`,
          );
        }
      }
    });
    const matches = await this.match(events.map(e => e.matchKey));
    const matched = events.map(e => ({
      ...e,
      entityRef: matches.get(e.matchKey),
    }));
    const { stored, duplicates } = await this.writes.ingest(matched, now);
    return {
      stored,
      duplicates,
      unmatched: new Set(matched.filter(e => !e.entityRef).map(e => e.id)).size,
    };
  }

  /**
   * A builder for the index of match keys: the compliance sweep adds every
   * Component it reads and commits once it has read them all, replacing the
   * previous index; a sweep that fails midway commits nothing. Keys map as
   * the catalog would match them: a dora id before a project slug.
   */
  matchIndexBuilder(): {
    add(entity: Entity): void;
    commit(at?: number): void;
  } {
    const slugs = new Map<string, string>();
    const doraIds = new Map<string, string>();
    const refs = new Set<string>();
    return {
      add: entity => {
        if (entity.kind.toLowerCase() !== 'component') return;
        const ref = stringifyEntityRef(entity).toLowerCase();
        refs.add(ref);
        const annotations = entity.metadata.annotations ?? {};
        for (const [annotation, keys] of [
          [ANNOTATION_PROJECT_SLUG, slugs],
          [ANNOTATION_DORA_ID, doraIds],
        ] as const) {
          const key = annotations[annotation]?.toLowerCase();
          if (key && !keys.has(key)) keys.set(key, ref);
        }
      },
      commit: (at = Date.now()) => {
        // Dora ids win over slugs, as in matchInCatalog.
        this.index = { keys: new Map([...slugs, ...doraIds]), refs, at };
      },
    };
  }

  /** Tries the match keys of unmatched events again; returns events matched. */
  async rematch(): Promise<number> {
    const keys = await this.deps.events.listUnmatchedKeys();
    if (keys.length === 0) return 0;
    return this.deps.events.rematch(await this.match(keys));
  }

  /**
   * Works out again the facts of stale services: all of them, or those among
   * `entityRefs`. Each service's facts come from all its events, so links
   * and shipping never depend on a window. Returns how many services got new
   * facts; a service whose events change meanwhile stays stale.
   */
  async refreshFacts(entityRefs?: string[]): Promise<number> {
    const stale = await this.deps.events.listStale(entityRefs);
    let refreshed = 0;
    for (let i = 0; i < stale.length; i += REFRESH_CHUNK) {
      const chunk = stale.slice(i, i + REFRESH_CHUNK);
      const eventsOf = new Map<string, StoredDoraEvent[]>(
        chunk.map(s => [s.entityRef, []]),
      );
      for (const event of await this.deps.events.listAllForEntities(
        chunk.map(s => s.entityRef),
      )) {
        eventsOf.get(event.entityRef!)?.push(event);
      }
      const replaced = await this.deps.events.replaceFacts(
        chunk.map(s => ({
          ...s,
          facts: doraFacts({
            ...toDoraRecords(eventsOf.get(s.entityRef)!),
            productionEnvironments: this.doraConfig.productionEnvironments,
          }),
        })),
      );
      refreshed += replaced.length;
    }
    return refreshed;
  }

  /**
   * Marks every service stale when the production environments changed since
   * the stored facts were worked out; call once at start.
   */
  async checkFactSettings(): Promise<boolean> {
    return this.deps.events.useFactSettings(
      JSON.stringify({
        productionEnvironments: this.doraConfig.productionEnvironments.map(e =>
          e.trim().toLowerCase(),
        ),
      }),
    );
  }

  /** Up-to-date facts of these services (all with `undefined`) in a window. */
  private async factsOf(entityRefs: string[] | undefined, window: DoraWindow) {
    await this.refreshFacts(entityRefs);
    return this.deps.events.listFacts(entityRefs, window);
  }

  /** Metrics of these services (one, or an owner's) together. */
  async metricsFor(entityRefs: string[], window: DoraWindow) {
    return computeDoraMetricsFromFacts(await this.factsOf(entityRefs, window), {
      ...this.doraConfig,
      window,
    });
  }

  /**
   * The metrics of one service, which the caller must be able to read, or
   * of every Component an owner owns, together.
   */
  async metrics(
    scope: DoraScope,
    window: DoraWindow,
    options: { credentials: BackstageCredentials },
  ): Promise<DoraServicesMetrics> {
    const entityRefs = await this.servicesOf(scope, options);
    return {
      window,
      entityRefs,
      metrics: await this.metricsFor(entityRefs, window),
    };
  }

  /**
   * The metrics of one service or of an owner's Components per bucket of
   * `bucketDays` days, from a single read of their events.
   */
  async trend(
    scope: DoraScope,
    window: DoraWindow,
    bucketDays: number,
    options: { credentials: BackstageCredentials },
  ): Promise<DoraTrend> {
    const entityRefs = await this.servicesOf(scope, options);
    return computeDoraTrendFromFacts(
      await this.factsOf(entityRefs, window),
      { ...this.doraConfig, window },
      bucketDays,
    );
  }

  /**
   * The version in each environment of one service and its promotion
   * history, from all its deployments; the caller must be able to read it.
   */
  async environments(
    entityRef: string,
    limit: number,
    options: { credentials: BackstageCredentials },
  ): Promise<{ entityRef: string } & EnvironmentProgression> {
    await this.readableEntity(entityRef, options);
    const { deployments } = toDoraRecords(
      await this.deps.events.listDeployments(entityRef),
    );
    return {
      entityRef,
      ...environmentProgression(
        deployments,
        this.doraConfig.productionEnvironments,
        { limit },
      ),
    };
  }

  private servicesOf(
    scope: DoraScope,
    options: { credentials: BackstageCredentials },
  ): Promise<string[]> {
    return 'entityRef' in scope
      ? this.readableEntity(scope.entityRef, options)
      : this.ownedComponents(scope.owner, options);
  }

  private async readableEntity(
    entityRef: string,
    options: { credentials: BackstageCredentials },
  ): Promise<string[]> {
    const entity = await this.deps.catalog.getEntityByRef(entityRef, options);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return [entityRef];
  }

  private async ownedComponents(
    owner: string,
    options: { credentials: BackstageCredentials },
  ): Promise<string[]> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: { kind: 'Component', 'relations.ownedBy': owner },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      options,
    );
    return items.map(e => stringifyEntityRef(e).toLowerCase());
  }

  /**
   * Metrics per template version: each deployment counts for the version its
   * service is on now (from the compliance sweep), so an upgrade moves the
   * service's later deployments to the new version only once the sweep saw it.
   */
  async metricsByTemplateVersion(
    window: DoraWindow,
    filter: { templateRef?: string; owner?: string },
  ): Promise<DoraByTemplateVersion> {
    const versionOf = new Map(
      (await this.deps.compliance.listTemplateVersions(filter)).map(v => [
        v.entityRef,
        v,
      ]),
    );
    // Unfiltered, every service counts: read the whole window once.
    const filtered =
      filter.templateRef !== undefined || filter.owner !== undefined;
    const facts = await this.factsOf(
      filtered ? [...versionOf.keys()] : undefined,
      window,
    );
    const groups = computeDoraMetricsByGroupFromFacts(
      facts,
      { ...this.doraConfig, window },
      entityRef => {
        const v = versionOf.get(entityRef);
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
    const now = Date.now();
    const result = new Map<string, string>();
    const missing: string[] = [];
    const index = now - this.index.at < MATCH_INDEX_MS ? this.index : undefined;
    for (const key of new Set(keys)) {
      const hit = this.matched.get(key);
      const indexed = index && this.fromIndex(index, key);
      if (hit && now - hit.at < MATCH_CACHE_MS) result.set(key, hit.ref);
      else if (indexed) result.set(key, indexed);
      else missing.push(key);
    }
    if (missing.length > 0) {
      for (const [key, ref] of await this.matchInCatalog(missing)) {
        result.set(key, ref);
        // Oldest first: a full cache forgets the entry it learned earliest.
        this.matched.delete(key);
        this.matched.set(key, { ref, at: now });
        if (this.matched.size > MATCH_CACHE_SIZE) {
          this.matched.delete(this.matched.keys().next().value!);
        }
      }
    }
    return result;
  }

  /** The service a key names in the sweep's index, as matchInCatalog reads it. */
  private fromIndex(
    index: { keys: Map<string, string>; refs: Set<string> },
    key: string,
  ): string | undefined {
    const byAnnotation = index.keys.get(key.toLowerCase());
    if (byAnnotation || !key.includes(':')) return byAnnotation;
    const ref = normalizeEntityRef(key, { defaultNamespace: 'default' });
    return ref && index.refs.has(ref) ? ref : undefined;
  }

  private async matchInCatalog(
    distinct: string[],
  ): Promise<Map<string, string>> {
    const result = new Map<string, string>();
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
