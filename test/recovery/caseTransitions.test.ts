import {
  attributeRecovery,
  decideCaseFact,
  decideGroupFact,
  type CaseDecision,
  type CaseFact,
  type CaseGroupFact,
  type CaseStatus,
  type RecoveryCase,
} from '../../backend/src/recovery';
import { at, failure, openedCase, tenant } from '../support/caseBuilders';

function statusAfter(decision: CaseDecision, before: CaseStatus): CaseStatus {
  return decision.kind === 'update' ? decision.case.status : before;
}

const paid = (overrides: Partial<Extract<CaseFact, { kind: 'payment_succeeded' }>> = {}): CaseFact => ({
  kind: 'payment_succeeded',
  eventId: 'evt_paid',
  occurredAt: at(2),
  target: { kind: 'invoice', invoiceId: 'in_1' },
  paidOutOfBand: false,
  stripeAttemptCount: 2,
  ...overrides,
});
const voided: CaseFact = { kind: 'invoice_voided', eventId: 'evt_void', occurredAt: at(2), target: { kind: 'invoice', invoiceId: 'in_1' } };
const uncollectible: CaseFact = { kind: 'marked_uncollectible', eventId: 'evt_unc', occurredAt: at(2), target: { kind: 'invoice', invoiceId: 'in_1' } };
const lateFailure = failure({ eventId: 'evt_fail_late', occurredAt: at(1, 11) });

describe('opening a recovery case', () => {
  it('opens an active case from the first payment failure, with amount, decline and timeline', () => {
    const decision = decideCaseFact(null, failure(), tenant, false);
    expect(decision.kind).toBe('open');
    if (decision.kind !== 'open') return;
    expect(decision.case).toMatchObject({
      accountId: 'acct_a',
      caseKey: 'invoice:in_1',
      status: 'active',
      amountMinor: 4900,
      currency: 'usd',
      decline: { declineCode: 'insufficient_funds' },
      failureCount: 1,
      appliedEventIds: ['evt_fail_1'],
    });
    expect(decision.case.timeline[0]).toMatchObject({ kind: 'case_opened', summary: 'Payment of 49.00 USD failed (insufficient_funds): recovery started.' });
  });

  it.each<[string, CaseFact]>([
    ['a payment', paid()],
    ['a void', voided],
    ['a write-off', uncollectible],
  ])('opens nothing for %s that arrives before any failure', (_name, fact) => {
    expect(decideCaseFact(null, fact, tenant, false).kind).toBe('ignore');
  });

  it('opens nothing for a failure that arrives after the invoice was already settled', () => {
    expect(decideCaseFact(null, failure(), tenant, true)).toEqual({ kind: 'ignore', reason: 'payment already settled before this failure arrived' });
  });
});

