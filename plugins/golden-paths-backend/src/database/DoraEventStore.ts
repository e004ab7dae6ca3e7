import {
  ChangeRecord,
  DeploymentRecord,
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
 * Keeps DORA events; an event id is stored once.
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

  /**
   * The matched events of these services that occurred before `window.to`.
   * Earlier events are included: an incident links to the deployment before
   * it, and a change ships with a later deployment.
   */
  listForEntities(
    entityRefs: string[],
    window: DoraWindow,
  ): Promise<StoredDoraEvent[]>;

  /** Unmatched events, newest first, with the total. */
  listUnmatched(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: StoredDoraEvent[]; totalCount: number }>;

  /** The distinct match keys of unmatched events. */
  listUnmatchedKeys(): Promise<string[]>;

  /**
   * Assigns unmatched events to services by match key; returns how many
   * events were matched.
   */
  rematch(entityRefByMatchKey: Map<string, string>): Promise<number>;
}
