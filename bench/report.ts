import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Shared by the benchmarks: medians, percentiles and the markdown report each writes to bench/reports/. */

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of `values` (p from 0 to 100). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Writes bench/reports/<name>.md and prints it. */
export function writeReport(name: string, lines: string[]): void {
  const report = `${lines.join('\n')}\n`;
  const directory = path.resolve(__dirname, 'reports');
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, `${name}.md`), report);
  process.stdout.write(report);
}
