import { classifyDecline, DEFAULT_RETRY_POLICY, planNextRetry, validateRetryPolicy, type RetryPlanInput } from '../../backend/src/retryPolicy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const openedAt = new Date('2026-04-16T12:00:00Z'); // Thursday, 08:00 in New York
const classify = (declineCode: string | null, needsCustomerAction = false) =>
  classifyDecline(declineCode ? { code: 'card_declined', declineCode } : null, { needsCustomerAction });

function input(overrides: Partial<RetryPlanInput> = {}): RetryPlanInput {
  return {
    openedAt,
    classification: classify('insufficient_funds'),
    ourAttemptCount: 0,
    lastAttemptAt: openedAt,
    nextStripeRetryAt: null,
    paymentMethodChangedSinceLastFailure: false,
    customerCountry: 'US',
    customerTimeZone: null,
    cardBrand: 'visa',
    cardHistory: [{ at: openedAt, outcome: 'declined', initiatedBy: 'merchant', declineCode: 'insufficient_funds' }],
    ...overrides,
  };
}

describe('planNextRetry', () => {
  it('aims insufficient funds at the next payday morning in the customer’s zone, and says why', () => {
    expect(planNextRetry(input(), DEFAULT_RETRY_POLICY, openedAt)).toEqual({
      kind: 'retry',
      at: new Date('2026-04-30T13:00:00Z'),
      reason: 'Retrying on Thursday 30 April at 09:00 customer time (America/New_York): insufficient funds, on a common payday.',
    });
  });

  it('spaces soft declines with growing gaps at the customer’s retry hour', () => {
    const soft = input({ classification: classify('processing_error'), customerCountry: 'GB' });
    const first = planNextRetry(soft, DEFAULT_RETRY_POLICY, openedAt);
    // 24 h after the failure is 13:00 in London; the next 09:00 there is the day after.
    expect(first).toMatchObject({ kind: 'retry', at: new Date('2026-04-18T08:00:00Z') });
    const third = planNextRetry({ ...soft, ourAttemptCount: 2, lastAttemptAt: new Date('2026-04-20T08:00:00Z') }, DEFAULT_RETRY_POLICY, new Date('2026-04-20T08:00:00Z'));
    expect(third).toMatchObject({ kind: 'retry', at: new Date('2026-04-23T08:00:00Z') });
  });

  it.each([
    ['a never-retry decline', 'stolen_card', false],
    ['a card that must change', 'expired_card', false],
    ['a payment that needs authentication', null, true],
    ["Stripe's block", 'previously_declined_do_not_retry', false],
  ])('waits for a new payment method after %s', (_name, code, needsAction) => {
    expect(planNextRetry(input({ classification: classify(code, needsAction) }), DEFAULT_RETRY_POLICY, openedAt)).toMatchObject({ kind: 'wait_for_new_payment_method' });
  });

  it('retries at once with a new payment method, whatever the old decline', () => {
    const now = new Date('2026-04-18T10:00:00Z');
    const decision = planNextRetry(input({ classification: classify('expired_card'), paymentMethodChangedSinceLastFailure: true, cardHistory: [] }), DEFAULT_RETRY_POLICY, now);
    expect(decision).toEqual({ kind: 'retry', at: now, reason: 'Retrying now: the customer has a new payment method.' });
  });

  it('tries an ambiguous decline three times at most, then asks the customer', () => {
    const ambiguous = input({ classification: classify('do_not_honor') });
    expect(planNextRetry(ambiguous, DEFAULT_RETRY_POLICY, openedAt)).toMatchObject({ kind: 'retry' });
    expect(planNextRetry({ ...ambiguous, ourAttemptCount: 3 }, DEFAULT_RETRY_POLICY, openedAt)).toMatchObject({ kind: 'wait_for_new_payment_method' });
  });

  it("keeps clear of Stripe's own scheduled retry", () => {
    const stripeAt = new Date('2026-04-30T14:00:00Z');
    const decision = planNextRetry(input({ nextStripeRetryAt: stripeAt }), DEFAULT_RETRY_POLICY, openedAt);
    expect(decision).toMatchObject({ kind: 'retry', at: new Date(stripeAt.getTime() + 4 * HOUR) });
  });

  it('honours a Mastercard wait before anything else', () => {
    const decline = classifyDecline({ declineCode: 'try_again_later', networkAdviceCode: '27' }, { needsCustomerAction: false });
    const decision = planNextRetry(input({ classification: decline, cardBrand: 'mastercard' }), DEFAULT_RETRY_POLICY, openedAt);
    expect(decision.kind === 'retry' && decision.at.getTime() >= openedAt.getTime() + 4 * DAY).toBe(true);
  });

  it('exhausts the case when the window ends or the attempts run out', () => {
    expect(planNextRetry(input(), DEFAULT_RETRY_POLICY, new Date(openedAt.getTime() + 21 * DAY))).toMatchObject({ kind: 'exhausted', endAction: 'leave_open' });
    expect(planNextRetry(input({ ourAttemptCount: 8 }), { ...DEFAULT_RETRY_POLICY, endAction: 'cancel_subscription' }, openedAt)).toMatchObject({
      kind: 'exhausted',
      endAction: 'cancel_subscription',
    });
    // The next payday (30 April) is past a 10-day window.
    expect(planNextRetry(input(), { ...DEFAULT_RETRY_POLICY, windowDays: 10 }, openedAt)).toMatchObject({ kind: 'exhausted' });
  });
});

describe('validateRetryPolicy', () => {
  it('accepts the defaults', () => {
    expect(validateRetryPolicy(DEFAULT_RETRY_POLICY)).toEqual([]);
  });

  it('refuses a policy that would break a network limit, naming the limit', () => {
    expect(validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxAttempts: 18, gapsHours: [1] })).toEqual([
      'maxAttempts: at most 15, the Visa limit on reattempts per card in 30 days',
      'gapsHours: at least one gap, each at least 2.4 hours (Mastercard allows at most 10 declines per card in 24 hours)',
    ]);
    expect(validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, merchantTimeZone: 'Mars/Olympus' })).toEqual([expect.stringMatching(/^merchantTimeZone/)]);
  });
});
