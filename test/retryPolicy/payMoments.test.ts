import {
  classifyDecline,
  countPayHabits,
  DEFAULT_RETRY_POLICY,
  learnedPayMoments,
  localParts,
  paydayCalendarFor,
  paydayNameOf,
  planNextRetry,
  type RetryPlanInput,
} from '../../backend/src/retryPolicy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const openedAt = new Date('2026-04-16T12:00:00Z'); // Thursday, 08:00 in New York

function input(overrides: Partial<RetryPlanInput> = {}): RetryPlanInput {
  return {
    openedAt,
    classification: classifyDecline({ code: 'card_declined', declineCode: 'insufficient_funds' }, { needsCustomerAction: false }),
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

/** Follows the plan, every retry declined, and returns the planned retry times. */
function retriesOf(start: RetryPlanInput, policy = DEFAULT_RETRY_POLICY): Date[] {
  const times: Date[] = [];
  let current = start;
  let now = start.openedAt;
  for (let step = 0; step < 30; step += 1) {
    const decision = planNextRetry(current, policy, now);
    if (decision.kind !== 'retry') break;
    times.push(decision.at);
    now = decision.at;
    current = { ...current, ourAttemptCount: current.ourAttemptCount + 1, lastAttemptAt: now, cardHistory: [...current.cardHistory, { at: now, outcome: 'declined', initiatedBy: 'merchant', declineCode: 'insufficient_funds' }] };
  }
  return times;
}

const localDay = (at: Date, zone: string) => {
  const local = localParts(at, zone);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.weekday]} ${local.day}/${local.month} ${local.hour}:00`;
};

describe('pay moments', () => {
  it.each([
    ['a US Friday (weekly and biweekly pay)', 'US', 2026, 4, 17, 'a Friday'],
    ['the 15th in the US', 'US', 2026, 4, 15, 'the 15th'],
    ['the last business day of April 2026 (Thursday 30)', 'DE', 2026, 4, 30, 'the last business day of the month'],
    ['the 25th in Japan', 'JP', 2026, 5, 25, 'the 25th'],
    ['the 25th in Japan on a Sunday, paid the Friday before (23 October 2026)', 'JP', 2026, 10, 23, 'the 25th'],
    ['no payday on the Monday after a weekend 25th in Japan', 'JP', 2026, 10, 26, null],
    ['the 5th business day in Brazil (Thursday 7 May 2026)', 'BR', 2026, 5, 7, 'the 5th business day'],
    ['a Friday is no payday in Germany', 'DE', 2026, 4, 17, null],
  ])('%s', (_name, country, year, month, day, expected) => {
    expect(paydayNameOf(year, month, day, paydayCalendarFor(country, {}))).toBe(expected);
  });

  it('learns an account’s pay days from its own successful payments, once there are enough', () => {
    const zone = 'Europe/Berlin';
    // 150 payments: 60 on Tuesdays the 28th-ish pattern aside, spread otherwise over April–June weekdays 10:00 Berlin.
    const payments: Array<{ at: Date; zone: string }> = [];
    for (let i = 0; i < 60; i += 1) payments.push({ at: new Date(Date.UTC(2026, i % 6, 28, 8)), zone });
    for (let i = 0; i < 90; i += 1) payments.push({ at: new Date(Date.UTC(2026, 3, 1 + (i % 27), 8)), zone });
    const learned = learnedPayMoments(countPayHabits(payments));
    expect(learned?.daysOfMonth).toEqual([28]);
    expect(learnedPayMoments(countPayHabits(payments.slice(0, 99)))).toBeNull();
    // The learned day joins the country's calendar.
    expect(paydayNameOf(2026, 4, 28, paydayCalendarFor('DE', {}, learned))).toBe('the 28th');
  });
});

describe('insufficient funds across several pay moments (issue 18)', () => {
  it('tries a US customer on each Friday, the 1st and month end inside the window, each the morning after too, then once before it ends', () => {
    // The window ends Thursday 7 May at 08:00 New York; the next Friday is past it. Each declined payday try is followed
    // by the next morning while the attempts left still cover the pay moments ahead (Thu 30/4 is followed by a payday).
    const times = retriesOf(input());
    expect(times.map((at) => localDay(at, 'America/New_York'))).toEqual(['Fri 17/4 9:00', 'Sat 18/4 9:00', 'Fri 24/4 9:00', 'Sat 25/4 9:00', 'Thu 30/4 9:00', 'Fri 1/5 9:00', 'Sat 2/5 9:00', 'Wed 6/5 9:00']);
  });

  it('uses the attempts left before the window ends instead of closing early', () => {
    // Germany: 1st, 15th, month end. Opened 16 April: paydays 30 April and 1 May (and the morning after), then nothing until
    // 15 May, past the window (Thursday 7 May 14:00 Berlin): the window's last day and a half takes the attempts left, a day apart.
    const times = retriesOf(input({ customerCountry: 'DE' }));
    expect(times.map((at) => localDay(at, 'Europe/Berlin'))).toEqual(['Thu 30/4 9:00', 'Fri 1/5 9:00', 'Sat 2/5 9:00', 'Wed 6/5 9:00', 'Thu 7/5 9:00']);
  });

  it('tries again the morning after a declined payday try, and says so', () => {
    const friday = new Date('2026-04-17T13:00:00Z'); // Friday 17 April, 09:00 New York: a payday
    const decision = planNextRetry(input({ ourAttemptCount: 1, lastAttemptAt: friday }), DEFAULT_RETRY_POLICY, friday);
    expect(decision).toEqual({
      kind: 'retry',
      at: new Date('2026-04-18T13:00:00Z'),
      reason: 'Retrying on Saturday 18 April at 09:00 customer time (America/New_York): insufficient funds, the morning after payday (a Friday).',
    });
  });

  it('keeps to the pay moments ahead, without the morning after, when the attempts left only cover those', () => {
    // Three attempts for Fri 24/4, Thu 30/4 and Fri 1/5 ahead of the first: no Saturday.
    const times = retriesOf(input(), { ...DEFAULT_RETRY_POLICY, maxAttempts: 4 });
    expect(times.map((at) => localDay(at, 'America/New_York'))).toEqual(['Fri 17/4 9:00', 'Fri 24/4 9:00', 'Thu 30/4 9:00', 'Fri 1/5 9:00']);
  });

  it('does not follow a try on a day that is no payday with another the next morning', () => {
    const monday = new Date('2026-04-20T14:00:00Z'); // Monday 20 April, 10:00 New York
    const decision = planNextRetry(input({ ourAttemptCount: 1, lastAttemptAt: monday }), DEFAULT_RETRY_POLICY, monday);
    expect(decision).toMatchObject({ kind: 'retry', at: new Date('2026-04-24T13:00:00Z'), reason: expect.stringContaining('on payday (a Friday)') });
  });

  it('plans in the learned pay moments of the account', () => {
    const times = retriesOf(input({ customerCountry: 'DE', learnedPayMoments: { weekdays: [], daysOfMonth: [20] } }));
    expect(times[0] && localDay(times[0], 'Europe/Berlin')).toBe('Mon 20/4 9:00');
  });
});

describe('soft and ambiguous declines (issue 18)', () => {
  it.each(['do_not_honor', 'try_again_later'])('tries %s a second and third time a day or two apart', (declineCode) => {
    const classification = classifyDecline({ code: 'card_declined', declineCode }, { needsCustomerAction: false });
    // Failed at 10:00 in New York, in the customer's morning.
    const failedAt = new Date('2026-04-16T14:00:00Z');
    const times = retriesOf(input({ classification, openedAt: failedAt, lastAttemptAt: failedAt, cardHistory: [{ at: failedAt, outcome: 'declined', initiatedBy: 'merchant', declineCode }] }));
    const gapsDays = times.slice(0, 3).map((at, index) => (at.getTime() - (index === 0 ? failedAt : times[index - 1]!).getTime()) / DAY);
    expect(gapsDays[0]).toBe(1);
    expect(gapsDays[1]).toBeGreaterThanOrEqual(1);
    expect(gapsDays[1]).toBeLessThanOrEqual(2);
  });

  it('moves the first retry of an ambiguous decline to the next morning clear of Stripe’s retry, not Stripe’s retry + 4 h', () => {
    // Tokyo: failed at 09:20 local on Thursday 16 April; Stripe retries the next day at 10:20 local.
    const failedAt = new Date('2026-04-16T00:20:00Z');
    const stripeAt = new Date('2026-04-17T01:20:00Z');
    const decision = planNextRetry(
      input({ classification: classifyDecline({ code: 'card_declined', declineCode: 'do_not_honor' }, { needsCustomerAction: false }), openedAt: failedAt, lastAttemptAt: failedAt, nextStripeRetryAt: stripeAt, customerCountry: 'JP', cardHistory: [] }),
      DEFAULT_RETRY_POLICY,
      failedAt,
    );
    expect(decision).toEqual({
      kind: 'retry',
      at: new Date('2026-04-18T00:00:00Z'),
      reason: "Retrying on Saturday 18 April at 09:00 customer time (Asia/Tokyo): the issuer gave no reason (do_not_honor), careful retry 1 of 3; clear of Stripe's own retry on Friday 17 April at 10:20.",
    });
  });
});

describe('cards Stripe will not retry off-session (issue 18)', () => {
  it('asks the customer instead of retrying an India-issued card', () => {
    const decision = planNextRetry(input({ customerCountry: 'IN', cardCountry: 'IN' }), DEFAULT_RETRY_POLICY, openedAt);
    expect(decision).toMatchObject({ kind: 'wait_for_new_payment_method', reason: expect.stringContaining('e-mandate') });
  });

  it('still charges the India customer’s new card, which they just authorised', () => {
    const decision = planNextRetry(input({ customerCountry: 'IN', cardCountry: 'IN', paymentMethodChangedSinceLastFailure: true }), DEFAULT_RETRY_POLICY, openedAt);
    expect(decision).toMatchObject({ kind: 'retry', at: openedAt });
  });
});

describe('a new card after the window (issue 18)', () => {
  it('is charged once even after the window ended and every attempt was used', () => {
    const later = new Date(openedAt.getTime() + 25 * DAY);
    expect(planNextRetry(input({ ourAttemptCount: 8, paymentMethodChangedSinceLastFailure: true, cardHistory: [] }), DEFAULT_RETRY_POLICY, later)).toMatchObject({ kind: 'retry', at: later });
    expect(planNextRetry(input({ ourAttemptCount: 8 }), DEFAULT_RETRY_POLICY, later)).toMatchObject({ kind: 'exhausted' });
  });
});

describe('a reason that matches the time chosen (issue 18)', () => {
  it('says a network wait moved the retry, not just that it is a payday', () => {
    // Sixteen Visa attempts in 30 days, the oldest on Friday 20 March 13:30 New York: no retry before Sunday 19 April 13:30.
    const sixteen = [
      { at: new Date('2026-03-20T17:30:00Z'), outcome: 'declined' as const, initiatedBy: 'merchant' as const },
      ...Array.from({ length: 14 }, (_, day) => ({ at: new Date(Date.UTC(2026, 2, 25 + day, 13)), outcome: 'declined' as const, initiatedBy: 'merchant' as const })),
      { at: openedAt, outcome: 'declined' as const, initiatedBy: 'merchant' as const },
    ];
    expect(planNextRetry(input({ cardHistory: sixteen }), DEFAULT_RETRY_POLICY, openedAt)).toEqual({
      kind: 'retry',
      at: new Date('2026-04-24T13:00:00Z'),
      reason: 'Retrying on Friday 24 April at 09:00 customer time (America/New_York): insufficient funds, on payday (a Friday); Visa allows at most 15 reattempts per card in 30 days, so no earlier try.',
    });
  });
});
