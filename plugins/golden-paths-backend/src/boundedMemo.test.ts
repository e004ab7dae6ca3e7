import { boundedMemo } from './boundedMemo';

describe('boundedMemo', () => {
  it('computes each key once until it holds its maximum, then starts over', () => {
    const compute = jest.fn((n: number) => n * 2);
    const double = boundedMemo(compute, 2);

    expect([double(1), double(2), double(1), double(2)]).toEqual([2, 4, 2, 4]);
    expect(compute.mock.calls).toEqual([[1], [2]]);

    // A third key forgets the first two.
    expect(double(3)).toBe(6);
    expect(double(1)).toBe(2);
    expect(double(3)).toBe(6);
    expect(compute.mock.calls).toEqual([[1], [2], [3], [1]]);
  });

  it('remembers results that are false or undefined', () => {
    const compute = jest.fn((key: string) =>
      key === 'no' ? false : undefined,
    );
    const check = boundedMemo(compute, 10);
    expect([check('no'), check('no'), check('x'), check('x')]).toEqual([
      false,
      false,
      undefined,
      undefined,
    ]);
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
