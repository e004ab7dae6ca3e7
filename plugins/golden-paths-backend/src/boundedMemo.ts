/**
 * `compute` with its results remembered per key, for values asked for often
 * from few distinct keys (a sweep's times, recent days, prepared statements).
 * Bounded: once it holds `max` results it forgets them all and starts over,
 * so it never grows with the data it sees.
 *
 * @internal
 */
export function boundedMemo<K, V>(
  compute: (key: K) => V,
  max: number,
): (key: K) => V {
  const results = new Map<K, V>();
  return key => {
    if (results.has(key)) return results.get(key)!;
    const result = compute(key);
    if (results.size >= max) results.clear();
    results.set(key, result);
    return result;
  };
}