describe('case transitions', () => {
  // [name, status before, fact, status after]
  const table: Array<[string, CaseStatus, CaseFact, CaseStatus]> = [
    ['a payment recovers an active case', 'active', paid(), 'recovered'],
    ['a payment recovers an exhausted case (money came late)', 'exhausted', paid(), 'recovered'],
    ['a payment wins over a churned case', 'churned', paid(), 'recovered'],
    ['a payment wins over a canceled case', 'canceled', paid(), 'recovered'],
    ['a second payment changes nothing', 'recovered', paid({ eventId: 'evt_paid_again' }), 'recovered'],
    ['a late failure does not reopen a recovered case', 'recovered', lateFailure, 'recovered'],
    ['a late failure does not reopen a canceled case', 'canceled', lateFailure, 'canceled'],
    ['another failure keeps an active case active', 'active', failure({ eventId: 'evt_fail_2', occurredAt: at(4) }), 'active'],
    ["Stripe's failed retry keeps an exhausted case exhausted", 'exhausted', failure({ eventId: 'evt_fail_2', occurredAt: at(25) }), 'exhausted'],
    ['a void cancels an active case', 'active', voided, 'canceled'],
    ['a write-off cancels an active case', 'active', uncollectible, 'canceled'],
    ['a write-off after exhaustion (our end action) keeps it exhausted', 'exhausted', uncollectible, 'exhausted'],
    ['a void does not undo a recovery', 'recovered', voided, 'recovered'],
  ];

  it.each(table)('%s', (_name, before, fact, after) => {
    const current = openedCase({ status: before });
    expect(statusAfter(decideCaseFact(current, fact, tenant, false), before)).toBe(after);
  });

  const groupTable: Array<[string, CaseStatus, CaseGroupFact, CaseStatus]> = [
    ['a canceled subscription churns an active case', 'active', { kind: 'subscription_canceled', eventId: 'e1', occurredAt: at(3), subscriptionId: 'sub_1' }, 'churned'],
    ['a canceled subscription leaves a recovered case alone', 'recovered', { kind: 'subscription_canceled', eventId: 'e1', occurredAt: at(3), subscriptionId: 'sub_1' }, 'recovered'],
    ['an uninstall cancels an active case', 'active', { kind: 'app_uninstalled', eventId: 'e2', occurredAt: at(3) }, 'canceled'],
    ['an install changes no case', 'active', { kind: 'app_installed', eventId: 'e3', occurredAt: at(3) }, 'active'],
    ['a new card keeps the case active (the retry follows)', 'active', { kind: 'payment_method_changed', eventId: 'e4', occurredAt: at(3), stripeCustomerId: 'cus_1', source: 'attached', paymentMethodId: 'pm_2', subscriptionId: null }, 'active'],
  ];

  it.each(groupTable)('%s', (_name, before, fact, after) => {
    const current = openedCase({ status: before });
    expect(statusAfter(decideGroupFact(current, fact), before)).toBe(after);
  });

  it('records how a stop happened on the outcome and the timeline', () => {
    const decision = decideCaseFact(openedCase(), voided, tenant, false);
    if (decision.kind !== 'update') throw new Error('expected an update');
    expect(decision.case.outcome).toEqual({ status: 'canceled', reason: 'invoice_voided', at: at(2) });
    expect(decision.case.closedAt).toEqual(at(2));
    expect(decision.case.timeline.at(-1)).toMatchObject({ kind: 'invoice_voided', eventId: 'evt_void' });
  });
});

describe('idempotency and ordering', () => {
  it('ignores an event it has already applied', () => {
    const current = openedCase();
    expect(decideCaseFact(current, failure(), tenant, false)).toEqual({ kind: 'ignore', reason: 'event already applied' });
    const subscriptionCanceled: CaseGroupFact = { kind: 'subscription_canceled', eventId: 'evt_fail_1', occurredAt: at(3), subscriptionId: 'sub_1' };
    expect(decideGroupFact(current, subscriptionCanceled).kind).toBe('ignore');
  });

  it('keeps the newest decline when an older failure arrives late', () => {
    const current = openedCase({ lastFailedAt: at(5), decline: { declineCode: 'expired_card' } });
    const older = failure({ eventId: 'evt_old', occurredAt: at(1, 8), decline: { declineCode: 'insufficient_funds' } });
    const decision = decideCaseFact(current, older, tenant, false);
    if (decision.kind !== 'update') throw new Error('expected an update');
    expect(decision.case.decline).toEqual({ declineCode: 'expired_card' });
    expect(decision.case.lastFailedAt).toEqual(at(5));
    expect(decision.case.failureCount).toBe(2);
  });

  it("fills in decline details that arrive after the invoice's own failure event", () => {
    const withoutDetails = openedCase({ decline: null, card: null });
    const paymentIntentFailure = failure({ eventId: 'evt_pi', decline: { code: 'card_declined', declineCode: 'do_not_honor' }, card: { brand: 'mastercard' } });
    const decision = decideCaseFact(withoutDetails, paymentIntentFailure, tenant, false);
    if (decision.kind !== 'update') throw new Error('expected an update');
    expect(decision.case.decline).toEqual({ code: 'card_declined', declineCode: 'do_not_honor' });
    expect(decision.case.card).toEqual({ brand: 'mastercard' });
  });

  it('remembers at most the last 100 applied events', () => {
    let current = openedCase();
    for (let i = 0; i < 120; i += 1) {
      const decision = decideCaseFact(current, failure({ eventId: `evt_${i}`, occurredAt: at(2) }), tenant, false);
      if (decision.kind !== 'update') throw new Error('expected an update');
      current = decision.case;
    }
    expect(current.appliedEventIds).toHaveLength(100);
    expect(current.appliedEventIds.at(-1)).toBe('evt_119');
  });
});

