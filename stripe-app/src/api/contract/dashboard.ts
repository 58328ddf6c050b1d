/** The home's figures: this month's recovery, and the lift against the holdout. */

import type { CaseStatus, DeclineBucket, RecoveryMethod } from './cases';

export interface CurrencyStats {
  currency: string;
  recoveredThisMonthMinor: number;
  recoveredTotalMinor: number;
  failedThisMonthMinor: number;
  mrrSavedMinor: number;
  activeMinor: number;
  /** This month, of this currency's cases that ended, the share recovered; null with none ended. */
  recoveryRate: number | null;
  churnPrevented: number;
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
  /** This month's dunning emails: sent and bounced count on the day sent; delivered, opened and clicked on the day it happened (each email once). */
  emails: { sent: number; delivered: number; opened: number; clicked: number; bounced: number };
}

/** POST /api/dashboard/export-link: a CSV download that needs no credentials, for 5 minutes. */
export interface ExportLink {
  object: 'export_link';
  url: string;
  expiresAt: string;
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

/** The filters of GET /api/dashboard/payments and of an export link; `from` and `to` (excluded) bound when the payment failed. */
export interface PaymentFilter {
  status?: CaseStatus;
  openingDeclineBucket?: DeclineBucket;
  currency?: string;
  customerId?: string;
  from?: string;
  to?: string;
}
