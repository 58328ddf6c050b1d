import type { DeclineClassification } from '../retryPolicy';
import { withTimelineEntry } from './caseTimeline';
import type { CaseOutcome, RecoveryCase } from './recoveryCase';

/** A subscription as read at Stripe right before a charge. */
export interface SubscriptionState {
  status: string;
  /** Stripe's pause_collection is set: invoices are not collected. */
  collectionPaused: boolean;
}

/**
 * Whether the subscription still wants its invoice paid. Stop when Stripe says
 * canceled or incomplete_expired (the customer left), or unpaid with its
 * collection paused (the merchant stopped collecting). Read fresh right
 * before every charge, since its webhook may not have arrived yet.
 * Example: canceled 2 minutes ago, customer.subscription.deleted not yet delivered → stop, no charge.
 */
export function subscriptionStop(subscription: SubscriptionState): { status: 'churned' | 'canceled'; reason: 'subscription_canceled' | 'subscription_not_collecting'; why: string } | null {
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    return { status: 'churned', reason: 'subscription_canceled', why: `the subscription is ${subscription.status.replace('_', ' ')} at Stripe` };
  }
  if (subscription.status === 'unpaid' && subscription.collectionPaused) {
    return { status: 'canceled', reason: 'subscription_not_collecting', why: 'the subscription is unpaid and its collection is paused at Stripe' };
  }
  return null;
}

/** Closes a case before a charge because of its subscription (see subscriptionStop). */
export function stopForSubscription(current: RecoveryCase, stop: NonNullable<ReturnType<typeof subscriptionStop>>, now: Date): RecoveryCase | null {
  if (current.status !== 'active') return null;
  const outcome: CaseOutcome = { status: stop.status, reason: stop.reason, at: now };
  return withTimelineEntry(
    {
      ...current,
      status: stop.status,
      outcome,
      closedAt: now,
      nextActionAt: null,
      nextActionTrigger: null,
      nextEmailAt: null,
      plannedAction: { kind: 'none', at: null, reason: `Recovery stopped: ${stop.why}.` },
    },
    { at: now, kind: 'subscription_canceled', summary: `Recovery stopped before charging: ${stop.why}.` },
  );
}

/**
 * A worker gives a case back with the plan it made from what it read; a
 * request written meanwhile (the merchant's "retry now", a new card) is newer
 * than that plan and survives it. A request is "written meanwhile" when the
 * case as it is now asks for an early action the worker did not see last.
 * Example: the worker read "next retry Monday" and plans Monday; the merchant
 * asked "retry now" during the step → the case keeps "now, manual".
 */
export function keepRequestMadeMeanwhile(seenByWorker: RecoveryCase, fresh: RecoveryCase, planned: RecoveryCase): RecoveryCase {
  const isRequest = fresh.nextActionTrigger === 'manual' || fresh.nextActionTrigger === 'new_payment_method';
  const isNew =
    fresh.nextActionTrigger !== seenByWorker.nextActionTrigger ||
    fresh.nextActionAt?.getTime() !== seenByWorker.nextActionAt?.getTime() ||
    fresh.newPaymentMethodId !== seenByWorker.newPaymentMethodId;
  if (!isRequest || !isNew || planned.status !== 'active') return planned;
  return { ...planned, nextActionAt: fresh.nextActionAt, nextActionTrigger: fresh.nextActionTrigger, newPaymentMethodId: fresh.newPaymentMethodId };
}

/**
 * The merchant's "retry now" charges the card the case already has only when
 * its decline allows another try. A decline that says the card will not be
 * approved, that the customer must act, or that Stripe blocked further tries
 * waits for a new card whatever the merchant asks, even where no card-network
 * rule names the code (Mastercard has none for lost_card or expired_card).
 * Example: Mastercard declined lost_card; the merchant presses "retry now" → refused, no charge.
 */
export function manualRetryRefusal(classification: DeclineClassification): string | null {
  if (classification.bucket === 'soft' || classification.bucket === 'ambiguous') return null;
  return `Retry refused: ${classification.explanation}. A retry needs a new card.`;
}
