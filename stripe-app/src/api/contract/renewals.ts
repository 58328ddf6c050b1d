/** Upcoming renewals and their risk of failing: one view of a renewal everywhere (home, customer, outbound event). */

import type { ListPage } from './answers';

export type RiskLevel = 'low' | 'medium' | 'high';

/** One reason behind a score, in the merchant's words; `weight` ranks the reasons. */
export interface RenewalRiskReason {
  code: string;
  text: string;
  weight: number;
}

/** Whether reminders go out before this renewal: `stoppedBecause` is a stable code (card_updated_by_customer, …). */
export interface RenewalPreDunning {
  status: 'none' | 'planned' | 'sent' | 'stopped';
  remindersSent: number;
  nextReminderAt: string | null;
  stoppedBecause: string | null;
}

export interface RenewalCardSummary {
  brand: string | null;
  last4: string | null;
  expMonth: number;
  expYear: number;
  funding: string;
}

export interface RenewalRiskView {
  object: 'renewal_risk';
  subscriptionId: string;
  customerId: string;
  /** Masked like a case's: a***@example.com. */
  customerEmail: string | null;
  customerName: string | null;
  renewsAt: string;
  amountMinor: number;
  currency: string;
  /** 0 (safe) to 100 (almost sure to fail). */
  score: number;
  /** low below 40, medium 40 to 69, high from 70. */
  level: RiskLevel;
  /** Which scorer produced the score: the transparent rules, or a model fitted on this account's own renewals. */
  model: 'rules' | 'account_model';
  /** At most five, largest first. */
  reasons: RenewalRiskReason[];
  card: RenewalCardSummary | null;
  preDunning: RenewalPreDunning;
  scoredAt: string;
}

/** GET /api/dashboard/at-risk: renewals in the next 30 days, highest score first; `summary` counts those at or above the alert threshold. */
export interface AtRiskPage extends ListPage<RenewalRiskView> {
  summary: { count: number; amountMinorByCurrency: Record<string, number>; atOrAbove: number };
}

/** POST /api/predict/risk: every active subscription of the customer, scored now. */
export interface RenewalRiskList {
  object: 'list';
  data: RenewalRiskView[];
}
