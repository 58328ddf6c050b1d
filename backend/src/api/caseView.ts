import type { RecoveryCase } from '../recovery';

/** "alice@example.com" → "a***@example.com": merchants recognise the customer, logs and screens do not leak the address. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [local, domain] = email.split('@');
  if (!local || !domain) return '***';
  return `${local[0]}***@${domain}`;
}

/** A case as the merchant API shows it: what happened, what happens next and why. */
export function caseView(found: RecoveryCase) {
  return {
    id: found.id,
    object: 'recovery_case',
    status: found.status,
    livemode: found.livemode,
    invoiceId: found.target.kind === 'invoice' ? found.target.invoiceId : null,
    paymentIntentId: found.target.kind === 'one_time_payment' ? found.target.paymentIntentId : null,
    customerId: found.stripeCustomerId,
    customerEmail: maskEmail(found.customerEmail),
    subscriptionId: found.subscriptionId,
    amountMinor: found.amountMinor,
    currency: found.currency,
    outcome: found.outcome,
    decline: found.decline,
    needsCustomerAction: found.needsCustomerAction,
    emailStatus: found.emailStatus,
    nextAction: found.plannedAction,
    retries: found.ourAttempts.map((attempt) => ({ number: attempt.number, trigger: attempt.trigger, at: attempt.startedAt, outcome: attempt.outcome, decline: attempt.decline })),
    emails: found.emails.map((email) => ({ kind: email.kind, step: email.stepIndex, sentAt: email.sentAt, status: email.status, opens: email.opens, clicks: email.clicks })),
    openedAt: found.openedAt,
    closedAt: found.closedAt,
    timeline: found.timeline,
  };
}
