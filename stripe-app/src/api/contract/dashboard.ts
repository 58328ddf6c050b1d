/** The home's figures: this month's recovery, and the lift against the holdout. */

import type { DeclineBucket, RecoveryMethod } from './cases';

export interface CurrencyStats {
  currency: string;
  recoveredThisMonthMinor: number;
  recoveredTotalMinor: number;
  failedThisMonthMinor: number;
  mrrSavedMinor: number;
  activeMinor: number;
}

export interface TrendDay {
  day: string; // YYYY-MM-DD (UTC)
  failed: number;
  recovered: number;
  amounts: Array<{ currency: string; failedMinor: number; recoveredMinor: number }>;
}

export interface DashboardStats {
  object: 'recovery_stats';
  month: string; // YYYY-MM
  recoveredThisMonth: number;
  failedThisMonth: number;
  recoveredTotal: number;
  /** Cases recovered this month ÷ cases that ended this month (recovered or lost); null with none ended. */
  recoveryRate: number | null;
  activeSequences: number;
  churnPrevented: number;
  currencies: CurrencyStats[];
  trend: TrendDay[];
  byDeclineBucket: Array<{ bucket: DeclineBucket; failed: number; recovered: number }>;
  byRecoveryMethod: Array<{ method: RecoveryMethod; count: number; amounts: Array<{ currency: string; amountMinor: number }> }>;
  emails: { sent: number; opened: number; clicked: number };
}

/** A difference of two recovered shares (treated − control, or B − A) with its 95 % confidence interval, as fractions. */
export interface ShareDifference {
  estimate: number;
  low: number;
  high: number;
}

export interface LiftGroup {
  cases: number;
  ended: number;
  recovered: number;
  recoveredMinor: number;
  recoveredShare: number | null;
}

/** GET /api/dashboard/lift: what recovery brings back compared with the holdout, per currency. */
export interface RecoveryLift {
  object: 'recovery_lift';
  holdoutShare: number;
  minimumCasesPerGroup: number;
  currencies: Array<{ currency: string; treated: LiftGroup; control: LiftGroup; difference: ShareDifference | null; enoughData: boolean }>;
}
