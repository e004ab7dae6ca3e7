import { coalesceReads } from './CoalescedReads';

describe('coalesceReads', () => {
  function tracked(values: Record<string, number>) {
    const calls: string[][] = [];
    const read = coalesceReads(async (keys: string[]) => {
      calls.push(keys);
      return new Map(
        keys.filter(k => k in values).map(k => [k, values[k]] as const),
      );
    });
    return { read, calls };
  }

  it('serves the reads of one turn with one call, each key once', async () => {
    const { read, calls } = tracked({ a: 1, b: 2 });
    const results = await Promise.all([read('a'), read('b'), read('a')]);
    expect(results).toEqual([1, 2, 1]);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('answers a key the read did not return with undefined', async () => {
    const { read } = tracked({ a: 1 });
    await expect(Promise.all([read('a'), read('x')])).resolves.toEqual([
      1,
      undefined,
    ]);
  });

  it('starts a new call for reads asked after the turn has passed', async () => {
    const { read, calls } = tracked({ a: 1, b: 2 });
    const first = read('a');
    await new Promise(resolve => setImmediate(resolve));
    const second = read('b');
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('fails every read of a failed call, and later reads still work', async () => {
    let fail = true;
    const read = coalesceReads(async (keys: string[]) => {
      if (fail) throw new Error('connection lost');
      return new Map(keys.map(k => [k, k.toUpperCase()] as const));
    });
    const failed = [read('a'), read('b')].map(p =>
      p.then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    );
    expect(await Promise.all(failed)).toEqual([
      'connection lost',
      'connection lost',
    ]);
    fail = false;
    await expect(read('a')).resolves.toBe('A');
  });
});
