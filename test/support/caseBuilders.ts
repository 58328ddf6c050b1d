import { decideCaseFact, type ControlActor, type PaymentFailedFact, type RecoveryCase } from '../../backend/src/recovery';

/** Readable recovery cases for pure tests: a failed $49.00 subscription invoice on 1 May 2026, and its changes. */

export const tenant = { accountId: 'acct_a', livemode: false };
/** A Dashboard user, as the timeline of a merchant control names them. */
export const dashboardUser: ControlActor = { kind: 'dashboard_user', userId: 'usr_test' };
export const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 4, day, hour));

export function failure(overrides: Partial<PaymentFailedFact> = {}): PaymentFailedFact {
  return {
    kind: 'payment_failed',
    eventId: 'evt_fail_1',
    occurredAt: at(1),
    target: { kind: 'invoice', invoiceId: 'in_1' },
    amountMinor: 4900,
    currency: 'usd',
    stripeCustomerId: 'cus_1',
    customerEmail: 'alice@example.com',
    customerName: 'Alice Martin',
    subscriptionId: 'sub_1',
    decline: { code: 'card_declined', declineCode: 'insufficient_funds' },
    card: { brand: 'visa', fingerprint: 'fp_1' },
    needsCustomerAction: false,
    stripeAttemptCount: 1,
    nextStripeRetryAt: at(4),
    hostedInvoiceUrl: null,
    attemptKey: null,
    ...overrides,
  };
}

export function openedCase(overrides: Partial<RecoveryCase> = {}, fact: PaymentFailedFact = failure()): RecoveryCase {
  const decision = decideCaseFact(null, fact, tenant, false);
  if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
  return { ...decision.case, id: 'case_1', revision: 0, ...overrides };
}
