/** A recovery case: one failed invoice (or one-time payment) we are trying to win back. */

export type CaseStatus = 'active' | 'recovered' | 'exhausted' | 'canceled' | 'churned';

/** How the money came back. */
export type RecoveredBy = 'our_retry' | 'card_update' | 'customer_payment' | 'stripe_retry' | 'merchant';

/** Why a case stopped without the money. */
export type StopReason =
  | 'invoice_voided'
  | 'marked_uncollectible'
  | 'subscription_canceled'
  | 'app_uninstalled'
  | 'merchant_canceled'
  | 'plan_ended';

export type CaseOutcome =
  | { status: 'recovered'; recoveredBy: RecoveredBy; at: Date }
  | { status: 'exhausted' | 'canceled' | 'churned'; reason: StopReason; at: Date };

export type CaseTarget =
  | { kind: 'invoice'; invoiceId: string }
  | { kind: 'one_time_payment'; paymentIntentId: string };

/** Stripe's decline vocabulary, kept verbatim so classification can evolve without losing data. */
export interface DeclineDetails {
  code?: string;
  declineCode?: string;
  adviceCode?: string;
  networkDeclineCode?: string;
  networkAdviceCode?: string;
  message?: string;
}

export interface CardDetails {
  paymentMethodId?: string;
  brand?: string;
  fingerprint?: string;
  last4?: string;
}

export type TimelineKind =
  | 'case_opened'
  | 'payment_failed'
  | 'payment_action_required'
  | 'payment_succeeded'
  | 'invoice_voided'
  | 'marked_uncollectible'
  | 'subscription_changed'
  | 'subscription_canceled'
  | 'payment_method_changed'
  | 'app_uninstalled'
  | 'event_ignored';

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  summary: string;
  eventId?: string;
}

export interface RecoveryCase {
  id: string;
  accountId: string;
  livemode: boolean;
  /** `invoice:<id>` or `payment_intent:<id>`: unique per account. */
  caseKey: string;
  target: CaseTarget;
  stripeCustomerId: string | null;
  customerEmail: string | null;
  subscriptionId: string | null;
  amountMinor: number;
  currency: string;
  status: CaseStatus;
  outcome: CaseOutcome | null;
  decline: DeclineDetails | null;
  card: CardDetails | null;
  /** True while the customer must confirm the payment themselves (3-D Secure). */
  needsCustomerAction: boolean;
  /** Stripe's own count of attempts on the invoice, ours and its own. */
  stripeAttemptCount: number;
  failureCount: number;
  /** When Stripe itself plans to retry; our retries keep clear of it. */
  nextStripeRetryAt: Date | null;
  openedAt: Date;
  lastFailedAt: Date;
  closedAt: Date | null;
  /** The last time the customer's payment method changed while the case was open. */
  paymentMethodChangedAt: Date | null;
  /** Events already applied, so a re-delivered or re-processed event changes nothing. */
  appliedEventIds: string[];
  timeline: TimelineEntry[];
  revision: number;
}

export function caseKeyOf(target: CaseTarget): string {
  return target.kind === 'invoice' ? `invoice:${target.invoiceId}` : `payment_intent:${target.paymentIntentId}`;
}

export function isClosed(status: CaseStatus): boolean {
  return status !== 'active';
}
