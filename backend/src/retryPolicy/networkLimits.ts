import { isMastercardNeverRetry, isVisaNeverApprove, MASTERCARD_MIN_WAIT_MS } from './declineRules';

/** One charge attempt on a card, ours or anyone's, as the ledger knows it. */
export interface CardAttempt {
  at: Date;
  outcome: 'declined' | 'succeeded';
  initiatedBy: 'merchant' | 'customer';
  declineCode?: string | null;
  adviceCode?: string | null;
  networkAdviceCode?: string | null;
}

export interface NetworkLimits {
  /** Visa: reattempts per card in any 30 days. Stripe documents 15; Visa allows 20 since May 2025. */
  visaMaxReattemptsPer30Days: number;
  /** Mastercard: declined attempts per card in any 24 hours. */
  mastercardMaxDeclinesPer24h: number;
  /** Mastercard: declined attempts per card in any 30 days. */
  mastercardMaxDeclinesPer30Days: number;
}

export const DEFAULT_NETWORK_LIMITS: NetworkLimits = {
  visaMaxReattemptsPer30Days: 15,
  mastercardMaxDeclinesPer24h: 10,
  mastercardMaxDeclinesPer30Days: 35,
};

export type NetworkRule =
  | 'visa_never_approve'
  | 'visa_reattempts_30d'
  | 'mastercard_do_not_try_again'
  | 'mastercard_declines_24h'
  | 'mastercard_declines_30d'
  | 'mastercard_advice_wait';

export type LimitCheck = { allowed: true } | { allowed: false; rule: NetworkRule; notBefore: Date | null; explanation: string };

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * May we charge this card at `at`? Rules per network (an unknown brand gets
 * both, the strictest reading):
 * - Visa: never after a category-1 decline; at most `visaMaxReattemptsPer30Days`
 *   reattempts by the merchant in any 30 days. We count every merchant-initiated
 *   attempt in the window after the first as a reattempt, so 15 allows 16 attempts.
 * - Mastercard: never after advice 03/21; at most 10 declines in 24 h and 35 in
 *   30 days; advice 24–30 sets a minimum wait after that decline.
 * - Any brand: Stripe's advice "do not try again" means never.
 * Example: Visa, 16 merchant attempts from 1 May → next allowed when the
 * oldest leaves the window, 31 May.
 */
