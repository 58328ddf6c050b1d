import { assignHoldoutGroup } from '../../backend/src/lift/holdout';
import {
  cancelByMerchant,
  CONTROL_GROUP_PLAN,
  decideCaseFact,
  decideGroupFact,
  holdBackControlCase,
  pauseCase,
  requestReminder,
  resumeCase,
  type CaseFact,
  type RecoveryCase,
} from '../../backend/src/recovery';
import { at, dashboardUser, failure, tenant } from '../support/caseBuilders';

const holdout = { salt: 'salt_pure', share: 0.5 };
const customerIn = (group: 'treated' | 'control') => {
  for (let index = 0; index < 100; index += 1) if (assignHoldoutGroup(holdout, `cus_${index}`) === group) return `cus_${index}`;
  throw new Error(`no ${group} customer among 100`);
};
const withHoldout = { ...tenant, holdout };

function open(stripeCustomerId: string | null, holdoutTenant = withHoldout): RecoveryCase {
  const decision = decideCaseFact(null, failure({ stripeCustomerId }), holdoutTenant, false);
  if (decision.kind !== 'open') throw new Error('expected the failure to open a case');
  return { ...decision.case, id: 'case_1', revision: 0 };
}
const updated = (current: RecoveryCase, fact: CaseFact, factTenant = withHoldout) => {
  const decision = decideCaseFact(current, fact, factTenant, false);
  if (decision.kind !== 'update') throw new Error(`expected an update, got ${decision.kind}`);
  return decision.case;
};

describe('a case in the holdout control group', () => {
  it('opens with the group recorded, a plan of no action, no email due and a timeline entry saying so', () => {
    const found = open(customerIn('control'));
    expect(found).toMatchObject({ group: 'control', countsInLift: true, status: 'active', nextEmailAt: null, plannedAction: { kind: 'none', reason: CONTROL_GROUP_PLAN } });
    expect(found.plannedAction?.reason).toMatch(/^Control group: no action/);
    expect(found.timeline.map((entry) => entry.kind)).toEqual(['case_opened', 'control_group']);
    expect(found.timeline[1]!.summary).toBe("Control group (holdout): we take no action; Stripe's own retries and emails carry on.");
  });

  it('opens a treated case, in the lift, for a customer outside the holdout', () => {
    expect(open(customerIn('treated'))).toMatchObject({ group: 'treated', countsInLift: true, nextEmailAt: at(1) });
  });

  it('treats a case with no customer, outside the lift', () => {
    expect(open(null)).toMatchObject({ group: 'treated', countsInLift: false });
  });

  it('keeps its group when a later fact arrives under other settings (the holdout turned off mid-case)', () => {
    const found = open(customerIn('control'));
    const holdoutOff = { ...tenant, holdout: { salt: 'salt_pure', share: 0 } };
    const later = updated(found, failure({ eventId: 'evt_fail_2', occurredAt: at(4), stripeCustomerId: found.stripeCustomerId }), holdoutOff);
    expect(later).toMatchObject({ group: 'control', countsInLift: true, failureCount: 2 });
  });

  it("is still followed to its end: Stripe's retry recovers it, a void cancels it", () => {
    const found = open(customerIn('control'));
    const paid = updated(found, { kind: 'payment_succeeded', eventId: 'evt_paid', occurredAt: at(4), target: found.target, paidOutOfBand: false, stripeAttemptCount: 2 });
    expect(paid.outcome).toEqual({ status: 'recovered', recoveredBy: 'stripe_retry', at: at(4) });
    const voided = updated(found, { kind: 'invoice_voided', eventId: 'evt_void', occurredAt: at(3), target: found.target });
    expect(voided).toMatchObject({ status: 'canceled', group: 'control' });
  });

  it("notes a customer's new card without promising a retry from us", () => {
    const found = open(customerIn('control'));
    const decision = decideGroupFact(found, { kind: 'payment_method_changed', eventId: 'evt_pm', occurredAt: at(2), stripeCustomerId: found.stripeCustomerId!, source: 'attached', paymentMethodId: 'pm_new', subscriptionId: null, card: { brand: 'visa', fingerprint: 'fp_new' } });
    if (decision.kind !== 'update') throw new Error('expected an update');
    expect(decision.case.timeline.at(-1)?.summary).toBe("Customer's payment method changed (attached) (control group: no retry from us).");
    // Whatever asks the worker to look, it only holds the case back (see below).
    expect(holdBackControlCase(decision.case, 21, at(2))).toMatchObject({ nextActionAt: at(22), nextActionTrigger: 'schedule', ourAttempts: [] });
  });
});

describe('the retry worker on a control case', () => {
  it('plans no action until the retry window ends, then ends the case like a treated one whose plan ran out', () => {
    const found = open(customerIn('control'));
    const waiting = holdBackControlCase(found, 21, at(2));
    expect(waiting).toMatchObject({ status: 'active', nextActionAt: at(22), plannedAction: { kind: 'none', reason: CONTROL_GROUP_PLAN } });
    const ended = holdBackControlCase(waiting, 21, at(22));
    expect(ended).toMatchObject({ status: 'exhausted', outcome: { status: 'exhausted', reason: 'plan_ended', at: at(22) }, nextActionAt: null });
    expect(ended.timeline.at(-1)?.summary).toMatch(/control group: the 21-day window ended without payment; we took no action/);
  });

  it('leaves a closed control case closed', () => {
    const found = { ...open(customerIn('control')), status: 'recovered' as const, nextActionAt: at(3) };
    expect(holdBackControlCase(found, 21, at(3))).toMatchObject({ status: 'recovered', nextActionAt: null });
  });
});

describe("the merchant's controls on a control case", () => {
  it('refuses pause, resume, cancel and reminder with the reason control_group', () => {
    const found = open(customerIn('control'));
    expect(pauseCase(found, at(2), dashboardUser)).toEqual({ ok: false, reason: 'control_group' });
    expect(resumeCase({ ...found, pausedAt: at(1) }, at(2), dashboardUser)).toEqual({ ok: false, reason: 'control_group' });
    expect(cancelByMerchant(found, at(2), dashboardUser)).toEqual({ ok: false, reason: 'control_group' });
    expect(requestReminder(found, null, at(2), dashboardUser)).toEqual({ ok: false, reason: 'control_group' });
  });
});

describe("Stripe's retry schedule on a case (found by the holdout scenario)", () => {
  it("survives the payment intent's failure event, which says nothing of it, arriving in the same second as the invoice's", () => {
    const found = open(customerIn('control'));
    expect(found.nextStripeRetryAt).toEqual(at(4));
    const intentFailure = failure({ eventId: 'evt_pi_failed', occurredAt: at(1), stripeAttemptCount: null, nextStripeRetryAt: null, subscriptionId: null });
    const after = updated(found, intentFailure);
    expect(after.nextStripeRetryAt).toEqual(at(4));
    const paid = updated(after, { kind: 'payment_succeeded', eventId: 'evt_paid', occurredAt: at(4), target: found.target, paidOutOfBand: false, stripeAttemptCount: 2 });
    expect(paid.outcome).toMatchObject({ recoveredBy: 'stripe_retry' });
  });

  it("is cleared by an invoice failure that says Stripe will not try again", () => {
    const found = open(customerIn('control'));
    const last = updated(found, failure({ eventId: 'evt_fail_last', occurredAt: at(4), stripeAttemptCount: 4, nextStripeRetryAt: null }));
    expect(last.nextStripeRetryAt).toBeNull();
  });
});
