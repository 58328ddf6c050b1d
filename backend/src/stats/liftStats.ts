import type { HoldoutGroup } from '../lift/holdout';
import { newcombeDifference } from '../lift/proportions';
import { ALL_TIME } from './caseContribution';
import type { RollupDocument } from './rollupStore';

/**
 * The lift: how much more of their failed payments merchants get back with us
 * than Stripe alone gets back on the holdout's control group, per currency,
 * from the all-time rollup counters (never a scan of the cases).
 */

/**
 * Ended cases each group needs before the difference is shown. At 30 per
 * group the 95 % interval of a difference of two shares is still about ±24
 * points wide (15 of 30 against 15 of 30: −0.24 to +0.24); with fewer it is
 * wider still, says nothing a merchant can act on, and one case more can flip
 * the estimate's sign. 30 is where the figure starts to mean something.
 */
export const MINIMUM_CASES_PER_GROUP = 30;

export interface LiftGroup {
  /** Cases opened in the group. */
  cases: number;
  /** Of those, ended (recovered, exhausted, canceled, churned). */
  ended: number;
  recovered: number;
  recoveredMinor: number;
  /** recovered ÷ ended; null while none has ended. */
  recoveredShare: number | null;
}

export interface CurrencyLift {
  currency: string;
  treated: LiftGroup;
  control: LiftGroup;
  /** Treated − control recovered share, with Newcombe's 95 % interval; null without enough data. */
  difference: { estimate: number; low: number; high: number } | null;
  /** Both groups have at least MINIMUM_CASES_PER_GROUP ended cases. */
  enoughData: boolean;
}

export interface RecoveryLift {
  object: 'recovery_lift';
  holdoutShare: number;
  minimumCasesPerGroup: number;
  currencies: CurrencyLift[];
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function groupOf(counters: Record<string, number>, group: HoldoutGroup): LiftGroup {
  const count = (name: string) => counters[`group:${group}:${name}`] ?? 0;
  const ended = count('ended');
  const recovered = count('recovered');
  return { cases: count('failed'), ended, recovered, recoveredMinor: count('recoveredMinor'), recoveredShare: ended === 0 ? null : round(recovered / ended) };
}

/**
 * Treated against control per currency, from the all-time documents.
 * Example: treated 40 recovered of 60 ended, control 12 of 40 → estimate 0.3667,
 * interval about 0.17 to 0.53, enoughData true (both ≥ 30 ended).
 */
export function buildRecoveryLift(docs: RollupDocument[], holdoutShare: number): RecoveryLift {
  const currencies: CurrencyLift[] = [];
  for (const doc of docs.filter((found) => found.day === ALL_TIME).sort((a, b) => a.currency.localeCompare(b.currency))) {
    const treated = groupOf(doc.counters, 'treated');
    const control = groupOf(doc.counters, 'control');
    if (treated.cases === 0 && control.cases === 0) continue;
    const enoughData = treated.ended >= MINIMUM_CASES_PER_GROUP && control.ended >= MINIMUM_CASES_PER_GROUP;
    const interval = enoughData ? newcombeDifference(treated.recovered, treated.ended, control.recovered, control.ended) : null;
    currencies.push({
      currency: doc.currency,
      treated,
      control,
      difference: interval && { estimate: round(interval.estimate), low: round(interval.low), high: round(interval.high) },
      enoughData,
    });
  }
  return { object: 'recovery_lift', holdoutShare, minimumCasesPerGroup: MINIMUM_CASES_PER_GROUP, currencies };
}
