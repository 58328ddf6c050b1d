import type { DeclineBucketName } from './behaviourModel';
import type { Comparison, SimulationResult } from './simulateRecovery';

const BUCKETS: DeclineBucketName[] = ['insufficient_funds', 'soft', 'ambiguous', 'never_retry', 'customer_must_act', 'blocked_by_stripe'];

/** The comparison as markdown tables: one row per policy, then recovered share per decline bucket, then ours against the two baselines. */
export function recoveryReportLines(result: SimulationResult): string[] {
  const { policies, options } = result;
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  const money = (minor: number) => `$${Math.round(minor / 100).toLocaleString('en-US')}`;
  const lines = [
    `## Recovery simulator (${options.customers.toLocaleString('en-US')} failed renewals, seed ${options.seed}, from ${options.start.toISOString().slice(0, 10)})`,
    '',
    ...table(
      ['policy', 'recovered', 'amount', 'by new card', 'retries / recovered', 'network violations', 'retries outside 07–21 local', 'mean days to recovery'],
      policies.map((entry) => [
        entry.label,
        percent(entry.recoveredShare),
        money(entry.recoveredAmountMinor),
        String(entry.recoveredByCardUpdate),
        entry.retriesPerRecovered.toFixed(2),
        entry.networkViolations === 0 ? '0' : `${entry.networkViolations} (${Object.entries(entry.violationsByRule).map(([rule, count]) => `${rule} ${count}`).join(', ')})`,
        String(entry.retriesOutsideDay),
        entry.meanDaysToRecovery.toFixed(1),
      ]),
    ),
    '',
    'Recovered share per decline bucket:',
    '',
    ...table(
      ['bucket', 'cases', ...policies.map((entry) => entry.policy)],
      BUCKETS.filter((bucket) => policies[0]?.byBucket[bucket]).map((bucket) => [
        bucket,
        String(policies[0]!.byBucket[bucket]!.cases),
        ...policies.map((entry) => percent(entry.byBucket[bucket]?.recoveredShare ?? 0)),
      ]),
    ),
    '',
    ...table(
      ['ours vs', 'recovered (points)', 'amount (ratio)', 'retries per recovered (ratio)'],
      [comparisonRow('strongest simple (daily 14 d, retryable, networks respected)', result.oursVsStrongestSimple), comparisonRow('fixed 3/5/7 days', result.oursVsFixed)].filter(
        (row): row is string[] => row !== null,
      ),
    ),
  ];
  return lines;
}

function comparisonRow(label: string, comparison: Comparison | null): string[] | null {
  if (!comparison) return null;
  const sign = comparison.points >= 0 ? '+' : '';
  return [label, `${sign}${comparison.points.toFixed(1)}`, comparison.amountRatio.toFixed(2), comparison.retriesRatio.toFixed(2)];
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.map(line)];
}
