import type { PaymentRecord } from './billingGateway';
import type { PaymentFailedFact } from './billingFacts';
import type { DeclineDetails, RecoveryCase } from './recoveryCase';

/**
 * A merchant hands a failed payment to recovery through the API: the payment
 * as Stripe holds it decides whether there is anything to recover, and the
 * case opens from the same fact an `invoice.payment_failed` or
 * `payment_intent.payment_failed` webhook makes. Pure: no I/O, `now` passed in.
 */

export type HandOverRefusal = 'already_paid' | 'not_failed' | 'not_collectable' | 'no_customer';

export type HandOverDecision = { ok: true; fact: PaymentFailedFact } | { ok: false; reason: HandOverRefusal; detail: string };

/** The merchant's own words that go with a hand-over; never amounts or state. */
export interface HandOverRequest {
  /** Used only when Stripe carries no decline of its own. */
  originalDeclineCode?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

/** Payment intent statuses that mean a charge is running or done: nothing to recover. */
const IN_FLIGHT = new Set(['processing', 'requires_capture']);

/**
 * Decides whether the payment can become a recovery case.
 * Invoice: paid → already_paid; draft, void, uncollectible → not_collectable;
 * open but never attempted → not_failed; no customer → no_customer.
 * Payment intent: succeeded → already_paid; processing or awaiting capture,
 * or never declined → not_failed; canceled → not_collectable.
 * The event id is the same for every hand-over of one payment, so two at
 * once open one case. Example: open invoice, attempt_count 1, PaymentIntent
 * declined insufficient_funds → a payment_failed fact with Stripe's decline.
 */
export function decideHandOver(record: PaymentRecord, request: HandOverRequest, now: Date): HandOverDecision {
  const refusal = refusalOf(record);
  if (refusal) return { ok: false, ...refusal };
  const stripeDecline = record.lastAttempt?.decline ?? null;
  const decline: DeclineDetails | null = stripeDecline ?? (request.originalDeclineCode ? { code: 'card_declined', declineCode: request.originalDeclineCode } : null);
  const needsCustomerAction =
    record.lastAttempt?.status === 'requires_action' || decline?.code === 'authentication_required' || decline?.declineCode === 'authentication_required';
  const common = {
    kind: 'payment_failed' as const,
    occurredAt: now,
    amountMinor: record.amountMinor,
    currency: record.currency,
    stripeCustomerId: record.customerId,
    customerEmail: record.customerEmail,
    decline,
    card: record.lastAttempt?.card ?? null,
    needsCustomerAction,
    // No charge happened now: the card-network ledger already counts Stripe's own attempts.
    attemptKey: null,
    ...(request.metadata && Object.keys(request.metadata).length > 0 ? { metadata: request.metadata } : {}),
  };
  if (record.kind === 'invoice') {
    return {
      ok: true,
      fact: {
        ...common,
        eventId: handOverEventId(`invoice:${record.invoiceId}`),
        target: { kind: 'invoice', invoiceId: record.invoiceId },
        customerName: record.customerName,
        subscriptionId: record.subscriptionId,
        stripeAttemptCount: record.attemptCount,
        nextStripeRetryAt: record.nextPaymentAttemptAt,
        hostedInvoiceUrl: record.hostedInvoiceUrl,
      },
    };
  }
  return {
    ok: true,
    fact: {
      ...common,
      eventId: handOverEventId(`payment_intent:${record.paymentIntentId}`),
      target: { kind: 'one_time_payment', paymentIntentId: record.paymentIntentId },
      customerName: null,
      subscriptionId: null,
      stripeAttemptCount: null,
      nextStripeRetryAt: null,
      hostedInvoiceUrl: null,
      order: record.order,
    },
  };
}

/** One id per payment: a second hand-over of the same payment is the same fact, applied once. */
export function handOverEventId(caseKey: string): string {
  return `api_execute:${caseKey}`;
}

function refusalOf(record: PaymentRecord): { reason: HandOverRefusal; detail: string } | null {
  if (record.kind === 'invoice') {
    if (record.status === 'paid') return { reason: 'already_paid', detail: `Invoice ${record.invoiceId} is already paid.` };
    if (record.status !== 'open') return { reason: 'not_collectable', detail: `Invoice ${record.invoiceId} is ${record.status}: it cannot be collected.` };
    if (record.amountMinor <= 0) return { reason: 'already_paid', detail: `Invoice ${record.invoiceId} has nothing left to pay.` };
    if (record.attemptCount === 0 && !record.lastAttempt?.decline) return { reason: 'not_failed', detail: `Invoice ${record.invoiceId} has not been attempted yet: nothing failed.` };
  } else {
    const id = record.paymentIntentId;
    if (record.status === 'succeeded') return { reason: 'already_paid', detail: `PaymentIntent ${id} has succeeded.` };
    if (record.status === 'canceled') return { reason: 'not_collectable', detail: `PaymentIntent ${id} is canceled: it cannot be collected.` };
    if (IN_FLIGHT.has(record.status)) return { reason: 'not_failed', detail: `PaymentIntent ${id} is ${record.status}: nothing failed.` };
    if (record.status !== 'requires_action' && !record.lastAttempt.decline) return { reason: 'not_failed', detail: `PaymentIntent ${id} has not been declined (status ${record.status}).` };
  }
  if (!record.customerId) return { reason: 'no_customer', detail: 'The payment has no Stripe customer: recovery needs one to retry and to reach them.' };
  return null;
}

/** What the case's plan says now, as the execute answer shows it. */
export interface PlanView {
  nextAction: 'retry' | 'wait_for_new_payment_method' | 'exhausted' | 'none';
  at: Date | null;
  reason: string;
  /** `preview` until the worker has planned the case itself (right after it opens). */
  source: 'case' | 'preview';
}

/** A closed case has nothing next; an open one shows its own plan, else the preview. */
export function planViewOf(current: RecoveryCase, preview: PlanView | null): PlanView {
  if (current.status !== 'active') {
    return { nextAction: current.plannedAction?.kind === 'exhausted' ? 'exhausted' : 'none', at: null, reason: closedReason(current), source: 'case' };
  }
  if (current.plannedAction) return { nextAction: current.plannedAction.kind, at: current.plannedAction.at, reason: current.plannedAction.reason, source: 'case' };
  return preview ?? { nextAction: 'retry', at: current.nextActionAt, reason: 'The worker plans the first retry on its next pass.', source: 'preview' };
}

function closedReason(current: RecoveryCase): string {
  const outcome = current.outcome;
  if (!outcome) return `The case is ${current.status}.`;
  return outcome.status === 'recovered' ? `Recovered (${outcome.recoveredBy.replaceAll('_', ' ')}).` : `The case is ${outcome.status} (${outcome.reason.replaceAll('_', ' ')}).`;
}
