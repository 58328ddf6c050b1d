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
      // US customers are mostly paid weekly or biweekly on Fridays: the next pay moment is Friday 17 April.
      at: new Date('2026-04-17T13:00:00Z'),
      reason: 'Retrying on Friday 17 April at 09:00 customer time (America/New_York): insufficient funds, on payday (a Friday).',
    });
  });

  it('spaces soft declines with growing gaps at the customer’s retry hour', () => {
    const soft = input({ classification: classify('processing_error'), customerCountry: 'GB' });
    const first = planNextRetry(soft, DEFAULT_RETRY_POLICY, openedAt);
    // 24 h after the failure is 13:00 in London; the next 09:00 there is the day after.
    expect(first).toMatchObject({ kind: 'retry', at: new Date('2026-04-18T08:00:00Z') });
    const third = planNextRetry({ ...soft, ourAttemptCount: 2, lastAttemptAt: new Date('2026-04-20T08:00:00Z') }, DEFAULT_RETRY_POLICY, new Date('2026-04-20T08:00:00Z'));
    // The third try comes two days after the second (policy gaps 24, 24, 48, … hours).
    expect(third).toMatchObject({ kind: 'retry', at: new Date('2026-04-22T08:00:00Z') });
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

  it("keeps clear of Stripe's own scheduled retry, on the next payday morning", () => {
    // Stripe retries at 10:00 New York on payday Friday 17 April; 4 hours later is 14:00, past the morning, so the next payday (Friday 24 April).
    const stripeAt = new Date('2026-04-17T14:00:00Z');
    const decision = planNextRetry(input({ nextStripeRetryAt: stripeAt }), DEFAULT_RETRY_POLICY, openedAt);
    expect(decision).toEqual({
      kind: 'retry',
      at: new Date('2026-04-24T13:00:00Z'),
      reason: "Retrying on Friday 24 April at 09:00 customer time (America/New_York): insufficient funds, on payday (a Friday); clear of Stripe's own retry on Friday 17 April at 10:00.",
    });
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
  });

  it('uses an attempt left on the window’s last day when no payday falls inside it (issue 18)', () => {
    // Germany pays on the 1st, the 15th and month end: none falls inside a 10-day window from Thursday 16 April.
    // The window ends Sunday 26 April 12:00 UTC; its last day starts Saturday 00:00 UTC, so Saturday 25 April 09:00 Berlin.
    expect(planNextRetry(input({ customerCountry: 'DE' }), { ...DEFAULT_RETRY_POLICY, windowDays: 10 }, openedAt)).toEqual({
      kind: 'retry',
      at: new Date('2026-04-25T07:00:00Z'),
      reason: 'Retrying on Saturday 25 April at 09:00 customer time (Europe/Berlin): insufficient funds, before the recovery window ends (no payday is left in it).',
    });
  });
});

