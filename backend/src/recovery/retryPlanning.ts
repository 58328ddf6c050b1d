import type { RecordedCardAttempt } from '../cardLedger';
import { classifyDecline, type CardAttempt, type LearnedPayMoments, type RetryPlanInput } from '../retryPolicy';
import type { CardDetails, RecoveryCase } from './recoveryCase';

/**
 * Builds the card's attempt history for the network-limit check from the
 * ledger, adding the attempts Stripe counted on this invoice that no webhook
 * told us about (invoice.attempt_count), so the limits are never undercounted.
 * Example: attempt_count 3, ledger knows 1 for this invoice → two more declines at lastFailedAt.
 */
export function cardHistoryOf(current: RecoveryCase, recorded: RecordedCardAttempt[], isCaseCard: boolean): CardAttempt[] {
  const history: CardAttempt[] = recorded.map((attempt) => ({
    at: attempt.at,
    outcome: attempt.outcome,
    initiatedBy: attempt.initiatedBy,
    declineCode: attempt.declineCode,
    adviceCode: attempt.adviceCode,
    networkAdviceCode: attempt.networkAdviceCode,
  }));
  if (isCaseCard && current.target.kind === 'invoice') {
    const invoiceId = current.target.invoiceId;
    const known = recorded.filter((attempt) => attempt.invoiceId === invoiceId).length;
    for (let missing = current.stripeAttemptCount - known; missing > 0; missing -= 1) {
      history.push({
        at: current.lastFailedAt,
        outcome: 'declined',
        initiatedBy: 'merchant',
        declineCode: current.decline?.declineCode ?? current.decline?.code ?? null,
        adviceCode: current.decline?.adviceCode ?? null,
        networkAdviceCode: current.decline?.networkAdviceCode ?? null,
      });
    }
  }
  return history.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * What the recovery plan needs to know about a case. `newCard` is a card read
 * at Stripe and found untried on this case (see isUntriedCard): the plan may
 * retry it at once, under its own brand's network rules. Without one the plan
 * is for the case's own card, whatever the customer did on the card-update page.
 */
export function planInputOf(current: RecoveryCase, history: CardAttempt[], newCard: CardDetails | null = null, learned: LearnedPayMoments | null = null): RetryPlanInput {
  const lastOurs = current.ourAttempts.at(-1)?.startedAt ?? null;
  const lastAttemptAt = lastOurs && lastOurs > current.lastFailedAt ? lastOurs : current.lastFailedAt;
  return {
    openedAt: current.openedAt,
    classification: classifyDecline(current.decline, { needsCustomerAction: current.needsCustomerAction }),
    ourAttemptCount: current.ourAttempts.length,
    lastAttemptAt,
    nextStripeRetryAt: current.nextStripeRetryAt,
    paymentMethodChangedSinceLastFailure: newCard !== null,
    customerCountry: current.customerCountry,
    customerTimeZone: current.customerTimeZone,
    cardBrand: (newCard ?? current.card)?.brand ?? null,
    cardCountry: (newCard ?? current.card)?.country ?? null,
    cardHistory: history,
    learnedPayMoments: learned,
  };
}
