import { cardKeyOf, type RecordedCardAttempt } from '../cardLedger';
import type { PayOutcome } from './billingGateway';
import type { OurAttempt, RecoveryCase } from './recoveryCase';

/**
 * The card-ledger entry of one of our attempts, once Stripe answered it. The
 * ledger names the card by fingerprint whenever one is known: Stripe's answer,
 * the new card as read, the case's card.
 */
export function ledgerEntryOf(current: RecoveryCase, attempt: OurAttempt, outcome: PayOutcome): RecordedCardAttempt {
  const usedCard =
    outcome.kind === 'declined' && outcome.card?.fingerprint ? outcome.card
    : attempt.card ?? (attempt.paymentMethodId ? (outcome.kind === 'declined' && outcome.card ? outcome.card : { paymentMethodId: attempt.paymentMethodId }) : current.card);
  return {
    accountId: current.accountId,
    cardKey: cardKeyOf(usedCard, current.stripeCustomerId),
    brand: usedCard?.brand ?? current.card?.brand ?? null,
    attemptKey: attempt.idempotencyKey,
    at: attempt.startedAt,
    outcome: outcome.kind === 'paid' ? 'succeeded' : 'declined',
    initiatedBy: 'merchant',
    source: 'ours',
    invoiceId: current.target.kind === 'invoice' ? current.target.invoiceId : null,
    declineCode: outcome.kind === 'declined' ? (outcome.decline?.declineCode ?? outcome.decline?.code ?? null) : null,
    adviceCode: outcome.kind === 'declined' ? (outcome.decline?.adviceCode ?? null) : null,
    networkAdviceCode: outcome.kind === 'declined' ? (outcome.decline?.networkAdviceCode ?? null) : null,
  };
}
