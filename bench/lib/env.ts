/**
 * A benchmark setting that lists positive whole numbers, comma-separated
 * (`PAVED_BENCH_SIZES=3000,30000`), or `fallback` when it is not set. A
 * value that is no such number stops the run, naming the setting.
 */
export function envNumbers(name: string, fallback: string): number[] {
  const text = process.env[name] ?? fallback;
  return text.split(',').map(part => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(
        `${name}: ${part.trim() || '(empty)'} is not a positive whole number`,
      );
    }
    return n;
  });
}
