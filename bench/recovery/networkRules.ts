import { MODEL } from './behaviourModel';

const DAY_MS = 86_400_000;

/** One charge of a card by the merchant, as the networks count it. */
export interface NetworkAttempt {
  at: number;
  declineCode: string | null;
}

export type NetworkViolation = 'visa_never_approve' | 'visa_reattempts_30d' | 'mastercard_declines_24h' | 'mastercard_declines_30d';

/**
 * The card-network rule an attempt at `at` would break, or null. The
 * simulator's own reading of shared/REFERENCE.md §2, independent of the
 * planner's networkLimits.ts, so that it can catch the planner out:
 * - Visa: no reattempt after a category-1 decline; at most 15 reattempts
 *   (16 attempts) per card in any 30 days;
 * - Mastercard: at most 10 declines per card in 24 hours and 35 in 30 days.
 * Example: a Visa card declined `transaction_not_allowed` at the renewal →
 * any retry is 'visa_never_approve'.
 */
export function violationAt(history: NetworkAttempt[], brand: string, at: number): NetworkViolation | null {
  const rules = MODEL.networkRules.value;
  const past = history.filter((attempt) => attempt.at <= at);
  if (brand === 'visa') {
    if (past.some((attempt) => attempt.declineCode !== null && rules.visaNeverApprove.includes(attempt.declineCode))) return 'visa_never_approve';
    if (past.filter((attempt) => attempt.at > at - 30 * DAY_MS).length >= rules.visaMaxReattemptsPer30Days + 1) return 'visa_reattempts_30d';
  }
  if (brand === 'mastercard') {
    const declines = past.filter((attempt) => attempt.declineCode !== null);
    if (declines.filter((attempt) => attempt.at > at - DAY_MS).length >= rules.mastercardMaxDeclinesPer24h) return 'mastercard_declines_24h';
    if (declines.filter((attempt) => attempt.at > at - 30 * DAY_MS).length >= rules.mastercardMaxDeclinesPer30Days) return 'mastercard_declines_30d';
  }
  return null;
}

/** The first time at or after `from` an attempt breaks no rule; null when no time ever will. */
export function firstAllowedAt(history: NetworkAttempt[], brand: string, from: number): number | null {
  let at = from;
  for (let step = 0; step < 100; step += 1) {
    const broken = violationAt(history, brand, at);
    if (broken === null) return at;
    if (broken === 'visa_never_approve') return null;
    // The oldest attempt inside the window has to leave it.
    const windowMs = broken === 'mastercard_declines_24h' ? DAY_MS : 30 * DAY_MS;
    const inside = history.filter((attempt) => attempt.at <= at && attempt.at > at - windowMs);
    at = inside[0]!.at + windowMs + 1;
  }
  return null;
}
