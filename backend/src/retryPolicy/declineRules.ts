import type { DeclineDetails } from '../recovery';

/**
 * Decline classification as versioned data. Sources: Stripe's decline-code
 * and advice-code documentation, card-network retry rules as processors
 * publish them (see shared REFERENCE.md §1–2). Change the table, bump the version.
 */
export const DECLINE_RULES_VERSION = '2026-11-23.1';

export type DeclineBucket = 'never_retry' | 'customer_must_act' | 'soft' | 'ambiguous' | 'blocked_by_stripe';

const BUCKET_BY_CODE: Record<string, DeclineBucket> = {
  // Issuer will never approve this card: card networks forbid any reattempt.
  lost_card: 'never_retry',
  stolen_card: 'never_retry',
  pickup_card: 'never_retry',
  fraudulent: 'never_retry',
  revocation_of_authorization: 'never_retry',
  revocation_of_all_authorizations: 'never_retry',
  stop_payment_order: 'never_retry',
  incorrect_number: 'never_retry',
  invalid_number: 'never_retry',
  invalid_account: 'never_retry',
  transaction_not_allowed: 'never_retry',
  highest_risk_level: 'never_retry',
  // The customer must give new details or confirm the payment.
  expired_card: 'customer_must_act',
  incorrect_cvc: 'customer_must_act',
  invalid_cvc: 'customer_must_act',
  invalid_expiry_month: 'customer_must_act',
  invalid_expiry_year: 'customer_must_act',
  card_not_supported: 'customer_must_act',
  currency_not_supported: 'customer_must_act',
  authentication_required: 'customer_must_act',
  // Temporary: worth retrying within network limits.
  insufficient_funds: 'soft',
  processing_error: 'soft',
  issuer_not_available: 'soft',
  try_again_later: 'soft',
  reenter_transaction: 'soft',
  approve_with_id: 'soft',
  card_velocity_exceeded: 'soft',
  withdrawal_count_limit_exceeded: 'soft',
  // The issuer gave no reason: a few cautious retries, then ask the customer.
  do_not_honor: 'ambiguous',
  generic_decline: 'ambiguous',
  call_issuer: 'ambiguous',
  restricted_card: 'ambiguous',
  security_violation: 'ambiguous',
  card_declined: 'ambiguous',
  // Stripe's own guard against excessive retries fired.
  previously_declined_do_not_retry: 'blocked_by_stripe',
};

/** Visa category 1 ("issuer will never approve"): no reattempt at all on this card. */
const VISA_NEVER_APPROVE = new Set([
  'pickup_card', 'lost_card', 'stolen_card', 'invalid_account', 'incorrect_number', 'invalid_number',
  'revocation_of_authorization', 'revocation_of_all_authorizations', 'stop_payment_order', 'transaction_not_allowed',
]);

/** Mastercard merchant advice codes: 03/21 forbid retrying, 24–30 set a minimum wait. */
const MASTERCARD_NEVER = new Set(['03', '21']);
const HOUR_MS = 60 * 60 * 1000;
export const MASTERCARD_MIN_WAIT_MS: Record<string, number> = {
  '24': HOUR_MS,
  '25': 24 * HOUR_MS,
  '26': 2 * 24 * HOUR_MS,
  '27': 4 * 24 * HOUR_MS,
  '28': 6 * 24 * HOUR_MS,
  '29': 8 * 24 * HOUR_MS,
  '30': 10 * 24 * HOUR_MS,
};

const EXPLANATIONS: Record<DeclineBucket, string> = {
  never_retry: 'the issuer will not approve this card again; card networks forbid retrying it',
  customer_must_act: 'the customer must give new card details or confirm the payment',
  soft: 'a temporary decline that often succeeds on a later try',
  ambiguous: 'the issuer gave no reason; a few careful retries, then the customer is asked',
  blocked_by_stripe: "Stripe's guard against repeated declines blocked further tries on this card",
};

export interface DeclineClassification {
  bucket: DeclineBucket;
  matchedBy: 'advice_code' | 'network_advice_code' | 'decline_code' | 'code' | 'outcome_reason' | 'authentication' | 'unknown' | 'none';
  code: string | null;
  isInsufficientFunds: boolean;
  mastercardMinWaitMs: number | null;
  explanation: string;
}

/**
 * Puts a decline in a bucket. Precedence: Stripe's block → Mastercard advice
 * 03/21 or advice "do not try again" → advice "confirm card data" → a needed
 * authentication → decline_code → code. Unknown codes are ambiguous.
 * Example: { code: 'card_declined', declineCode: 'insufficient_funds' } → soft.
 */
export function classifyDecline(
  decline: DeclineDetails | null,
  context: { needsCustomerAction: boolean; chargeOutcomeReason?: string | null },
): DeclineClassification {
  const wait = decline?.networkAdviceCode ? (MASTERCARD_MIN_WAIT_MS[decline.networkAdviceCode] ?? null) : null;
  const result = (bucket: DeclineBucket, matchedBy: DeclineClassification['matchedBy'], code: string | null): DeclineClassification => ({
    bucket,
    matchedBy,
    code,
    isInsufficientFunds: code === 'insufficient_funds',
    mastercardMinWaitMs: wait,
    explanation: EXPLANATIONS[bucket],
  });

  if (context.chargeOutcomeReason === 'previously_declined_do_not_retry') return result('blocked_by_stripe', 'outcome_reason', 'previously_declined_do_not_retry');
  if (decline?.declineCode === 'previously_declined_do_not_retry') return result('blocked_by_stripe', 'decline_code', decline.declineCode);
  if (decline?.networkAdviceCode && MASTERCARD_NEVER.has(decline.networkAdviceCode)) return result('never_retry', 'network_advice_code', decline.networkAdviceCode);
  if (decline?.adviceCode === 'do_not_try_again') return result('never_retry', 'advice_code', decline.adviceCode);
  if (decline?.adviceCode === 'confirm_card_data') return result('customer_must_act', 'advice_code', decline.adviceCode);
  if (context.needsCustomerAction) return result('customer_must_act', 'authentication', 'authentication_required');
  if (!decline) return result('ambiguous', 'none', null);

  const declineCode = decline.declineCode ?? null;
  if (declineCode && BUCKET_BY_CODE[declineCode]) return result(BUCKET_BY_CODE[declineCode], 'decline_code', declineCode);
  const code = decline.code ?? null;
  if (code && code !== 'card_declined' && BUCKET_BY_CODE[code]) return result(BUCKET_BY_CODE[code], 'code', code);
  if (declineCode) return result('ambiguous', 'unknown', declineCode);
  if (code === 'card_declined') return result('ambiguous', 'code', code);
  return result('ambiguous', code ? 'unknown' : 'none', code);
}

export function isKnownDeclineCode(code: string): boolean {
  return code in BUCKET_BY_CODE;
}

export function isVisaNeverApprove(code: string | null | undefined): boolean {
  return code !== null && code !== undefined && VISA_NEVER_APPROVE.has(code);
}

export function isMastercardNeverRetry(networkAdviceCode: string | null | undefined, adviceCode?: string | null): boolean {
  return (networkAdviceCode !== null && networkAdviceCode !== undefined && MASTERCARD_NEVER.has(networkAdviceCode)) || adviceCode === 'do_not_try_again';
}