describe("Stripe's report of our own retry", () => {
  const ourKey = 'recovery-case_1-attempt-1';
  const declined = { code: 'card_declined', declineCode: 'insufficient_funds' };
  const retried = (outcome: 'pending' | 'declined', decline: typeof declined | null = outcome === 'declined' ? declined : null) =>
    openedCase({
      ourAttempts: [{ number: 1, idempotencyKey: ourKey, trigger: 'schedule', paymentMethodId: null, startedAt: at(2), finishedAt: outcome === 'pending' ? null : at(2), outcome, decline }],
    });
  const report = (overrides: Partial<Parameters<typeof failure>[0]> = {}) =>
    failure({ eventId: 'evt_pi_report', occurredAt: at(2), attemptKey: ourKey, stripeAttemptCount: null, nextStripeRetryAt: null, decline: declined, ...overrides });

  it('changes nothing once the retry has saved the same decline, and says the ledger has it already', () => {
    expect(decideCaseFact(retried('declined'), report(), tenant, false)).toEqual({ kind: 'ignore', reason: 'our own retry, whose decline is already recorded', ourAttemptAlreadyRecorded: true });
  });

  it('is applied while the retry still waits for its answer (the report came first)', () => {
    const decision = decideCaseFact(retried('pending'), report(), tenant, false);
    expect(decision).toMatchObject({ kind: 'update', case: { failureCount: 2, timeline: expect.arrayContaining([expect.objectContaining({ kind: 'payment_failed', eventId: 'evt_pi_report' })]) } });
  });

  it('is applied when it says more than the retry saved: another decline, or authentication needed', () => {
    expect(decideCaseFact(retried('declined'), report({ decline: { ...declined, adviceCode: 'do_not_try_again' } }), tenant, false).kind).toBe('update');
    expect(decideCaseFact(retried('declined'), report({ needsCustomerAction: true }), tenant, false)).toMatchObject({ kind: 'update', case: { needsCustomerAction: true } });
  });

  it("is applied for a charge that is not one of ours, even with the same decline", () => {
    expect(decideCaseFact(retried('declined'), report({ attemptKey: 'event:evt_someone_else' }), tenant, false).kind).toBe('update');
  });
});

describe('attributeRecovery', () => {
  const base = openedCase({ lastFailedAt: at(1), nextStripeRetryAt: at(4, 10) });
  it.each<[string, Partial<RecoveryCase>, Partial<Extract<CaseFact, { kind: 'payment_succeeded' }>>, string]>([
    ['out-of-band payments are the merchant', {}, { paidOutOfBand: true }, 'merchant'],
    ['a new card since the last failure is a card update', { paymentMethodChangedAt: at(2) }, { occurredAt: at(2, 13) }, 'card_update'],
    ["a card change before the last failure doesn't count", { paymentMethodChangedAt: at(1, 6) }, { occurredAt: at(2, 13) }, 'customer_payment'],
    ["payment at Stripe's scheduled retry is Stripe's retry", {}, { occurredAt: new Date(at(4, 10).getTime() + 2 * 60_000) }, 'stripe_retry'],
    ['a payment at any other time is the customer paying', {}, { occurredAt: at(2, 15) }, 'customer_payment'],
  ])('%s', (_name, caseFields, factFields, expected) => {
    const fact = paid(factFields);
    if (fact.kind !== 'payment_succeeded') throw new Error('unreachable');
    expect(attributeRecovery({ ...base, ...caseFields }, fact)).toBe(expected);
  });
});
