import { performance } from 'node:perf_hooks';

/**
 * Durations of a timed operation, in milliseconds, summarised.
 */
export type TimingSummary = {
  /** How many timed runs, warm-ups excluded. */
  runs: number;
  /** Fastest run. */
  min: number;
  /** Middle run; the mean of the two middle runs for an even count. */
  median: number;
  /** Nearest-rank 95th percentile: with fewer than 20 runs, the slowest. */
  p95: number;
  /** Slowest run. */
  max: number;
};

/**
 * Summarises durations in milliseconds.
 */
export function summarize(samples: number[]): TimingSummary {
  if (samples.length === 0) throw new Error('no samples to summarise');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? sorted[middle]
      : (sorted[middle - 1] + sorted[middle]) / 2;
  // Nearest rank, so the figure is always a run that happened.
  const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1];
  return {
    runs: sorted.length,
    min: sorted[0],
    median,
    p95,
    max: sorted[sorted.length - 1],
  };
}

/**
 * Times `run` over `iterations` runs after `warmup` untimed ones. `prepare`
 * builds each run's input (e.g. a fresh copy of a service) and `check`
 * verifies each run's result; neither is timed, so only the operation itself
 * is measured, and a run that did the wrong work fails the benchmark instead
 * of reporting a flattering figure.
 */
export async function timeIterations<TPrepared, TResult>(options: {
  warmup: number;
  iterations: number;
  prepare: (run: number) => Promise<TPrepared>;
  run: (prepared: TPrepared) => Promise<TResult>;
  check?: (prepared: TPrepared, result: TResult) => Promise<void>;
  /** Untimed, after the check: e.g. removing the run's copy. */
  cleanup?: (prepared: TPrepared) => Promise<void>;
}): Promise<TimingSummary> {
  const samples: number[] = [];
  const total = options.warmup + options.iterations;
  for (let run = 0; run < total; run++) {
    const prepared = await options.prepare(run);
    const started = performance.now();
    const result = await options.run(prepared);
    const elapsed = performance.now() - started;
    await options.check?.(prepared, result);
    await options.cleanup?.(prepared);
    // Warm-ups load modules and let the JIT settle; their times are not kept.
    if (run >= options.warmup) samples.push(elapsed);
  }
  return summarize(samples);
}

/**
 * Formats milliseconds for a table: one decimal below 100 ms, whole numbers
 * above, since sub-millisecond precision means nothing at that scale.
 */
export function formatMs(ms: number): string {
  return ms < 100 ? ms.toFixed(1) : Math.round(ms).toString();
}
