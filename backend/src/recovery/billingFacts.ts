import type { CompletedPayment, OrderDetails } from './oneTimePayments';
import type { CardDetails, CaseTarget, DeclineDetails } from './recoveryCase';

/**
 * What happened at Stripe, in our words. The Stripe adapter turns each webhook
 * event into zero or more of these; the case state machine only sees facts.
 */

interface FactBase {
  eventId: string;
  /** When Stripe says it happened (event.created), not when we heard of it. */
  occurredAt: Date;
}

export interface PaymentFailedFact extends FactBase {
  kind: 'payment_failed';
  target: CaseTarget;
  amountMinor: number;
  currency: string;
  stripeCustomerId: string | null;
  customerEmail: string | null;
  customerName: string | null;
  subscriptionId: string | null;
  decline: DeclineDetails | null;
  card: CardDetails | null;
  /** The customer must authenticate (invoice.payment_action_required, requires_action). */
  needsCustomerAction: boolean;
  stripeAttemptCount: number | null;
  nextStripeRetryAt: Date | null;
  /** Stripe's hosted invoice page, where a customer confirms a payment that needs authentication. */
  hostedInvoiceUrl: string | null;
  /**
   * Names one charge attempt on the card for the network-limit ledger: the
   * idempotency key of the request that caused it (ours echo back) or the
   * event id. Null for invoice events, which repeat a payment's failure.
   */
  attemptKey: string | null;
  /** A one-time payment's order fields; absent for invoices. */
  order?: OrderDetails | null;
  /** The merchant's metadata, when they handed the payment over through the API. */
  metadata?: Record<string, string> | null;
}

export interface PaymentSucceededFact extends FactBase {
  kind: 'payment_succeeded';
  target: CaseTarget;
  /** The merchant recorded the payment outside Stripe. */
  paidOutOfBand: boolean;
  stripeAttemptCount: number | null;
  /**
   * A payment intent that is not an invoice's: who paid what for which order,
   * so a one-time case the customer paid another way can be closed.
   */
  payment?: CompletedPayment | null;
}

export interface InvoiceClosedFact extends FactBase {
  kind: 'invoice_voided' | 'marked_uncollectible';
  target: CaseTarget;
}

export interface SubscriptionCanceledFact extends FactBase {
  kind: 'subscription_canceled';
  subscriptionId: string;
}

export interface SubscriptionChangedFact extends FactBase {
  kind: 'subscription_changed';
  subscriptionId: string;
  status: string;
  previousStatus: string | null;
}

export interface PaymentMethodChangedFact extends FactBase {
  kind: 'payment_method_changed';
  stripeCustomerId: string;
  /** Which signal told us: attached, updated by the network, new default, setup checkout. */
  source: 'attached' | 'automatically_updated' | 'customer_default_changed' | 'subscription_default_changed' | 'checkout_setup';
  paymentMethodId: string | null;
  subscriptionId: string | null;
  /** The card's fingerprint, brand and last4 when the event carries the payment method itself. */
  card?: CardDetails | null;
}

export interface AppInstallFact extends FactBase {
  kind: 'app_installed' | 'app_uninstalled';
}

/** Facts about one case, found by its target. */
export type CaseFact = PaymentFailedFact | PaymentSucceededFact | InvoiceClosedFact;

/** Facts that touch every open case of a subscription or customer. */
export type CaseGroupFact = SubscriptionCanceledFact | SubscriptionChangedFact | PaymentMethodChangedFact | AppInstallFact;

export type BillingFact = CaseFact | CaseGroupFact;

export function isCaseFact(fact: BillingFact): fact is CaseFact {
  return fact.kind === 'payment_failed' || fact.kind === 'payment_succeeded' || fact.kind === 'invoice_voided' || fact.kind === 'marked_uncollectible';
}
