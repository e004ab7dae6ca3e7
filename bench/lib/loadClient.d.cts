import autocannon from 'autocannon';

type Options = Parameters<typeof autocannon>[0];
type Result = Awaited<ReturnType<typeof autocannon>>;

/**
 * Runs autocannon with `options`; resolves with its result, every
 * response's latency in milliseconds, in the order they came, and the
 * seconds from the start to the last response (autocannon itself ends a run
 * of a fixed `amount` at its next one-second tick).
 */
export function runLoad(
  run: typeof autocannon,
  options: Options,
): Promise<{ result: Result; latencies: number[]; seconds: number }>;
