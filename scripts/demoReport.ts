import type { connectDatabase } from '../backend/src/database';
import type { RecoveryLift } from '../backend/src/stats';
import type { riskView } from '../backend/src/api/riskView';
import { ACCOUNT } from './demoCustomers';
import type { PreDunningOutcome } from './demoRenewals';

/** What the demo prints: a progress line per simulated day, the summary table, pre-dunning and the at-risk list, the holdout's lift. */

export interface Tally {
  failed: number;
  active: number;
  recoveredBy: Record<string, number>;
  lost: number;
  refusedByNetworkRules: number;
}

export async function tally(connection: Awaited<ReturnType<typeof connectDatabase>>): Promise<Tally> {
  const cases = await connection.collection('recoveryCases').find({ accountId: ACCOUNT }, { projection: { status: 1, outcome: 1, timeline: 1 } }).toArray();
  const recoveredBy: Record<string, number> = {};
  let refused = 0;
  for (const found of cases) {
    if (found.status === 'recovered') recoveredBy[found.outcome.recoveredBy] = (recoveredBy[found.outcome.recoveredBy] ?? 0) + 1;
    // A case counts once when card-network rules stopped at least one retry we would otherwise have made.
    if ((found.timeline as Array<{ kind: string; summary: string }>).some((entry) => (entry.kind === 'retry_planned' || entry.kind === 'retry_refused') && /network|Visa|Mastercard/.test(entry.summary))) refused += 1;
  }
  return {
    failed: cases.length,
    active: cases.filter((found) => found.status === 'active').length,
    recoveredBy,
    lost: cases.filter((found) => found.status !== 'active' && found.status !== 'recovered').length,
    refusedByNetworkRules: refused,
  };
}

/** A day's progress as the merchant's dashboard counts it. */
export interface Progress {
  failed: number;
  recovered: number;
  active: number;
}

/**
 * The progress from the stats' all-time counters (one small document per
 * currency, RollupStore.readAllTime), summed over currencies: the same
 * figures `tally` finds by reading every case, which cost seconds over the
 * demo's days; the summary still tallies the cases once.
 */
export function progressOf(allTimeByCurrency: Array<Record<string, number>>): Progress {
  const sum = (counter: string) => allTimeByCurrency.reduce((total, counters) => total + (counters[counter] ?? 0), 0);
  return { failed: sum('failed'), recovered: sum('recovered'), active: sum('active') };
}

export function progressLine(day: number, days: number, progress: Progress, emails: number): string {
  const bar = '#'.repeat(Math.round((Math.min(day, days) / days) * 30)).padEnd(30, '.');
  return `day ${String(Math.min(day, days)).padStart(2)}/${days} [${bar}] failed ${progress.failed}, recovered ${progress.recovered}, still recovering ${progress.active}, emails ${emails}`;
}

export function summaryTable(totals: Tally, emails: number): string {
  const recovered = Object.values(totals.recoveredBy).reduce((sum, count) => sum + count, 0);
  const ended = recovered + totals.lost;
  const rows: Array<[string, string]> = [
    ['Failed renewals', String(totals.failed)],
    ['Recovered', String(recovered)],
    ['  by our smart retries', String(totals.recoveredBy.our_retry ?? 0)],
    ['  by a card update', String(totals.recoveredBy.card_update ?? 0)],
    ['  by the customer paying', String(totals.recoveredBy.customer_payment ?? 0)],
    ["  by Stripe's own retry", String(totals.recoveredBy.stripe_retry ?? 0)],
    ['Not recovered (window over, canceled)', String(totals.lost)],
    ['Still recovering', String(totals.active)],
    ['Recovery rate (of all failed)', `${totals.failed === 0 ? 0 : ((recovered / totals.failed) * 100).toFixed(1)}%`],
    ['Recovery rate (of those ended)', `${ended === 0 ? 0 : ((recovered / ended) * 100).toFixed(1)}%`],
    ['Emails sent', String(emails)],
    ['Cases where card-network rules stopped a retry', String(totals.refusedByNetworkRules)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['| what | count |', `|${'-'.repeat(width + 2)}|-------|`, ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value.padStart(5)} |`)].join('\n');
}

/** The holdout's lift per currency, as GET /api/dashboard/lift gives it. */
export function liftLines(lift: RecoveryLift): string[] {
  const share = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
  return [
    `Holdout: ${(lift.holdoutShare * 100).toFixed(0)}% of customers left to Stripe alone (control group).`,
    ...lift.currencies.map((entry) => {
      const groups = `treated ${share(entry.treated.recoveredShare)} of ${entry.treated.ended} ended, control ${share(entry.control.recoveredShare)} of ${entry.control.ended} ended`;
      const difference = entry.difference
        ? `lift ${share(entry.difference.estimate)} (95% interval ${share(entry.difference.low)} to ${share(entry.difference.high)})`
        : `not enough data yet (${lift.minimumCasesPerGroup} ended cases per group needed)`;
      return `  ${entry.currency}: ${groups}; ${difference}`;
    }),
  ];
}

/** The summary's pre-dunning line, from what happened to the renewals whose card was expiring. */
export function preDunningLine(outcome: PreDunningOutcome): string {
  const amounts = Object.entries(outcome.preventedMinorByCurrency).map(([currency, minor]) => money(minor, currency));
  return `Failures prevented by pre-dunning: ${outcome.prevented} of ${outcome.reminded} expiring cards updated before renewal (amount ${amounts.length > 0 ? amounts.join(', ') : money(0, 'usd')})`;
}

/** A page of GET /api/dashboard/at-risk, as the API returns it. */
export interface AtRiskPage {
  data: Array<ReturnType<typeof riskView>>;
  summary: { count: number; amountMinorByCurrency: Record<string, number>; atOrAbove: number };
}

/** The at-risk list's top five: customer, score, level, top reason, pre-dunning status. */
export function atRiskLines(page: AtRiskPage, day: number): string[] {
  const amounts = Object.entries(page.summary.amountMinorByCurrency).map(([currency, minor]) => money(minor, currency));
  const rows = page.data.slice(0, 5).map((risk) => {
    const { status, remindersSent, stoppedBecause } = risk.preDunning;
    const preDunning = status === 'stopped' ? `stopped (${stoppedBecause ?? 'unknown'})` : status === 'sent' ? `sent (${remindersSent})` : status;
    return `| ${risk.customerName ?? risk.customerEmail ?? risk.customerId} | ${String(risk.score).padStart(5)} | ${risk.level.padEnd(6)} | ${risk.reasons[0]?.text ?? '–'} | ${preDunning} |`;
  });
  return [
    `Renewals at risk on day ${day}, before the first of them came due (GET /api/dashboard/at-risk): ${page.summary.count} at or above the alert threshold of ${page.summary.atOrAbove}${amounts.length > 0 ? `, ${amounts.join(', ')}` : ''}; the top five:`,
    '| customer | score | level | top reason | pre-dunning |',
    '|----------|------:|-------|------------|-------------|',
    ...rows,
  ];
}

function money(minor: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(minor / 100);
}
