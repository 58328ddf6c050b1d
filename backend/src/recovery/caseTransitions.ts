import type { CaseFact, CaseGroupFact, PaymentFailedFact, PaymentSucceededFact } from './billingFacts';
import { withAppliedEntry } from './caseTimeline';
import { classifyDecline } from '../retryPolicy/declineRules';
import { assignToGroup, type Holdout } from './controlGroup';
import { formatAmount } from './money';
import { recordPaymentMethodChange } from './paymentMethodTransitions';
import { caseKeyOf, type DeclineDetails, type RecoveredBy, type RecoveryCase, type StopReason, type TimelineEntry } from './recoveryCase';

/**
 * The case state machine: active → recovered | exhausted | canceled | churned.
 * Pure: every function takes the current case and a fact and returns a
 * decision as data. Decisions are idempotent (an applied event id changes
 * nothing) and order-tolerant (stale facts never overwrite newer ones, a
 * payment always wins, closed cases do not reopen on a late failure).
 */

export type NewRecoveryCase = Omit<RecoveryCase, 'id' | 'revision'>;

export type CaseDecision =
  | { kind: 'open'; case: NewRecoveryCase }
  | { kind: 'update'; case: RecoveryCase }
  | { kind: 'ignore'; reason: string; ourAttemptAlreadyRecorded?: true };

export { APPLIED_EVENT_MEMORY } from './caseTimeline';

/** Stripe's own retry is credited when the payment lands this close to the time Stripe scheduled it. */
export const STRIPE_RETRY_ATTRIBUTION_WINDOW_MS = 60 * 60 * 1000;

export interface Tenant {
  accountId: string;
  livemode: boolean;
  /** The account's holdout in this mode, for cases that open; absent: every new case is treated. */
  holdout?: Holdout | null;
}

/**
 * Decides what a fact about one invoice or payment does to its case.
 * `alreadySettled` says the target was paid, voided or written off before
 * (known from earlier events), so a late failure opens nothing.
 */
export function decideCaseFact(
  current: RecoveryCase | null,
  fact: CaseFact,
  tenant: Tenant,
  alreadySettled: boolean,
): CaseDecision {
  if (current === null) {
    if (fact.kind !== 'payment_failed') return { kind: 'ignore', reason: `${fact.kind} for a payment with no recovery case` };
    if (alreadySettled) return { kind: 'ignore', reason: 'payment already settled before this failure arrived' };
    return { kind: 'open', case: assignToGroup(openCase(fact, tenant), tenant.holdout ?? null) };
  }
  if (current.appliedEventIds.includes(fact.eventId)) return { kind: 'ignore', reason: 'event already applied' };

  switch (fact.kind) {
    case 'payment_failed':
      return recordFailure(current, fact);
    case 'payment_succeeded':
      return recordPayment(current, fact);
    case 'invoice_voided':
      return stopIfActive(current, fact.eventId, fact.occurredAt, 'canceled', 'invoice_voided', 'Invoice voided: recovery stopped.');
    case 'marked_uncollectible':
      return stopIfActive(current, fact.eventId, fact.occurredAt, 'canceled', 'marked_uncollectible', 'Invoice marked uncollectible: recovery stopped.');
  }
}

/** Decides what a subscription, customer or install fact does to one of the account's cases. */
export function decideGroupFact(current: RecoveryCase, fact: CaseGroupFact): CaseDecision {
  if (current.appliedEventIds.includes(fact.eventId)) return { kind: 'ignore', reason: 'event already applied' };
  switch (fact.kind) {
    case 'subscription_canceled':
      return stopIfActive(current, fact.eventId, fact.occurredAt, 'churned', 'subscription_canceled', 'Subscription canceled: the customer churned.');
    case 'app_uninstalled':
      return stopIfActive(current, fact.eventId, fact.occurredAt, 'canceled', 'app_uninstalled', 'App uninstalled: recovery stopped.');
    case 'app_installed':
      return { kind: 'ignore', reason: 'installs do not change cases' };
    case 'subscription_changed':
      if (current.status !== 'active') return { kind: 'ignore', reason: 'case is closed' };
      if (fact.previousStatus === null || fact.previousStatus === fact.status) return { kind: 'ignore', reason: 'subscription status unchanged' };
      return {
        kind: 'update',
        case: withAppliedEntry(current, fact.eventId, {
          at: fact.occurredAt,
          kind: 'subscription_changed',
          summary: `Subscription went from ${fact.previousStatus} to ${fact.status}.`,
        }),
      };
    case 'payment_method_changed':
      return recordPaymentMethodChange(current, fact);
  }
}

