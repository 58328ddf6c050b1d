import type { PaymentFailedFact, PaymentSucceededFact } from './billingFacts';
import type { RecoveryCase, TimelineEntry } from './recoveryCase';

/**
 * Test mode only: a merchant asks for a case to end a given way, so their
 * webhook receivers see the real events without real money. Each outcome is
 * made of the facts and plan decisions real life would produce, applied by
 * the same transitions; nothing is sent to Stripe.
 *   succeeded → a payment_succeeded fact (the case is recovered);
 *   failed    → the plan runs out (exhausted, no end action at Stripe);
 *   blocked   → a never-retry decline: the plan waits for the customer's new card.
 */
export const SIMULATED_OUTCOMES = ['succeeded', 'failed', 'blocked'] as const;
export type SimulatedOutcome = (typeof SIMULATED_OUTCOMES)[number];

/** The decline a simulated block carries: the issuer says never to try this card again. */
export const SIMULATED_BLOCKING_DECLINE = {
  code: 'card_declined',
  declineCode: 'transaction_not_allowed',
  adviceCode: 'do_not_try_again',
  message: 'Simulated in test mode: the issuer will not approve this card again.',
} as const;

/** Why a simulated failure ran out, as its plan and timeline say it. */
export const SIMULATED_EXHAUSTION_REASON = 'simulated in test mode (simulateOutcome: failed); no end action ran at Stripe.';

const eventIdOf = (current: RecoveryCase, outcome: SimulatedOutcome) => `api_simulate:${current.id}:${outcome}`;

/** The timeline entry that says what follows was simulated, written before the simulated facts. */
export function simulationNote(outcome: SimulatedOutcome, now: Date): TimelineEntry {
  return {
    at: now,
    kind: 'merchant_control',
    summary: `Test mode: simulating the outcome "${outcome}" as asked through the API (simulateOutcome); nothing is charged at Stripe.`,
  };
}

/** The payment that a simulated success records. */
export function simulatedPayment(current: RecoveryCase, now: Date): PaymentSucceededFact {
  return { kind: 'payment_succeeded', eventId: eventIdOf(current, 'succeeded'), occurredAt: now, target: current.target, paidOutOfBand: false, stripeAttemptCount: null };
}

/** The never-retry decline that a simulated block records; no card attempt is added to the network ledger. */
export function simulatedBlockingDecline(current: RecoveryCase, now: Date): PaymentFailedFact {
  return {
    kind: 'payment_failed',
    eventId: eventIdOf(current, 'blocked'),
    occurredAt: now,
    target: current.target,
    amountMinor: current.amountMinor,
    currency: current.currency,
    stripeCustomerId: current.stripeCustomerId,
    customerEmail: current.customerEmail,
    customerName: current.customerName,
    subscriptionId: current.subscriptionId,
    decline: { ...SIMULATED_BLOCKING_DECLINE },
    card: current.card,
    needsCustomerAction: false,
    stripeAttemptCount: null,
    nextStripeRetryAt: current.nextStripeRetryAt,
    hostedInvoiceUrl: current.hostedInvoiceUrl,
    attemptKey: null,
  };
}