describe('planNextRetry in the customer’s morning', () => {
  const mastercardWait = (declineCode: string, networkAdviceCode: string) => classifyDecline({ code: 'card_declined', declineCode, networkAdviceCode }, { needsCustomerAction: false });
  // Sixteen Visa attempts in 30 days, the oldest on Friday 20 March at 13:30 New York: the 30-day limit lifts on Sunday 19 April at 13:30.
  const sixteenVisaAttempts = [
    { at: new Date('2026-03-20T17:30:00Z'), outcome: 'declined' as const, initiatedBy: 'merchant' as const },
    ...Array.from({ length: 14 }, (_, day) => ({ at: new Date(Date.UTC(2026, 2, 25 + day, 13)), outcome: 'declined' as const, initiatedBy: 'merchant' as const })),
    { at: openedAt, outcome: 'declined' as const, initiatedBy: 'merchant' as const },
  ];

  it.each([
    [
      'a network wait that ends in the evening moves to the next morning',
      // Opened Monday 9 February at 19:00 New York; advice 27 waits four days, to Friday 19:00; the next morning is Saturday 09:00.
      input({ openedAt: new Date('2026-02-10T00:00:00Z'), lastAttemptAt: new Date('2026-02-10T00:00:00Z'), classification: mastercardWait('try_again_later', '27'), cardHistory: [] }),
      { ...DEFAULT_RETRY_POLICY, windowDays: 5, maxAttempts: 1 },
      new Date('2026-02-10T00:00:00Z'),
      '2026-02-14T14:00:00.000Z',
    ],
    [
      'a Visa 30-day limit that lifts in the afternoon moves to the next morning',
      // 24 hours after Thursday's failure is Friday 08:00, so 09:00; Visa allows it only from Sunday 13:30; then Monday 09:00.
      input({ classification: classify('processing_error'), cardHistory: sixteenVisaAttempts }),
      DEFAULT_RETRY_POLICY,
      openedAt,
      '2026-04-20T13:00:00.000Z',
    ],
    [
      'a network wait that pushes insufficient funds off a payday moves to the next payday morning',
      // Failed Wednesday 29 April at 10:00 New York; advice 26 waits two days, to Friday 1 May 10:00 (a payday morning).
      input({ openedAt: new Date('2026-04-29T14:00:00Z'), lastAttemptAt: new Date('2026-04-29T14:00:00Z'), classification: mastercardWait('insufficient_funds', '26'), cardBrand: 'mastercard', cardHistory: [] }),
      DEFAULT_RETRY_POLICY,
      new Date('2026-04-29T14:00:00Z'),
      '2026-05-01T14:00:00.000Z',
    ],
    [
      'a network wait that pushes insufficient funds past the payday morning waits for the next payday',
      // Advice 28 waits six days, to Tuesday 5 May 10:00: not a payday; the next is Friday 15 May 09:00.
      input({ openedAt: new Date('2026-04-29T14:00:00Z'), lastAttemptAt: new Date('2026-04-29T14:00:00Z'), classification: mastercardWait('insufficient_funds', '28'), cardBrand: 'mastercard', cardHistory: [] }),
      DEFAULT_RETRY_POLICY,
      new Date('2026-04-29T14:00:00Z'),
      // Friday 8 May, the next weekly payday in the US.
      '2026-05-08T13:00:00.000Z',
    ],
  ])('%s', (_name, planInput, policy, now, expectedAt) => {
    const decision = planNextRetry(planInput, policy, now);
    expect(decision.kind === 'retry' ? decision.at.toISOString() : decision).toBe(expectedAt);
  });

  it('ends the case when no morning inside the window is allowed, and says so', () => {
    // A customer's try on Tuesday 10 February at 21:00 New York; advice 27 waits to Saturday 21:00; the window ends on Sunday at 09:00.
    const decision = planNextRetry(
      input({ openedAt: new Date('2026-02-10T14:00:00Z'), lastAttemptAt: new Date('2026-02-11T02:00:00Z'), classification: mastercardWait('try_again_later', '27'), cardHistory: [] }),
      { ...DEFAULT_RETRY_POLICY, windowDays: 5 },
      new Date('2026-02-11T02:00:00Z'),
    );
    expect(decision).toEqual({ kind: 'exhausted', reason: 'no morning (09:00–12:00 customer time) when the card may be charged falls inside the 5-day recovery window', endAction: 'leave_open' });
  });

  it('retries a new card at once, even at night', () => {
    const night = new Date('2026-04-18T03:00:00Z'); // 23:00 in New York
    expect(planNextRetry(input({ classification: classify('do_not_honor'), paymentMethodChangedSinceLastFailure: true, cardHistory: [] }), DEFAULT_RETRY_POLICY, night)).toMatchObject({ kind: 'retry', at: night });
  });

  it('retries a new card in the next morning when Stripe’s own retry is due within the clearance', () => {
    const night = new Date('2026-04-18T03:00:00Z'); // 23:00 in New York; Stripe retries at 00:00, clear from 04:00, so Saturday 09:00
    const decision = planNextRetry(
      input({ classification: classify('do_not_honor'), paymentMethodChangedSinceLastFailure: true, cardHistory: [], nextStripeRetryAt: new Date('2026-04-18T04:00:00Z') }),
      DEFAULT_RETRY_POLICY,
      night,
    );
    expect(decision).toMatchObject({ kind: 'retry', at: new Date('2026-04-18T13:00:00Z') });
  });

  it.each([
    ['an invalid customer zone falls back to the country’s', { customerTimeZone: 'Not/AZone', customerCountry: 'US' }, DEFAULT_RETRY_POLICY, 'America/New_York'],
    ['an invalid customer and merchant zone fall back to UTC', { customerTimeZone: 'Not/AZone', customerCountry: null }, { ...DEFAULT_RETRY_POLICY, merchantTimeZone: 'Mars/Olympus' }, 'UTC'],
  ])('plans in a valid zone: %s', (_name, customer, policy, zone) => {
    const decision = planNextRetry(input(customer), policy, openedAt);
    expect(decision).toMatchObject({ kind: 'retry', reason: expect.stringContaining(`customer time (${zone})`) });
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