/**
 * Credits a recovery to whoever brought the money back:
 * out-of-band → merchant; our own attempt in flight → our retry (or card update
 * when a new card triggered it); a new card since the last failure → card update;
 * Stripe's next scheduled attempt (±1 h) → Stripe's retry; otherwise the customer paid.
 * Example: failed 1 May, Stripe retry planned 4 May 10:00, paid 4 May 10:02 → stripe_retry.
 */
export function attributeRecovery(current: RecoveryCase, fact: PaymentSucceededFact): RecoveredBy {
  if (fact.paidOutOfBand) return 'merchant';
  const lastAttempt = current.ourAttempts.at(-1);
  if (lastAttempt && (lastAttempt.outcome === 'pending' || lastAttempt.outcome === 'succeeded')) {
    return lastAttempt.trigger === 'new_payment_method' ? 'card_update' : 'our_retry';
  }
  if (current.paymentMethodChangedAt && current.paymentMethodChangedAt >= current.lastFailedAt) return 'card_update';
  if (
    current.nextStripeRetryAt &&
    Math.abs(fact.occurredAt.getTime() - current.nextStripeRetryAt.getTime()) <= STRIPE_RETRY_ATTRIBUTION_WINDOW_MS
  ) {
    return 'stripe_retry';
  }
  return 'customer_payment';
}

function openCase(fact: PaymentFailedFact, tenant: Tenant): NewRecoveryCase {
  const amount = formatAmount(fact.amountMinor, fact.currency);
  return {
    accountId: tenant.accountId,
    livemode: tenant.livemode,
    caseKey: caseKeyOf(fact.target),
    target: fact.target,
    stripeCustomerId: fact.stripeCustomerId,
    customerEmail: fact.customerEmail,
    customerName: fact.customerName,
    subscriptionId: fact.subscriptionId,
    order: fact.order ?? null,
    ...(fact.metadata ? { metadata: fact.metadata } : {}),
    amountMinor: fact.amountMinor,
    currency: fact.currency,
    status: 'active',
    outcome: null,
    decline: fact.decline,
    card: fact.card,
    needsCustomerAction: fact.needsCustomerAction,
    stripeAttemptCount: fact.stripeAttemptCount ?? 1,
    failureCount: 1,
    nextStripeRetryAt: fact.nextStripeRetryAt,
    openedAt: fact.occurredAt,
    lastFailedAt: fact.occurredAt,
    closedAt: null,
    paymentMethodChangedAt: null,
    hostedInvoiceUrl: fact.hostedInvoiceUrl,
    newPaymentMethodId: null,
    customerCountry: null,
    customerTimeZone: null,
    ourAttempts: [],
    plannedAction: null,
    // A new case is planned by the worker straight away.
    nextActionAt: fact.occurredAt,
    nextActionTrigger: 'schedule',
    emails: [],
    // Day 0 of the sequence is due as soon as the case opens.
    nextEmailAt: fact.occurredAt,
    emailLeaseUntil: new Date(0),
    confirmationDueAt: null,
    dunningStepsDone: [],
    emailStatus: 'ok',
    pausedAt: null,
    reminderRequestedAt: null,
    openingDeclineBucket: classifyDecline(fact.decline, { needsCustomerAction: fact.needsCustomerAction }).bucket,
    actionFailures: 0,
    leaseOwner: null,
    leaseUntil: new Date(0),
    appliedEventIds: [fact.eventId],
    timeline: [
      { at: fact.occurredAt, kind: 'case_opened', summary: `Payment of ${amount} failed${describeDecline(fact)}: recovery started.`, eventId: fact.eventId },
    ],
  };
}

