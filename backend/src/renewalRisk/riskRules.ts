import type { RenewalRisk, RiskReason } from '../renewals/renewal';
import type { FailureKind, RiskFeatures } from './riskFeatures';
import { describeReason, type RiskReasonCode, type WordingContext } from './riskWording';

/**
 * The transparent scoring rule: every factor adds points, the sum is capped to
 * 0..100, and the five largest factors are the reasons. The points are ours
 * (assumptions ranked by how surely each factor stops a charge: a missing or
 * expired card almost surely does, a debit card only sometimes); an account
 * with enough history of its own gets its own model instead (accountModel.ts).
 */

export const RULE_POINTS = {
  noCard: 70,
  cardExpiresBeforeRenewal: 55,
  /** Per earlier failure, by kind; the sum is capped at earlierFailuresCap. */
  earlierFailure: { insufficient_funds: 14, never_retry: 18, customer_must_act: 12, soft: 7, ambiguous: 10, blocked_by_stripe: 18 } as Record<FailureKind, number>,
  earlierFailuresCap: 40,
  /** Days since the last successful payment → points, from the longest gap down. */
  lastPaymentGap: [
    { days: 75, points: 15 },
    { days: 45, points: 8 },
  ],
  neverPaid: 6,
  prepaid: 22,
  debit: 6,
  /** Amount higher than the last paid → points, from the largest increase down. */
  amountIncrease: [
    { atLeast: 0.5, points: 14 },
    { atLeast: 0.1, points: 6 },
  ],
  /** First dispute, then each further one, capped. */
  disputeFirst: 16,
  disputeEach: 6,
  disputesCap: 28,
  /** Cards issued in India: off-session charges need an e-mandate (Stripe's docs on India recurring payments). */
  cardCountry: { IN: 18 } as Record<string, number>,
  crossBorder: 5,
  /** Networks with fewer issuers used to recurring charges (assumption). */
  cardBrand: { amex: 3, discover: 3, jcb: 4, unionpay: 6, diners: 4 } as Record<string, number>,
} as const;

export const MAX_REASONS = 5;

/** The points each factor adds for these features, largest first; factors that add nothing are left out. */
export function rulePoints(features: RiskFeatures): Array<{ code: RiskReasonCode; points: number }> {
  const points: Array<{ code: RiskReasonCode; points: number }> = [];
  const add = (code: RiskReasonCode, value: number) => {
    if (value > 0) points.push({ code, points: value });
  };
  if (!features.hasCard) add('no_card', RULE_POINTS.noCard);
  if (features.cardExpiresBeforeRenewal) add('card_expires_before_renewal', RULE_POINTS.cardExpiresBeforeRenewal);
  const failurePoints = (Object.entries(features.earlierFailures) as Array<[FailureKind, number]>).reduce((sum, [kind, count]) => sum + count * RULE_POINTS.earlierFailure[kind], 0);
  add('earlier_failures', Math.min(RULE_POINTS.earlierFailuresCap, failurePoints));
  if (features.daysSinceLastPayment === null) add('never_paid', RULE_POINTS.neverPaid);
  else add('long_since_last_payment', RULE_POINTS.lastPaymentGap.find((step) => features.daysSinceLastPayment! >= step.days)?.points ?? 0);
  if (features.funding === 'prepaid') add('prepaid_card', RULE_POINTS.prepaid);
  if (features.funding === 'debit') add('debit_card', RULE_POINTS.debit);
  add('amount_higher_than_last_paid', RULE_POINTS.amountIncrease.find((step) => features.amountIncrease >= step.atLeast)?.points ?? 0);
  if (features.disputes > 0) add('disputes', Math.min(RULE_POINTS.disputesCap, RULE_POINTS.disputeFirst + (features.disputes - 1) * RULE_POINTS.disputeEach));
  add('card_country', RULE_POINTS.cardCountry[features.cardCountry ?? ''] ?? 0);
  if (features.isCrossBorderCard && !RULE_POINTS.cardCountry[features.cardCountry ?? '']) add('cross_border_card', RULE_POINTS.crossBorder);
  add('card_brand', RULE_POINTS.cardBrand[features.cardBrand ?? ''] ?? 0);
  return points.sort((a, b) => b.points - a.points);
}

/**
 * Scores a renewal by the rules: the sum of the points, capped at 100.
 * Example: an expiring prepaid card (55 + 22) with one earlier insufficient-funds
 * failure (14) → 91, reasons in that order.
 */
export function scoreByRules(features: RiskFeatures, context: WordingContext, now: Date): RenewalRisk {
  const points = rulePoints(features);
  const total = points.reduce((sum, entry) => sum + entry.points, 0);
  const reasons: RiskReason[] = points.slice(0, MAX_REASONS).map((entry) => ({ code: entry.code, text: describeReason(entry.code, features, context), weight: entry.points }));
  return { score: Math.max(0, Math.min(100, Math.round(total))), reasons, model: 'rules', scoredAt: now };
}

export type RiskLevel = 'low' | 'medium' | 'high';

/** low below 40, medium 40 to 69, high from 70. */
export function riskLevelOf(score: number): RiskLevel {
  return score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low';
}