export function checkNetworkLimits(history: CardAttempt[], brand: string | null, at: Date, limits: NetworkLimits): LimitCheck {
  const past = history.filter((attempt) => attempt.at <= at).sort((a, b) => a.at.getTime() - b.at.getTime());
  const declines = past.filter((attempt) => attempt.outcome === 'declined');
  const isVisa = brand === 'visa' || !isKnownBrand(brand);
  const isMastercard = brand === 'mastercard' || !isKnownBrand(brand);

  if (declines.some((attempt) => attempt.adviceCode === 'do_not_try_again' || (isMastercard && isMastercardNeverRetry(attempt.networkAdviceCode)))) {
    return { allowed: false, rule: 'mastercard_do_not_try_again', notBefore: null, explanation: 'the network said never to retry this card (do not try again)' };
  }
  if (isVisa && declines.some((attempt) => isVisaNeverApprove(attempt.declineCode))) {
    return { allowed: false, rule: 'visa_never_approve', notBefore: null, explanation: 'Visa forbids any reattempt after this decline (issuer will never approve)' };
  }

  if (isMastercard) {
    const last = declines.at(-1);
    const waitMs = last?.networkAdviceCode ? MASTERCARD_MIN_WAIT_MS[last.networkAdviceCode] : undefined;
    if (last && waitMs !== undefined && at.getTime() < last.at.getTime() + waitMs) {
      const notBefore = new Date(last.at.getTime() + waitMs);
      return { allowed: false, rule: 'mastercard_advice_wait', notBefore, explanation: `Mastercard asked to wait ${formatWait(waitMs)} after the last decline (advice ${last.networkAdviceCode})` };
    }
    const dayWindow = declines.filter((attempt) => attempt.at.getTime() > at.getTime() - DAY_MS);
    if (dayWindow.length >= limits.mastercardMaxDeclinesPer24h) {
      const notBefore = new Date(dayWindow[dayWindow.length - limits.mastercardMaxDeclinesPer24h]!.at.getTime() + DAY_MS);
      return { allowed: false, rule: 'mastercard_declines_24h', notBefore, explanation: `Mastercard allows at most ${limits.mastercardMaxDeclinesPer24h} declined attempts per card in 24 hours` };
    }
    const monthWindow = declines.filter((attempt) => attempt.at.getTime() > at.getTime() - 30 * DAY_MS);
    if (monthWindow.length >= limits.mastercardMaxDeclinesPer30Days) {
      const notBefore = new Date(monthWindow[monthWindow.length - limits.mastercardMaxDeclinesPer30Days]!.at.getTime() + 30 * DAY_MS);
      return { allowed: false, rule: 'mastercard_declines_30d', notBefore, explanation: `Mastercard allows at most ${limits.mastercardMaxDeclinesPer30Days} declined attempts per card in 30 days` };
    }
  }

  if (isVisa) {
    const merchantAttempts = past.filter((attempt) => attempt.initiatedBy === 'merchant' && attempt.at.getTime() > at.getTime() - 30 * DAY_MS);
    const allowedAttempts = limits.visaMaxReattemptsPer30Days + 1;
    if (merchantAttempts.length >= allowedAttempts) {
      const notBefore = new Date(merchantAttempts[merchantAttempts.length - allowedAttempts]!.at.getTime() + 30 * DAY_MS);
      return { allowed: false, rule: 'visa_reattempts_30d', notBefore, explanation: `Visa allows at most ${limits.visaMaxReattemptsPer30Days} reattempts per card in 30 days` };
    }
  }
  return { allowed: true };
}

/** The first moment at or after `from` when the card may be charged; null when never. */
export function earliestAllowedAt(history: CardAttempt[], brand: string | null, from: Date, limits: NetworkLimits): Date | null {
  let candidate = from;
  // Each refusal names a later time; a handful of steps always settles.
  for (let step = 0; step < 100; step += 1) {
    const check = checkNetworkLimits(history, brand, candidate, limits);
    if (check.allowed) return candidate;
    if (!check.notBefore) return null;
    candidate = check.notBefore > candidate ? check.notBefore : new Date(candidate.getTime() + 1);
  }
  return null;
}

/** Problems with merchant-set limits, each naming the limit. */
export function validateNetworkLimits(limits: NetworkLimits): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(limits.visaMaxReattemptsPer30Days) || limits.visaMaxReattemptsPer30Days < 0 || limits.visaMaxReattemptsPer30Days > 20) {
    problems.push('visaMaxReattemptsPer30Days: a whole number from 0 to 20 (Visa allows at most 20 reattempts per card in 30 days since May 2025)');
  }
  if (!Number.isInteger(limits.mastercardMaxDeclinesPer24h) || limits.mastercardMaxDeclinesPer24h < 0 || limits.mastercardMaxDeclinesPer24h > 10) {
    problems.push('mastercardMaxDeclinesPer24h: a whole number from 0 to 10 (Mastercard allows at most 10 declines per card in 24 hours)');
  }
  if (!Number.isInteger(limits.mastercardMaxDeclinesPer30Days) || limits.mastercardMaxDeclinesPer30Days < 0 || limits.mastercardMaxDeclinesPer30Days > 35) {
    problems.push('mastercardMaxDeclinesPer30Days: a whole number from 0 to 35 (Mastercard allows at most 35 declines per card in 30 days)');
  }
  return problems;
}

function isKnownBrand(brand: string | null): boolean {
  return brand !== null && brand !== 'unknown';
}

function formatWait(ms: number): string {
  return ms < DAY_MS ? `${ms / HOUR_MS} hour(s)` : `${ms / DAY_MS} day(s)`;
}
