import { DoraEvent, DoraEventStore } from '../../database/DoraEventStore';

type IngestResult = { stored: number; duplicates: number };

type Pending = {
  events: Array<DoraEvent & { entityRef?: string }>;
  receivedAt: Date;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
};

/** How many events one transaction takes at most. */
const DEFAULT_MAX_EVENTS = 5000;

/**
 * Group commit for event ingest. A caller's events are written at once when
 * nothing else is being written; callers that arrive during a write wait for
 * it and are then written together, in one transaction. Under load, many
 * single-event requests share one commit instead of paying one each; a lone
 * request waits for nothing. Each caller still gets its answer only after its
 * events are committed.
 *
 * When a shared transaction fails, each of its callers is retried on its own,
 * so one caller's bad events never fail another's.
 */
export class IngestQueue {
  private readonly pending: Pending[] = [];
  private writing = false;

  constructor(
    private readonly store: Pick<DoraEventStore, 'ingestBatch'>,
    private readonly maxEvents: number = DEFAULT_MAX_EVENTS,
  ) {}

  ingest(
    events: Array<DoraEvent & { entityRef?: string }>,
    receivedAt: Date,
  ): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.pending.push({ events, receivedAt, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain() {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        await this.write(this.take());
      }
    } finally {
      this.writing = false;
    }
  }

  /** The oldest callers, up to `maxEvents` events (always at least one). */
  private take(): Pending[] {
    let events = 0;
    let count = 0;
    while (
      count < this.pending.length &&
      (count === 0 ||
        events + this.pending[count].events.length <= this.maxEvents)
    ) {
      events += this.pending[count].events.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  private async write(batch: Pending[]) {
    try {
      const results = await this.store.ingestBatch(batch);
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.store.ingestBatch([p]);
          p.resolve(result);
        } catch (own) {
          p.reject(own);
        }
      }
    }
  }
}
