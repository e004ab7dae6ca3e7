import type { DoraWindow } from './dora';

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/**
 * The most buckets one trend may have: enough for a year of weeks or four
 * months of days, few enough that one request stays cheap.
 *
 * @public
 */
export const MAX_DORA_TREND_BUCKETS = 120;

/**
 * The default bucket length of a trend, in days: one bucket per week.
 *
 * @public
 */
export const DEFAULT_DORA_TREND_BUCKET_DAYS = 7;

function bounds(window: DoraWindow, bucketDays: number) {
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw new Error(
      `Invalid DORA window: from '${window.from}' must be before to '${window.to}'`,
    );
  }
  if (!Number.isInteger(bucketDays) || bucketDays < 1) {
    throw new Error(
      `Invalid DORA trend: bucketDays must be a positive integer, got ${bucketDays}`,
    );
  }
  return { fromMs, toMs, bucketMs: bucketDays * MS_PER_DAY };
}

/**
 * How many buckets of `bucketDays` days cover the window; the last one may
 * be shorter. Throws on an empty window or a bucket length that is not a
 * positive integer.
 *
 * @public
 */
export function countDoraTrendBuckets(
  window: DoraWindow,
  bucketDays: number,
): number {
  const { fromMs, toMs, bucketMs } = bounds(window, bucketDays);
  return Math.ceil((toMs - fromMs) / bucketMs);
}

/**
 * Consecutive windows of `bucketDays` days from `window.from` to
 * `window.to`, oldest first. They tile the window exactly: each `to` is the
 * next `from` (so no event counts twice), and the last bucket ends at
 * `window.to`, shorter when the window is not a whole number of buckets.
 * Throws above `MAX_DORA_TREND_BUCKETS` buckets.
 *
 * @public
 */
export function doraTrendWindows(
  window: DoraWindow,
  bucketDays: number,
): DoraWindow[] {
  const { fromMs, toMs, bucketMs } = bounds(window, bucketDays);
  const count = Math.ceil((toMs - fromMs) / bucketMs);
  if (count > MAX_DORA_TREND_BUCKETS) {
    throw new Error(
      `Invalid DORA trend: ${count} buckets, at most ${MAX_DORA_TREND_BUCKETS}`,
    );
  }
  const windows: DoraWindow[] = [];
  for (let start = fromMs; start < toMs; start += bucketMs) {
    windows.push({
      from: new Date(start).toISOString(),
      to: new Date(Math.min(start + bucketMs, toMs)).toISOString(),
    });
  }
  return windows;
}
