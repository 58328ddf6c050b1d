import type { RenewalCard } from './renewal';

/**
 * What Stripe's events tell renewals, in our words (adapters/stripe
 * translates them). `at` is when Stripe said it (the event's created time),
 * so a late older event never overwrites a newer fact.
 */

/** A subscription as it stands: customer.subscription.created/updated/deleted, or a read at Stripe. */
export interface SubscriptionState {
  subscriptionId: string;
  customerId: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  /** current_period_end (the subscription's, or its first item's in newer API versions); null when none. */
  renewsAt: Date | null;
  /** The plan's price × quantity, summed over the items. */
  amountMinor: number;
  currency: string;
  /** The subscription's own default card; null: the customer's default applies. */
  defaultPaymentMethodId: string | null;
}

export type RenewalFact =
  | ({ kind: 'subscription'; at: Date } & SubscriptionState)
  /** invoice.upcoming: what the next renewal will charge. */
  | { kind: 'upcoming_invoice'; subscriptionId: string; customerId: string; amountMinor: number; currency: string; renewsAt: Date | null; at: Date }
  /** invoice.paid of a subscription invoice. */
  | { kind: 'invoice_paid'; subscriptionId: string; amountMinor: number; paidAt: Date; at: Date }
  /** A renewal invoice (billing_reason subscription_cycle) paid or failed: the outcome risk models learn from. */
  | { kind: 'renewal_charge'; subscriptionId: string; invoiceId: string; outcome: 'paid' | 'failed'; at: Date }
  /** customer.updated: contact details, and the invoice default card when it changed. */
  | {
      kind: 'customer';
      customerId: string;
      email: string | null;
      name: string | null;
      country: string | null;
      /** Stripe's `preferred_locales`, most preferred first. */
      preferredLocales?: string[];
      /** Present only when the event says the invoice default changed (null: removed). */
      newDefaultPaymentMethodId?: string | null;
      at: Date;
    }
  /**
   * charge.dispute.created: the customer disputed a payment. Stripe's dispute
   * names the payment, not the customer: `customerId` is null unless the
   * event carried the charge expanded, and the payment intent is read then.
   */
  | { kind: 'dispute'; disputeId: string; paymentIntentId: string | null; customerId: string | null; openedAt: Date; at: Date }
  /**
   * payment_method.attached / .automatically_updated: a card's details; `card`
   * is null when the event named the payment method only (then it is read at Stripe).
   */
  | { kind: 'card'; change: 'attached' | 'automatically_updated'; paymentMethodId: string; customerId: string | null; card: RenewalCard | null; at: Date };
