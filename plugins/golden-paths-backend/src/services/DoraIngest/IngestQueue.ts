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
 * Group commit for event ingest. When nothing is being written, a caller's
 * events are written on the next turn of the event loop, together with those
 * of every caller that came in the same turn; callers that arrive during a
 * write wait for it and are then written together, in one transaction. Under
 * load, many single-event requests share one commit instead of paying one
 * each; a lone request waits one turn. Each caller still gets its answer only
 * after its events are committed.
 *
 * When a shared transaction fails, each of its callers is retried on its own,
 * so one caller's bad events never fail another's.
 */
export class IngestQueue {
  private readonly pending: Pending[] = [];
  /** Writes in flight. */
  private active = 0;
  /** Whether a start is already scheduled for the next turn. */
  private starting = false;
  private readonly maxEvents: number;
  private readonly writers: number;

  constructor(
    private readonly store: Pick<DoraEventStore, 'ingestBatch'>,
    options: {
      /** How many events one transaction takes at most. */
      maxEvents?: number;
      /**
       * How many transactions may be written at once: 1 for SQLite, which
       * has one writer; on PostgreSQL a second overlaps the first's commit.
       */
      writers?: number;
    } = {},
  ) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.writers = Math.max(1, options.writers ?? 1);
  }

  ingest(
    events: Array<DoraEvent & { entityRef?: string }>,
    receivedAt: Date,
  ): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.pending.push({ events, receivedAt, resolve, reject });
      if (this.active >= this.writers || this.starting) return;
      // Start on the next turn of the event loop, not now: the requests
      // whose bytes have already arrived are parsed first and join this
      // write. A SQLite write is synchronous and never yields, so without
      // this turn every request would commit alone.
      this.starting = true;
      setImmediate(() => {
        this.starting = false;
        while (this.active < this.writers && this.pending.length > 0) {
          this.active++;
          void this.drain();
        }
      });
    });
  }

  private async drain() {
    try {
      while (this.pending.length > 0) {
        await this.write(this.take());
      }
    } finally {
      this.active--;
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
