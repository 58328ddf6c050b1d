import { APPLIED_EVENT_MEMORY } from './caseTransitions';
import { formatAmount } from './money';
import type { RecoveryCase } from './recoveryCase';

/**
 * Pure rules for one-time payments (a payment intent with no invoice): which
 * other payment by the customer paid the same order, so the failed one is
 * never charged as well.
 */

/** What the merchant's checkout wrote on a payment intent about its order. */
export interface OrderDetails {
  metadata: Record<string, string>;
  description: string | null;
}

/** A payment the customer completed: from a payment_intent.succeeded event, or read at Stripe. */
export interface CompletedPayment {
  paymentIntentId: string;
  stripeCustomerId: string | null;
  amountMinor: number;
  currency: string;
  order: OrderDetails;
  /** When it was paid (the event's time), or created when read at Stripe. */
  paidAt: Date;
}

/**
 * A customer who pays a failed order again does so within days (the order
 * email, a reminder); after a week a payment of the same amount is more
 * likely a new order than this one, so the amount rule stops there.
 */
export const SAME_ORDER_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Metadata keys checkouts commonly use for their order number, in the order we trust them. */
export const ORDER_METADATA_KEYS = ['order_id', 'orderId', 'order'] as const;

export type PaymentMatch = { rule: 'same_order'; orderReference: string } | { rule: 'same_description'; description: string } | { rule: 'same_amount' };

const RULE_STRENGTH: Record<PaymentMatch['rule'], number> = { same_order: 0, same_description: 1, same_amount: 2 };

/** The order number in a payment's metadata (`order_id`, then `orderId`, then `order`), if any. */
export function orderReferenceOf(order: OrderDetails | null | undefined): string | null {
  for (const key of ORDER_METADATA_KEYS) {
    const value = order?.metadata[key]?.trim();
    if (value) return value;
  }
  return null;
}

/**
 * Did `payment` pay the order of the one-time case `current`? Only another
 * payment intent of the same customer counts, then:
 * 1. the same order reference in metadata (and the same currency);
 * 2. else, unless both name different orders, the same description, amount and currency;
 * 3. else, unless both name different orders, the same amount and currency paid
 *    within SAME_ORDER_WINDOW_MS after the failure: a customer who checks out again
 *    without the order number (a new cart) is paying the same order.
 * Two different order references never match.
 * Example: failed pi_1 {order_id: ord_42} on 1 May; pi_2 {order_id: ord_42} paid 2 May → same order ord_42.
 */
export function matchPayment(current: RecoveryCase, payment: CompletedPayment): PaymentMatch | null {
  if (current.target.kind !== 'one_time_payment' || payment.paymentIntentId === current.target.paymentIntentId) return null;
  if (!current.stripeCustomerId || payment.stripeCustomerId !== current.stripeCustomerId) return null;
  if (payment.currency.toLowerCase() !== current.currency.toLowerCase()) return null;
  const ours = orderReferenceOf(current.order);
  const theirs = orderReferenceOf(payment.order);
  if (ours && theirs) return ours === theirs ? { rule: 'same_order', orderReference: ours } : null;
  if (payment.amountMinor !== current.amountMinor) return null;
  const description = current.order?.description?.trim();
  if (description && description === payment.order.description?.trim()) return { rule: 'same_description', description };
  const sinceFailureMs = payment.paidAt.getTime() - current.openedAt.getTime();
  return sinceFailureMs >= 0 && sinceFailureMs <= SAME_ORDER_WINDOW_MS ? { rule: 'same_amount' } : null;
}

/** The one active case a payment settles: the strongest rule wins, then the oldest case (one payment pays one order). */
export function pickCaseForPayment(cases: RecoveryCase[], payment: CompletedPayment): { case: RecoveryCase; match: PaymentMatch } | null {
  const matches = cases
    .filter((candidate) => candidate.status === 'active')
    .flatMap((candidate) => {
      const match = matchPayment(candidate, payment);
      return match ? [{ case: candidate, match }] : [];
    });
  matches.sort((a, b) => RULE_STRENGTH[a.match.rule] - RULE_STRENGTH[b.match.rule] || a.case.openedAt.getTime() - b.case.openedAt.getTime());
  return matches[0] ?? null;
}

/** The payment among `payments` that paid this case's order, if any: the strongest rule wins. */
export function findPaymentForCase(current: RecoveryCase, payments: CompletedPayment[]): { payment: CompletedPayment; match: PaymentMatch } | null {
  const found = payments.flatMap((payment) => {
    const match = matchPayment(current, payment);
    return match ? [{ payment, match }] : [];
  });
  found.sort((a, b) => RULE_STRENGTH[a.match.rule] - RULE_STRENGTH[b.match.rule]);
  return found[0] ?? null;
}

/** The timeline's words for a match, e.g. "paid with another payment, pi_2, same order ord_42". */
export function describeMatch(payment: CompletedPayment, match: PaymentMatch): string {
  const rule =
    match.rule === 'same_order' ? `same order ${match.orderReference}`
    : match.rule === 'same_description' ? `same description "${match.description}", amount and currency`
    : 'same customer, amount and currency within 7 days';
  return `paid with another payment, ${payment.paymentIntentId}, ${rule}`;
}

/** Closes the case as recovered by the customer's own payment, saying which rule matched; null when nothing changes. */
export function closeAsPaidElsewhere(current: RecoveryCase, payment: CompletedPayment, match: PaymentMatch, eventId: string, at: Date): RecoveryCase | null {
  if (current.status !== 'active' || current.appliedEventIds.includes(eventId)) return null;
  return {
    ...current,
    status: 'recovered',
    outcome: { status: 'recovered', recoveredBy: 'customer_payment', at },
    closedAt: at,
    nextActionAt: null,
    nextActionTrigger: null,
    plannedAction: null,
    nextEmailAt: null,
    confirmationDueAt: at,
    appliedEventIds: [...current.appliedEventIds, eventId].slice(-APPLIED_EVENT_MEMORY),
    timeline: [
      ...current.timeline,
      { at, kind: 'payment_succeeded', eventId, summary: `Customer ${describeMatch(payment, match)}: ${formatAmount(current.amountMinor, current.currency)} recovered, nothing more will be charged.` },
    ],
  };
}
