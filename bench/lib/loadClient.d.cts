import autocannon from 'autocannon';

type Options = Parameters<typeof autocannon>[0];
type Result = Awaited<ReturnType<typeof autocannon>>;

/**
 * Runs autocannon with `options`; resolves with its result and every
 * response's latency in milliseconds, in the order they came.
 */
export function runLoad(
  run: typeof autocannon,
  options: Options,
): Promise<{ result: Result; latencies: number[] }>;
