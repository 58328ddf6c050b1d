import type { PlanDecision } from './attemptTransitions';
import type { CompletedPayment, PaymentMatch } from './oneTimePayments';
import type { RecoveryCase } from './recoveryCase';

/**
 * Pure rules for confirming a one-time payment intent ourselves, off-session:
 * only while Stripe still says it is unpaid, nobody paid the order another
 * way, and the customer agreed to be charged without being present.
 */

/** What Stripe says about the payment intent right now. */
export interface IntentState {
  status: 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded';
  /** The customer's consent to charges without them: the intent set up for off-session use, or a mandate. */
  offSessionConsent: 'setup_future_usage' | 'mandate' | null;
}

export interface ConfirmInputs {
  /** Null when Stripe no longer has the payment intent. */
  intent: IntentState | null;
  /** Another payment of the customer that paid this order, if one was found. */
  paidElsewhere: { payment: CompletedPayment; match: PaymentMatch } | null;
  /** The new card we would charge instead of the intent's own, and whether it was saved for off-session use. */
  newCard: { paymentMethodId: string; savedForOffSession: boolean } | null;
}

export type ConfirmDecision =
  | { kind: 'confirm' }
  | { kind: 'paid' }
  | { kind: 'paid_elsewhere'; payment: CompletedPayment; match: PaymentMatch }
  | { kind: 'in_flight'; reason: string }
  | { kind: 'canceled'; reason: string }
  | { kind: 'wait_for_customer'; reason: string };

/** Stripe is still working on a payment (processing, awaiting capture): look again this much later, never confirm it. */
export const IN_FLIGHT_RECHECK_MS = 6 * 60 * 60 * 1000;
/** While a case waits for the customer, the worker re-reads Stripe at most this often (to close it if they paid). */
export const CUSTOMER_WAIT_RECHECK_MS = 24 * 60 * 60 * 1000;

export const NO_CONSENT_REASON =
  'Waiting for the customer: this one-time payment was not set up for charges without the customer (no setup_future_usage or mandate), so it is not retried; the customer can pay, or save a card on the card-update page.';
export const NEW_CARD_NO_CONSENT_REASON =
  'Waiting for the customer: the new card was not set up for charges without the customer, so it is not charged; the customer can pay, or save the card on the card-update page.';

/**
 * Decides whether we may confirm the intent now. In order: gone or canceled →
 * stop; succeeded → close; processing or awaiting capture → look again later;
 * paid another way → close; then consent: a new card needs its own off-session
 * setup (the card-update page's Billing Portal flow makes one), the intent's
 * own card needs setup_future_usage off_session or a mandate.
 * Example: failed checkout without setup_future_usage, no new card → wait_for_customer.
 */
export function decideBeforeConfirm(inputs: ConfirmInputs): ConfirmDecision {
  const { intent } = inputs;
  if (!intent) return { kind: 'canceled', reason: 'The payment no longer exists at Stripe: recovery stopped.' };
  if (intent.status === 'canceled') return { kind: 'canceled', reason: 'The payment was canceled at Stripe: recovery stopped.' };
  if (intent.status === 'succeeded') return { kind: 'paid' };
  if (intent.status === 'processing' || intent.status === 'requires_capture') {
    return { kind: 'in_flight', reason: `Stripe is still processing this payment (${intent.status}): nothing is charged, we check again later.` };
  }
  if (inputs.paidElsewhere) return { kind: 'paid_elsewhere', ...inputs.paidElsewhere };
  if (inputs.newCard) return inputs.newCard.savedForOffSession ? { kind: 'confirm' } : { kind: 'wait_for_customer', reason: NEW_CARD_NO_CONSENT_REASON };
  return intent.offSessionConsent ? { kind: 'confirm' } : { kind: 'wait_for_customer', reason: NO_CONSENT_REASON };
}

/**
 * The plan while we wait for the customer: never a retry. Keeps the plan's
 * end (an exhausted plan still ends the case) and re-reads Stripe at the
 * plan's next moment, at most once per CUSTOMER_WAIT_RECHECK_MS.
 */
export function waitForCustomer<Plan extends PlanDecision>(plan: Plan, reason: string, now: Date): Plan | Extract<PlanDecision, { kind: 'wait_for_new_payment_method' }> {
  if (plan.kind === 'exhausted') return plan;
  const next = plan.kind === 'retry' ? plan.at : plan.recheckAt;
  const recheckAt = new Date(Math.max(next.getTime(), now.getTime() + CUSTOMER_WAIT_RECHECK_MS));
  return { kind: 'wait_for_new_payment_method', reason, recheckAt };
}

/** Stops the case: the payment intent is gone or canceled, nothing is left to recover. */
export function stopAsCanceled(current: RecoveryCase, reason: string, now: Date): RecoveryCase {
  if (current.status !== 'active') return current;
  return {
    ...current,
    status: 'canceled',
    outcome: { status: 'canceled', reason: 'payment_canceled', at: now },
    closedAt: now,
    nextActionAt: null,
    nextActionTrigger: null,
    plannedAction: null,
    nextEmailAt: null,
    timeline: [...current.timeline, { at: now, kind: 'payment_canceled', summary: reason }],
  };
}
