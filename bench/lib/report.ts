import os from 'node:os';
import { formatMs, TimingSummary } from './timing';

/**
 * Markdown lines describing the machine a benchmark ran on, so figures
 * pasted elsewhere keep their context.
 */
export function machineInfo(): string[] {
  const cpus = os.cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version} (${process.platform}-${process.arch})`,
    `- cpu: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores`,
    `- memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    // Other work on the machine shows up as slow runs; this tells readers.
    `- load average when the runs ended: ${os
      .loadavg()
      .map(load => load.toFixed(2))
      .join(', ')} (1, 5, 15 min)`,
  ];
}

/**
 * A markdown table with a header row; cells are written as given.
 */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join(
    '\n',
  );
}

/** The timing columns every benchmark table ends with. */
export const TIMING_HEADER = [
  'runs',
  'min ms',
  'median ms',
  'p95 ms',
  'max ms',
  'target',
  'within target (median / p95)',
];

/**
 * The timing cells of one table row, judged against a target in
 * milliseconds by the median (the typical run) and by the p95 (the slow
 * runs users also notice, and where load from other processes shows).
 * Without a target (a part of a larger operation) nothing is judged.
 */
export function timingCells(
  summary: TimingSummary,
  targetMs?: number,
): string[] {
  const judged =
    targetMs === undefined
      ? ['—', '—']
      : [
          targetMs >= 1000 ? `${targetMs / 1000} s` : `${targetMs} ms`,
          [summary.median, summary.p95]
            .map(ms => (ms <= targetMs ? 'yes' : '**no**'))
            .join(' / '),
        ];
  return [
    String(summary.runs),
    formatMs(summary.min),
    formatMs(summary.median),
    formatMs(summary.p95),
    formatMs(summary.max),
    ...judged,
  ];
}

/**
 * A byte count for humans: KiB or MiB with one decimal.
 */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 2
    ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Runs a benchmark's `main` and exits: 0 once it is done (the database
 * pools and servers it opened may still hold the event loop), 1 with the
 * error printed if it failed.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}
