import type { CardFunding, Renewal } from '../renewals/renewal';
import { cardExpiresBefore } from '../renewals/renewal';

/**
 * What a renewal's risk is judged on: facts about the card and the customer's
 * history, taken as they stand before the renewal is charged. Both scorers
 * (the rules and an account's own model) read only these, so what the model
 * learns from past renewals is exactly what the rules look at.
 */

/** What an earlier failure of this customer was, in the decline table's buckets. */
export type FailureKind = 'insufficient_funds' | 'never_retry' | 'customer_must_act' | 'soft' | 'ambiguous' | 'blocked_by_stripe';

export interface EarlierFailure {
  at: Date;
  kind: FailureKind;
}

/** The customer's history, read from their recovery cases; their disputes are on the renewal (charge.dispute.created). */
export interface CustomerHistory {
  /** Failed payments of this customer in this account and mode, other than the renewal's own invoice. */
  failures: EarlierFailure[];
  /** Disputes (chargebacks) the customer opened, when known from elsewhere; null: those recorded on the renewal. */
  disputes: number | null;
}

export interface RiskFeatures {
  hasCard: boolean;
  cardExpiresBeforeRenewal: boolean;
  /** Failures in the year before the renewal, by kind. */
  earlierFailures: Record<FailureKind, number>;
  earlierFailureCount: number;
  /** Days from the last successful payment of the subscription to the renewal; null when it was never paid. */
  daysSinceLastPayment: number | null;
  funding: CardFunding | null;
  /** How much more the renewal charges than the last paid invoice (0.25: a quarter more); 0 when not higher or unknown. */
  amountIncrease: number;
  /** Disputes the customer opened before the billing date. */
  disputes: number;
  cardBrand: string | null;
  cardCountry: string | null;
  /** The card was issued in another country than the customer's address. */
  isCrossBorderCard: boolean;
}

const DAY_MS = 86_400_000;
/** Failures older than this say little about the next renewal. */
export const FAILURE_LOOKBACK_DAYS = 365;

export const FAILURE_KINDS: readonly FailureKind[] = ['insufficient_funds', 'never_retry', 'customer_must_act', 'soft', 'ambiguous', 'blocked_by_stripe'];

/**
 * The features of one renewal. Everything is measured against the billing
 * date, not the time of scoring, so the same renewal scored on two days (or
 * recorded as an outcome later) has the same features.
 * Example: renews 12 April, last paid 12 February, amount 2900 after 1900 →
 * daysSinceLastPayment 59, amountIncrease 0.53.
 */
export function deriveRiskFeatures(renewal: Renewal, history: CustomerHistory, now: Date): RiskFeatures {
  const renewsAt = renewal.renewsAt ?? now;
  const since = renewsAt.getTime() - FAILURE_LOOKBACK_DAYS * DAY_MS;
  const earlierFailures = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as Record<FailureKind, number>;
  for (const failure of history.failures) {
    if (failure.at.getTime() >= since && failure.at.getTime() < renewsAt.getTime()) earlierFailures[failure.kind] += 1;
  }
  const card = renewal.card;
  const lastPaid = renewal.lastPaidAt && renewal.lastPaidAt.getTime() <= renewsAt.getTime() ? renewal.lastPaidAt : null;
  const lastAmount = renewal.lastPaidAmountMinor;
  return {
    hasCard: card !== null,
    cardExpiresBeforeRenewal: card !== null && renewal.renewsAt !== null && cardExpiresBefore(card, renewal.renewsAt),
    earlierFailures,
    earlierFailureCount: FAILURE_KINDS.reduce((sum, kind) => sum + earlierFailures[kind], 0),
    daysSinceLastPayment: lastPaid ? Math.floor((renewsAt.getTime() - lastPaid.getTime()) / DAY_MS) : null,
    funding: card?.funding ?? null,
    amountIncrease: lastAmount && lastAmount > 0 && renewal.amountMinor > lastAmount ? Math.round(((renewal.amountMinor - lastAmount) / lastAmount) * 100) / 100 : 0,
    disputes: history.disputes ?? renewal.customerDisputes.filter((dispute) => dispute.openedAt.getTime() < renewsAt.getTime()).length,
    cardBrand: card?.brand ?? null,
    cardCountry: card?.country ?? null,
    isCrossBorderCard: Boolean(card?.country && renewal.customerCountry && card.country !== renewal.customerCountry),
  };
}
