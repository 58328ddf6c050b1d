import type { CaseEmail, RecoveryCase } from '../recovery';
import { classifyDecline } from '../retryPolicy';

/** "alice@example.com" → "a***@example.com": merchants recognise the customer, logs and screens do not leak the address. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [local, domain] = email.split('@');
  if (!local || !domain) return '***';
  return `${local[0]}***@${domain}`;
}

/**
 * The case's decline bucket as it stands now (the latest decline), the same
 * everywhere the merchant looks; null before any decline is known.
 */
export function currentDeclineBucket(found: RecoveryCase) {
  return found.decline || found.needsCustomerAction ? classifyDecline(found.decline, { needsCustomerAction: found.needsCustomerAction }).bucket : null;
}

/**
 * True whenever recovery waits on the customer: to confirm the payment
 * (authentication), or for a new card (a never-retry or customer-must-act
 * decline, or a plan that waits for one).
 */
export function isWaitingOnCustomer(found: RecoveryCase): boolean {
  const bucket = currentDeclineBucket(found);
  return found.needsCustomerAction || bucket === 'never_retry' || bucket === 'customer_must_act' || found.plannedAction?.kind === 'wait_for_new_payment_method';
}

/** One email of the case in the list: what happened to it; its content is served on its own (emailRoutes). */
function emailRow(email: CaseEmail, index: number) {
  return {
    index,
    kind: email.kind,
    step: email.stepIndex,
    sentAt: email.sentAt,
    delivery: email.delivery ?? 'sent',
    status: email.status,
    deliveredAt: email.deliveredAt,
    openedAt: email.firstOpenedAt,
    clickedAt: email.firstClickedAt,
    opens: email.opens,
    clicks: email.clicks,
  };
}

/** A case as the merchant API shows it: what happened, what happens next and why. */
export function caseView(found: RecoveryCase) {
  return {
    id: found.id,
    object: 'recovery_case',
    status: found.status,
    paused: found.pausedAt !== null,
    livemode: found.livemode,
    invoiceId: found.target.kind === 'invoice' ? found.target.invoiceId : null,
    paymentIntentId: found.target.kind === 'one_time_payment' ? found.target.paymentIntentId : null,
    customerId: found.stripeCustomerId,
    customerEmail: maskEmail(found.customerEmail),
    subscriptionId: found.subscriptionId,
    metadata: found.metadata ?? {},
    amountMinor: found.amountMinor,
    currency: found.currency,
    outcome: found.outcome,
    decline: found.decline,
    declineBucket: currentDeclineBucket(found),
    openingDeclineBucket: found.openingDeclineBucket,
    needsCustomerAction: isWaitingOnCustomer(found),
    group: found.group ?? 'treated',
    emailStatus: found.emailStatus,
    nextAction: found.plannedAction,
    retries: found.ourAttempts.map((attempt) => ({
      number: attempt.number,
      trigger: attempt.trigger,
      at: attempt.startedAt,
      outcome: attempt.outcome,
      // A charge sent while Stripe was failing: its answer is asked for again, with the same idempotency key.
      status: attempt.outcome === 'pending' ? "waiting for Stripe's answer" : null,
      decline: attempt.decline,
    })),
    emails: found.emails.map(emailRow),
    openedAt: found.openedAt,
    closedAt: found.closedAt,
    timeline: found.timeline,
  };
}

const commonColumns = (found: RecoveryCase) => ({
  id: found.id,
  invoiceId: found.target.kind === 'invoice' ? found.target.invoiceId : null,
  customerId: found.stripeCustomerId,
  customerEmail: maskEmail(found.customerEmail),
  amountMinor: found.amountMinor,
  currency: found.currency,
  // Control cases are labeled wherever they appear: their outcome is Stripe's alone.
  group: found.group ?? 'treated',
});

/** One line of the payments list and of the CSV export. */
export function paymentRow(found: RecoveryCase) {
  return {
    ...commonColumns(found),
    status: found.status,
    declineBucket: currentDeclineBucket(found),
    // The bucket the case opened with: what the stats group failures and recoveries by.
    openingDeclineBucket: found.openingDeclineBucket,
    recoveredBy: found.outcome?.status === 'recovered' ? found.outcome.recoveredBy : null,
    attempts: found.ourAttempts.length,
    emailsSent: found.emails.filter((email) => (email.delivery ?? 'sent') === 'sent').length,
    openedAt: found.openedAt,
    closedAt: found.closedAt,
  };
}

/** An active dunning sequence and how far it has got. */
export function sequenceRow(found: RecoveryCase, stepsTotal: number) {
  return {
    ...commonColumns(found),
    paused: found.pausedAt !== null,
    stepsDone: found.dunningStepsDone.length,
    stepsTotal,
    nextEmailAt: found.pausedAt ? null : found.nextEmailAt,
    nextRetryAt: !found.pausedAt && found.plannedAction?.kind === 'retry' ? found.plannedAction.at : null,
    openedAt: found.openedAt,
  };
}

/** Why an active case needs the merchant: the worst reason first. */
export function attentionRow(found: RecoveryCase) {
  const reason =
    found.emailStatus === 'undeliverable' ? ('email_undeliverable' as const)
    : found.needsCustomerAction ? ('needs_authentication' as const)
    : ('needs_new_card' as const);
  const summary = {
    email_undeliverable: 'Our emails cannot reach this customer: contact them another way.',
    needs_authentication: 'The bank wants the customer to confirm the payment (3-D Secure).',
    needs_new_card: found.plannedAction?.reason ?? 'The card cannot be charged again: the customer must add a new one.',
  }[reason];
  return { ...commonColumns(found), reason, summary };
}
