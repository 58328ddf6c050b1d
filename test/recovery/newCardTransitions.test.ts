import { beginAttempt, decideGroupFact, finishAttempt, keepRequestMadeMeanwhile, manualRetryRefusal, requestRetryAfterCardUpdate, subscriptionStop, type CaseGroupFact, type RecoveryCase } from '../../backend/src/recovery';
import { at, openedCase } from '../support/caseBuilders';
import { classifyDecline } from '../../backend/src/retryPolicy';

/** The case's card is a Visa with fingerprint fp_1 declined on 1 May (see caseBuilders). */
const cardChanged = (overrides: Partial<Extract<CaseGroupFact, { kind: 'payment_method_changed' }>> = {}): CaseGroupFact => ({
  kind: 'payment_method_changed',
  eventId: 'evt_pm',
  occurredAt: at(3),
  stripeCustomerId: 'cus_1',
  source: 'attached',
  paymentMethodId: 'pm_2',
  subscriptionId: null,
  ...overrides,
});
const caseAfter = (decision: ReturnType<typeof decideGroupFact>): RecoveryCase => {
  if (decision.kind !== 'update') throw new Error(`expected an update, got ${decision.kind}`);
  return decision.case;
};

describe('a payment method change on an open case', () => {
  it('retries at once with a card of another fingerprint', () => {
    expect(caseAfter(decideGroupFact(openedCase(), cardChanged({ card: { fingerprint: 'fp_2', brand: 'visa' } })))).toMatchObject({
      newPaymentMethodId: 'pm_2',
      nextActionTrigger: 'new_payment_method',
      nextActionAt: at(3),
    });
  });

  it('does not retry the declined card saved again under a new payment method (same fingerprint)', () => {
    const after = caseAfter(decideGroupFact(openedCase(), cardChanged({ card: { fingerprint: 'fp_1', brand: 'visa' } })));
    expect(after).toMatchObject({ newPaymentMethodId: null, nextActionTrigger: 'schedule', paymentMethodChangedAt: null });
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'card_unchanged', summary: "Customer's payment method changed (attached), but it is the card we already tried: no retry." });
  });

  it('does not retry a card already tried on this case, when Stripe tells of it again', () => {
    const tried = beginAttempt(openedCase(), 'new_payment_method', 'pm_2', at(3), { paymentMethodId: 'pm_2', fingerprint: 'fp_2' });
    const declined = finishAttempt(tried.case, 1, { kind: 'declined', decline: { declineCode: 'do_not_honor' }, card: { paymentMethodId: 'pm_2', fingerprint: 'fp_2' } }, at(3));
    // customer.updated names the payment method only: its id is enough to know it.
    const again = caseAfter(decideGroupFact(declined, cardChanged({ occurredAt: at(4), source: 'customer_default_changed' })));
    expect(again).toMatchObject({ newPaymentMethodId: null, nextActionTrigger: null });
    // The first declined card is still known after the case's card became the new one.
    expect(caseAfter(decideGroupFact(declined, cardChanged({ eventId: 'evt_old', occurredAt: at(4), paymentMethodId: 'pm_9', card: { fingerprint: 'fp_1' } })))).toMatchObject({ newPaymentMethodId: null });
  });

  it('asks for nothing more when the same new card is told twice before the worker ran', () => {
    const first = caseAfter(decideGroupFact(openedCase(), cardChanged({ card: { fingerprint: 'fp_2' } })));
    const second = caseAfter(decideGroupFact(first, cardChanged({ eventId: 'evt_pm_2', occurredAt: at(3, 13), source: 'customer_default_changed' })));
    expect(second).toMatchObject({ nextActionAt: at(3), newPaymentMethodId: 'pm_2' });
  });
});

describe('requestRetryAfterCardUpdate', () => {
  it('says which promise the page may make', () => {
    expect(requestRetryAfterCardUpdate(openedCase(), { paymentMethodId: 'pm_1', fingerprint: 'fp_1' }, at(3)).verdict).toBe('already_tried');
    expect(requestRetryAfterCardUpdate(openedCase(), null, at(3))).toEqual({ case: null, verdict: 'unknown' });
    const asked = requestRetryAfterCardUpdate(openedCase(), { paymentMethodId: 'pm_2', fingerprint: 'fp_2' }, at(3));
    expect(asked.verdict).toBe('new_card');
    expect(asked.case).toMatchObject({ newPaymentMethodId: 'pm_2', nextActionTrigger: 'new_payment_method', nextActionAt: at(3) });
    // A reload before the worker ran: the retry is already planned, nothing changes.
    expect(requestRetryAfterCardUpdate(asked.case!, { paymentMethodId: 'pm_2', fingerprint: 'fp_2' }, at(3, 13))).toEqual({ case: null, verdict: 'new_card' });
  });
});

describe('keepRequestMadeMeanwhile', () => {
  const seen = openedCase({ nextActionAt: at(1), nextActionTrigger: 'schedule' });
  const planned = { ...seen, nextActionAt: at(4), nextActionTrigger: 'schedule' as const };
  it("keeps a retry-now the worker did not see, over the worker's plan", () => {
    const fresh = { ...seen, nextActionAt: at(2), nextActionTrigger: 'manual' as const };
    expect(keepRequestMadeMeanwhile(seen, fresh, planned)).toMatchObject({ nextActionAt: at(2), nextActionTrigger: 'manual' });
  });
  it('applies the plan when nothing was asked meanwhile', () => {
    expect(keepRequestMadeMeanwhile(seen, seen, planned)).toBe(planned);
  });
});

describe('subscriptionStop', () => {
  it.each([
    ['active', false, null],
    ['past_due', false, null],
    ['unpaid', false, null],
    ['unpaid', true, 'canceled'],
    ['canceled', false, 'churned'],
    ['incomplete_expired', false, 'churned'],
  ])('a %s subscription (collection paused: %s) → %s', (status, collectionPaused, stop) => {
    expect(subscriptionStop({ status, collectionPaused })?.status ?? null).toBe(stop);
  });
});

describe("manualRetryRefusal (the merchant's retry-now on the case's own card)", () => {
  it.each([
    ['insufficient_funds', null],
    ['do_not_honor', null],
    ['lost_card', 'needs a new card'],
    ['expired_card', 'needs a new card'],
  ])('for a decline %s → %s', (declineCode, refusal) => {
    const verdict = manualRetryRefusal(classifyDecline({ code: 'card_declined', declineCode }, { needsCustomerAction: false }));
    if (refusal === null) expect(verdict).toBeNull();
    else expect(verdict).toContain(refusal);
  });
});
