import type { CardDetails, DeclineDetails } from './recoveryCase';
import type { OrderDetails } from './oneTimePayments';
import type { RenewalCard, SubscriptionState } from '../renewals';

/**
 * The billing gateway port: the Stripe reads and writes recovery needs, in
 * recovery's words. Declared here, beside the code that calls it, and
 * implemented by adapters/stripe, so the domain never depends on Stripe's SDK.
 */

export const PAYMENT_INTENT_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'canceled', 'succeeded'] as const;

/** Whose Stripe account a call acts on: an App install (Stripe-Account header) or the self-hosted key's own. */
export interface AccountRef {
  accountId: string;
  isAppInstall: boolean;
}

export interface InvoiceSnapshot {
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  amountRemainingMinor: number;
  currency: string;
  customerId: string | null;
  subscriptionId: string | null;
  attemptCount: number;
  nextPaymentAttemptAt: Date | null;
  /** The invoice's subscription, read in the same request as the invoice; null when it has none or Stripe did not include it. */
  subscription: (SubscriptionSnapshot & { id: string }) | null;
}

export interface CustomerSnapshot {
  country: string | null;
  /** State or province and postal code, from the same address as the country: they pick the zone in countries that span several. */
  state: string | null;
  postalCode: string | null;
  defaultPaymentMethodId: string | null;
  email: string | null;
  name: string | null;
  /** Stripe's `preferred_locales`, most preferred first (e.g. ['de-DE', 'en']); empty when the customer set none. */
  preferredLocales: string[];
}

/** A payment intent as Stripe holds it now, in our words. */
export interface PaymentIntentSnapshot {
  id: string;
  status: (typeof PAYMENT_INTENT_STATUSES)[number];
  amountMinor: number;
  currency: string;
  customerId: string | null;
  order: OrderDetails;
  createdAt: Date;
  /** How the customer agreed to be charged later without being present: set up for off-session use, or a mandate. */
  offSessionConsent: 'setup_future_usage' | 'mandate' | null;
}

/** A subscription as a charge needs it: whether Stripe still collects it. */
export interface SubscriptionSnapshot {
  status: string;
  collectionPaused: boolean;
}

export type PayOutcome =
  | { kind: 'paid' }
  | { kind: 'declined'; decline: DeclineDetails | null; card: CardDetails | null }
  | { kind: 'needs_customer_action' };

/** The Stripe calls recovery makes, in our words. Every write carries an idempotency key. */
export interface BillingGateway {
  fetchInvoice(account: AccountRef, invoiceId: string): Promise<InvoiceSnapshot | null>;
  fetchCustomer(account: AccountRef, customerId: string): Promise<CustomerSnapshot | null>;
  payInvoice(account: AccountRef, invoiceId: string, options: { paymentMethodId: string | null; idempotencyKey: string }): Promise<PayOutcome>;
  /** Retries a one-time payment (no invoice) by confirming its payment intent off-session. */
  confirmPayment(account: AccountRef, paymentIntentId: string, options: { paymentMethodId: string | null; idempotencyKey: string }): Promise<PayOutcome>;
  /** A one-time payment's intent as Stripe holds it now (read right before confirming it); null when Stripe has none. */
  fetchPaymentIntent(account: AccountRef, paymentIntentId: string): Promise<PaymentIntentSnapshot | null>;
  /** The customer's payment intents created since `createdSince`, newest first (the first 100). */
  listCustomerPaymentIntents(account: AccountRef, customerId: string, createdSince: Date): Promise<PaymentIntentSnapshot[]>;
  /** Whether the card was saved for charges without the customer (a succeeded SetupIntent with usage off_session, as the Billing Portal makes). */
  isSavedForOffSession(account: AccountRef, customerId: string, paymentMethodId: string): Promise<boolean>;
  /** Makes the card the one Stripe charges next: the customer's default, and the subscription's own default when it has one. */
  useForFuturePayments(
    account: AccountRef,
    target: { customerId: string; subscriptionId: string | null; paymentMethodId: string; idempotencyKey: string },
  ): Promise<Array<'customer' | 'subscription'>>;
  cancelSubscription(account: AccountRef, subscriptionId: string, idempotencyKey: string): Promise<void>;
  /** A short-lived Billing Portal session that only lets the customer replace their card; returns its URL. */
  createCardUpdateSession(account: AccountRef, customerId: string, returnUrl: string): Promise<string>;
  markUncollectible(account: AccountRef, invoiceId: string, idempotencyKey: string): Promise<void>;
  /** The card behind a payment method (fingerprint, brand, last4), so a "new" card can be told from one already tried; null when gone. */
  fetchCard(account: AccountRef, paymentMethodId: string): Promise<CardDetails | null>;
  /** The subscription's status, when the invoice read did not bring it; null when Stripe has no such subscription. */
  fetchSubscription(account: AccountRef, subscriptionId: string): Promise<SubscriptionSnapshot | null>;
  /** A card with its expiry and funding, for renewals; null when the payment method is gone or is not a card. */
  fetchPaymentCard(account: AccountRef, paymentMethodId: string): Promise<RenewalCard | null>;
  /** A subscription as renewals keep it (period end, amount, own default card); null when Stripe has no such subscription. */
  fetchSubscriptionState(account: AccountRef, subscriptionId: string): Promise<SubscriptionState | null>;
  /** The invoice or payment intent a merchant hands to recovery, with its last decline; null when this account has none in this mode. */
  fetchPaymentRecord(account: AccountRef, ref: PaymentRef): Promise<PaymentRecord | null>;
}

/**
 * A failed payment as Stripe holds it now, read when a merchant hands it to
 * recovery through the API: amounts, state and decline come from here, never
 * from the merchant's request.
 */

/** The last charge attempt on the payment, as its payment intent tells it. */
export interface LastPaymentAttempt {
  /** The payment intent's status, e.g. requires_payment_method after a decline. */
  status: string;
  decline: DeclineDetails | null;
  card: CardDetails | null;
}

export type PaymentRecord =
  | {
      kind: 'invoice';
      invoiceId: string;
      status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
      /** What is still owed: amount_remaining, else amount_due. */
      amountMinor: number;
      currency: string;
      customerId: string | null;
      customerEmail: string | null;
      customerName: string | null;
      subscriptionId: string | null;
      attemptCount: number;
      nextPaymentAttemptAt: Date | null;
      hostedInvoiceUrl: string | null;
      lastAttempt: LastPaymentAttempt | null;
    }
  | {
      kind: 'payment_intent';
      paymentIntentId: string;
      status: string;
      amountMinor: number;
      currency: string;
      customerId: string | null;
      customerEmail: string | null;
      order: OrderDetails;
      lastAttempt: LastPaymentAttempt;
    };

/** Which payment the merchant named. */
export type PaymentRef = { invoiceId: string } | { paymentIntentId: string };

/** What a case of a mode without a key says on its timeline; nothing is sent to Stripe for it. */
export function missingStripeKeyReason(livemode: boolean): string {
  return livemode
    ? 'This live-mode case needs a live key to act on Stripe (STRIPE_SECRET_KEY set to an sk_live_ or rk_live_ key); nothing was sent to Stripe, it waits.'
    : 'This test-mode case needs a test key to act on Stripe (STRIPE_TEST_SECRET_KEY, or STRIPE_SECRET_KEY set to an sk_test_ or rk_test_ key); nothing was sent to Stripe, it waits.';
}
