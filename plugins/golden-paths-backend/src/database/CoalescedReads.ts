/**
 * Turns a read of many keys into a read of one key, where the reads asked
 * for in the same turn of the event loop share one call of `readMany`.
 *
 * Under load, the requests the server takes in during one turn each ask for
 * a key before any answer comes back; instead of one round trip to the
 * database per request, they then share one statement for all their keys.
 * The first read of a turn waits only for the rest of that turn
 * (`setImmediate`), so a lone read costs no more than before. Every read
 * sees the database as of the shared statement, started after it was asked.
 *
 * `readMany` gets each key once and returns the found values by key; a key
 * it leaves out reads as undefined. If it fails, every read it served fails
 * with its error.
 *
 * @internal
 */
export function coalesceReads<K, V>(
  readMany: (keys: K[]) => Promise<Map<K, V>>,
): (key: K) => Promise<V | undefined> {
  let pending: Map<K, Array<Waiter<V>>> | undefined;

  const flush = async (batch: Map<K, Array<Waiter<V>>>) => {
    try {
      const found = await readMany([...batch.keys()]);
      for (const [key, waiters] of batch) {
        const value = found.get(key);
        for (const waiter of waiters) waiter.resolve(value);
      }
    } catch (error) {
      for (const waiters of batch.values()) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
  };

  return key =>
    new Promise<V | undefined>((resolve, reject) => {
      if (!pending) {
        const batch = new Map<K, Array<Waiter<V>>>();
        pending = batch;
        setImmediate(() => {
          pending = undefined;
          void flush(batch);
        });
      }
      const waiters = pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
    });
}

type Waiter<V> = {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
};