function recordFailure(current: RecoveryCase, fact: PaymentFailedFact): CaseDecision {
  if (current.status === 'recovered' || current.status === 'canceled' || current.status === 'churned') {
    return { kind: 'ignore', reason: `late failure for a ${current.status} case` };
  }
  if (reportsOurRecordedDecline(current, fact)) return { kind: 'ignore', reason: 'our own retry, whose decline is already recorded', ourAttemptAlreadyRecorded: true };
  // Facts can arrive out of order: only the newest failure describes the card's current state.
  const isNewest = fact.occurredAt >= current.lastFailedAt;
  const next: RecoveryCase = {
    ...current,
    failureCount: current.failureCount + 1,
    stripeAttemptCount: Math.max(current.stripeAttemptCount, fact.stripeAttemptCount ?? 0),
    lastFailedAt: isNewest ? fact.occurredAt : current.lastFailedAt,
    decline: isNewest ? (fact.decline ?? current.decline) : (current.decline ?? fact.decline),
    card: isNewest ? (fact.card ?? current.card) : (current.card ?? fact.card),
    needsCustomerAction: isNewest ? fact.needsCustomerAction || (fact.decline === null && current.needsCustomerAction) : current.needsCustomerAction,
    // A payment intent's failure (no attempt count) says nothing of Stripe's schedule; only an invoice's changes it.
    nextStripeRetryAt: isNewest && fact.stripeAttemptCount !== null ? fact.nextStripeRetryAt : current.nextStripeRetryAt,
    // New decline facts change the plan: the worker plans again (it never retries early because of this).
    ...(isNewest && current.status === 'active' && current.nextActionTrigger !== 'new_payment_method'
      ? { nextActionAt: fact.occurredAt, nextActionTrigger: 'schedule' as const }
      : {}),
    stripeCustomerId: current.stripeCustomerId ?? fact.stripeCustomerId,
    customerEmail: current.customerEmail ?? fact.customerEmail,
    // An address arriving late (events come in any order) makes emails possible: the email job plans again.
    ...(!current.customerEmail && fact.customerEmail && current.status === 'active' ? { nextEmailAt: fact.occurredAt } : {}),
    customerName: current.customerName ?? fact.customerName,
    subscriptionId: current.subscriptionId ?? fact.subscriptionId,
    hostedInvoiceUrl: fact.hostedInvoiceUrl ?? current.hostedInvoiceUrl,
  };
  return {
    kind: 'update',
    case: withAppliedEntry(next, fact.eventId, {
      at: fact.occurredAt,
      kind: fact.needsCustomerAction ? 'payment_action_required' : 'payment_failed',
      summary: fact.needsCustomerAction
        ? 'Payment needs the customer to confirm it (authentication required).'
        : `Payment attempt failed${describeDecline(fact)}.`,
    }),
  };
}

/**
 * Stripe's report of a decline of ours that the retry already saved from
 * Stripe's answer, with its card-ledger entry in the same write: the payment
 * intent's failure names our request's idempotency key and says the same
 * decline. Applying it again would only show the decline twice on the
 * timeline and count it twice. A report that says more (a different decline,
 * authentication needed) is applied as any other.
 */
function reportsOurRecordedDecline(current: RecoveryCase, fact: PaymentFailedFact): boolean {
  const ours = fact.attemptKey ? current.ourAttempts.find((attempt) => attempt.idempotencyKey === fact.attemptKey) : undefined;
  if (!ours || ours.outcome !== 'declined' || !ours.decline || !fact.decline || fact.needsCustomerAction) return false;
  const said = (decline: DeclineDetails) => [decline.code, decline.declineCode, decline.adviceCode, decline.networkDeclineCode, decline.networkAdviceCode].map((part) => part ?? '').join('|');
  return said(ours.decline) === said(fact.decline);
}

function recordPayment(current: RecoveryCase, fact: PaymentSucceededFact): CaseDecision {
  if (current.status === 'recovered') return { kind: 'ignore', reason: 'case already recovered' };
  const recoveredBy = attributeRecovery(current, fact);
  // The payment that closes the case is our attempt still waiting for its answer, when there is one.
  const ourAttempts = current.ourAttempts.map((attempt) =>
    attempt.outcome === 'pending' && (recoveredBy === 'our_retry' || recoveredBy === 'card_update')
      ? { ...attempt, outcome: 'succeeded' as const, finishedAt: fact.occurredAt }
      : attempt,
  );
  const next: RecoveryCase = {
    ...current,
    ourAttempts,
    nextActionAt: null,
    nextEmailAt: null,
    confirmationDueAt: fact.occurredAt,
    status: 'recovered',
    outcome: { status: 'recovered', recoveredBy, at: fact.occurredAt },
    closedAt: fact.occurredAt,
    stripeAttemptCount: Math.max(current.stripeAttemptCount, fact.stripeAttemptCount ?? 0),
  };
  return {
    kind: 'update',
    case: withAppliedEntry(next, fact.eventId, {
      at: fact.occurredAt,
      kind: 'payment_succeeded',
      summary: `Paid: ${formatAmount(current.amountMinor, current.currency)} recovered (${recoveredBy.replaceAll('_', ' ')}).`,
    }),
  };
}

function stopIfActive(
  current: RecoveryCase,
  eventId: string,
  at: Date,
  status: 'canceled' | 'churned',
  reason: StopReason,
  summary: string,
): CaseDecision {
  if (current.status !== 'active') return { kind: 'ignore', reason: `case is already ${current.status}` };
  const kind: TimelineEntry['kind'] =
    reason === 'invoice_voided' ? 'invoice_voided'
    : reason === 'marked_uncollectible' ? 'marked_uncollectible'
    : reason === 'app_uninstalled' ? 'app_uninstalled'
    : 'subscription_canceled';
  return {
    kind: 'update',
    case: withAppliedEntry({ ...current, status, outcome: { status, reason, at }, closedAt: at }, eventId, { at, kind, summary }),
  };
}

function describeDecline(fact: PaymentFailedFact): string {
  const reason = fact.decline?.declineCode ?? fact.decline?.code;
  return reason ? ` (${reason})` : '';
}
