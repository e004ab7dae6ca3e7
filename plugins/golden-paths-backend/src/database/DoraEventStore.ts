import {
  ChangeRecord,
  DeploymentRecord,
  DoraFacts,
  DoraWindow,
  IncidentRecord,
} from '@paved/backstage-plugin-golden-paths-common';

/**
 * The kinds of DORA event.
 *
 * @public
 */
export type DoraEventKind = 'deployment' | 'change' | 'incident';

/**
 * An incident event: a start (detected, reported) or a resolution. Events of
 * one incident share the record `id` and are merged when metrics are computed.
 *
 * @public
 */
export type IncidentEventRecord = Omit<
  IncidentRecord,
  'entityRef' | 'startedAt'
> & { startedAt?: string };

/**
 * A normalized DORA event, ready to be stored. Records leave out `entityRef`:
 * the service is the matched `entityRef`, which may be learned later.
 *
 * @public
 */
export type DoraEvent = {
  /** Source-scoped event id, e.g. `cdevents:<source>:<id>` or `json:<id>`. */
  id: string;
  /** What the event names the service by: a dora id, project slug or ref. */
  matchKey: string;
  /** When the event happened, ISO 8601. */
  occurredAt: string;
} & (
  | { kind: 'deployment'; record: Omit<DeploymentRecord, 'entityRef'> }
  | { kind: 'change'; record: Omit<ChangeRecord, 'entityRef'> }
  | { kind: 'incident'; record: IncidentEventRecord }
);

/**
 * A stored event, with the service it matched (if any).
 *
 * @public
 */
export type StoredDoraEvent = DoraEvent & {
  /** The matched service, lowercase; absent while unmatched. */
  entityRef?: string;
  /** When it was first received, ISO 8601. */
  receivedAt: string;
};

/**
 * A service whose DORA facts must be worked out again. The token is new at
 * every change to its events, so facts worked out from what was read replace
 * the mark only if nothing changed since.
 *
 * @public
 */
export type StaleDoraService = { entityRef: string; token: string };

/**
 * Keeps DORA events; an event id is stored once. Keeps, beside them, each
 * service's facts (`doraFacts`), marking a service stale whenever an event of
 * it is stored or matched to it.
 *
 * @public
 */
export interface DoraEventStore {
  /**
   * Stores events, each with the service it matched (or none). Ids already
   * stored, or repeated in the batch, count as duplicates and change nothing.
   * All or nothing: a failure stores none of them.
   */
  ingest(
    events: Array<DoraEvent & { entityRef?: string }>,
    receivedAt: Date,
  ): Promise<{ stored: number; duplicates: number }>;

  /**
   * How many `ingestBatch` calls may usefully run at once: 1 where the
   * database has a single writer (SQLite).
   */
  readonly concurrentWrites: number;

  /**
   * Stores several callers' events in one transaction, answering each as
   * `ingest` would have in that order: an id stored by an earlier caller of
   * the batch is a duplicate for a later one. All or nothing for the batch.
   */
  ingestBatch(
    batch: Array<{
      events: Array<DoraEvent & { entityRef?: string }>;
      receivedAt: Date;
    }>,
  ): Promise<Array<{ stored: number; duplicates: number }>>;

  /**
   * The deployment events of one service, oldest first, however old: what
   * runs in an environment may have been deployed long ago.
   */
  listDeployments(entityRef: string): Promise<StoredDoraEvent[]>;

  /** Whether a webhook delivery id was recorded (and not yet forgotten). */
  hasDelivery(deliveryId: string): Promise<boolean>;

  /**
   * Records a webhook delivery id (again: no change), and forgets those
   * received before `forgetBefore`.
   */
  recordDelivery(
    deliveryId: string,
    receivedAt: Date,
    forgetBefore: Date,
  ): Promise<void>;

  /** All matched events of these services, however old, oldest first. */
  listAllForEntities(entityRefs: string[]): Promise<StoredDoraEvent[]>;

  /**
   * Services whose facts are stale: all of them, or those among
   * `entityRefs`.
   */
  listStale(entityRefs?: string[]): Promise<StaleDoraService[]>;

  /**
   * For each service whose stale mark is still the one given, replaces its
   * facts with these and clears the mark, in one transaction. A service
   * marked again since keeps its mark and old facts. Returns the services
   * whose facts were replaced.
   */
  replaceFacts(
    entries: Array<StaleDoraService & { facts: DoraFacts }>,
  ): Promise<string[]>;

  /**
   * The facts of these services (all services with `undefined`) that count
   * in the window.
   */
  listFacts(
    entityRefs: string[] | undefined,
    window: DoraWindow,
  ): Promise<DoraFacts>;

  /**
   * Marks every service stale unless the facts were worked out with these
   * settings (e.g. the production environments); remembers them. Returns
   * whether the settings changed.
   */
  useFactSettings(settings: string): Promise<boolean>;

  /** Unmatched events, newest first, with the total. */
  listUnmatched(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: StoredDoraEvent[]; totalCount: number }>;

  /** The distinct match keys of unmatched events. */
  listUnmatchedKeys(): Promise<string[]>;

  /**
   * Assigns unmatched events to services by match key, marking those
   * services stale; returns how many events were matched.
   */
  rematch(entityRefByMatchKey: Map<string, string>): Promise<number>;
}
