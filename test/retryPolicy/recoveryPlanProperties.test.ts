import fc from 'fast-check';
import { checkNetworkLimits, classifyDecline, customerTimeZoneFor, DEFAULT_RETRY_POLICY, describeLocalDate, localParts, planNextRetry, type CardAttempt, type RetryPolicy } from '../../backend/src/retryPolicy';
import { MORNING_HOURS } from '../../backend/src/retryPolicy/recoveryPlan';

/**
 * Whatever the history, decline and policy, following the plan never breaks a
 * card-network limit, never lands near Stripe's own retry, and never runs past
 * the window. Each run simulates a whole case: plan, attempt (declined with the
 * same codes), plan again, until the plan stops retrying.
 */
const HOUR = 3_600_000;
// PLAN_SEED explores beyond CI's fixed seed; PLAN_RUNS runs longer.
const SEED = Number(process.env.PLAN_SEED ?? 20261123);
const RUNS = Number(process.env.PLAN_RUNS ?? 300);
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

const declineCodes = ['insufficient_funds', 'processing_error', 'try_again_later', 'do_not_honor', 'generic_decline', 'stolen_card', 'pickup_card', 'transaction_not_allowed', 'expired_card', 'card_velocity_exceeded', 'brand_new_code'];
const networkAdvice = [null, '01', '03', '21', '24', '25', '26', '27', '28', '29', '30'];

const attempt = fc.record({
  offsetMs: fc.integer({ min: 0, max: 40 * DAY }),
  outcome: fc.constantFrom<'declined' | 'succeeded'>('declined', 'declined', 'declined', 'succeeded'),
  initiatedBy: fc.constantFrom<'merchant' | 'customer'>('merchant', 'merchant', 'customer'),
  declineCode: fc.constantFrom(...declineCodes),
  networkAdviceCode: fc.constantFrom(...networkAdvice),
});

const scenario = fc.record({
  brand: fc.constantFrom('visa', 'mastercard', 'amex', null),
  history: fc.array(attempt, { maxLength: 40 }),
  declineCode: fc.constantFrom(...declineCodes),
  networkAdviceCode: fc.constantFrom(...networkAdvice),
  stripeRetryOffsetMs: fc.option(fc.integer({ min: 0, max: 30 * DAY }), { nil: null }),
  country: fc.constantFrom('US', 'GB', 'JP', 'AU', 'IN', 'NZ', null),
  // A zone Stripe gave us for the customer, including half- and quarter-hour offsets and a name no zone has.
  timeZone: fc.constantFrom(null, null, 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Auckland', 'Australia/Adelaide', 'Not/AZone'),
  // Kiritimati (UTC+14): its mornings fall on the previous UTC date.
  merchantTimeZone: fc.constantFrom('UTC', 'Europe/Paris', 'America/Chicago', 'Pacific/Kiritimati'),
  newCard: fc.boolean(),
  needsCustomerAction: fc.boolean(),
  openedMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
  windowDays: fc.integer({ min: 1, max: 40 }),
  maxAttempts: fc.integer({ min: 0, max: 15 }),
  visaLimit: fc.integer({ min: 0, max: 20 }),
  clearanceHours: fc.integer({ min: 0, max: 12 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Planned = { at: Date; now: Date; policy: RetryPolicy; newCard: boolean };

/**
 * Follows the plan from the case's opening until it stops retrying, declined
 * each time with the same codes, checking the network rules at each step, and
 * hands every planned retry to `also`. A new card (when the scenario has one)
 * counts for the first plan only: after its decline it is the declined card.
 */
function followPlan(s: Scenario, also: (planned: Planned) => void): void {
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    windowDays: s.windowDays,
    maxAttempts: Math.min(s.maxAttempts, s.visaLimit),
    stripeRetryClearanceHours: s.clearanceHours,
    merchantTimeZone: s.merchantTimeZone,
    networkLimits: { ...DEFAULT_RETRY_POLICY.networkLimits, visaMaxReattemptsPer30Days: s.visaLimit },
  };
  const openedAt = new Date(T0 + 40 * DAY + s.openedMinute * 60_000);
  const history: CardAttempt[] = s.history.map((a) => ({ ...a, at: new Date(T0 + a.offsetMs) }));
  const decline = { code: 'card_declined', declineCode: s.declineCode, ...(s.networkAdviceCode ? { networkAdviceCode: s.networkAdviceCode } : {}) };
  history.push({ at: openedAt, outcome: 'declined', initiatedBy: 'merchant', declineCode: s.declineCode, networkAdviceCode: s.networkAdviceCode });
  const stripeAt = s.stripeRetryOffsetMs === null ? null : new Date(openedAt.getTime() + s.stripeRetryOffsetMs);

  let now = openedAt;
  let ours = 0;
  for (let step = 0; step < 30; step += 1) {
    const decision = planNextRetry(
      {
        openedAt,
        classification: classifyDecline(decline, { needsCustomerAction: s.needsCustomerAction }),
        ourAttemptCount: ours,
        lastAttemptAt: history.at(-1)!.at,
        nextStripeRetryAt: stripeAt,
        paymentMethodChangedSinceLastFailure: s.newCard && ours === 0,
        customerCountry: s.country,
        customerTimeZone: s.timeZone,
        cardBrand: s.brand,
        cardHistory: history,
      },
      policy,
      now,
    );
    if (decision.kind !== 'retry') return;
    // The attempt the plan asks for must be allowed by every rule, on the full history so far.
    expect(checkNetworkLimits(history, s.brand, decision.at, policy.networkLimits)).toEqual({ allowed: true });
    expect(decision.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
    expect(decision.at.getTime()).toBeLessThan(openedAt.getTime() + policy.windowDays * DAY);
    if (stripeAt) expect(Math.abs(decision.at.getTime() - stripeAt.getTime())).toBeGreaterThanOrEqual(policy.stripeRetryClearanceHours * HOUR);
    // A new card is charged once even when our own attempts ran out (issue 18); every other retry counts against maxAttempts.
    if (!(s.newCard && ours === 0)) expect(ours).toBeLessThan(policy.maxAttempts);
    also({ at: decision.at, now, policy, newCard: s.newCard && ours === 0 });
    history.push({ at: decision.at, outcome: 'declined', initiatedBy: 'merchant', declineCode: s.declineCode, networkAdviceCode: s.networkAdviceCode });
    ours += 1;
    now = decision.at;
  }
}

it('never plans a retry that breaks a network limit, crowds Stripe’s retry or leaves the window', () => {
  fc.assert(
    fc.property(scenario, (s) => followPlan(s, () => undefined)),
    { numRuns: RUNS, seed: SEED },
  );
});

/** The zone the plan works in and the email names dates in: one rule for both (customerTime.ts). */
function planZone(s: Scenario): string {
  return customerTimeZoneFor({ customerTimeZone: s.timeZone, customerCountry: s.country }, s.merchantTimeZone);
}

it('plans every retry in the customer’s morning, except the immediate retry of a new card', () => {
  fc.assert(
    fc.property(scenario, (s) =>
      followPlan(s, ({ at, now, policy, newCard }) => {
        if (newCard && at.getTime() === now.getTime()) return;
        const { hour, minute } = localParts(at, planZone(s));
        const inMorning = hour >= policy.retryHourLocal && hour < policy.retryHourLocal + MORNING_HOURS;
        expect(inMorning ? 'in the morning' : `${at.toISOString()} is ${hour}:${String(minute).padStart(2, '0')} in ${planZone(s)}`).toBe('in the morning');
      }),
    ),
    { numRuns: RUNS, seed: SEED },
  );
});

/** The date the dunning email names (dunningService.ts), in the case's zone as customerTimeZoneFor picks it with the merchant's zone of the retry policy. */
function emailDate(s: Scenario, at: Date): string {
  return describeLocalDate(at, customerTimeZoneFor({ customerTimeZone: s.timeZone, customerCountry: s.country }, s.merchantTimeZone));
}

it('names in the email the local date of the next planned charge', () => {
  fc.assert(
    fc.property(scenario, (s) =>
      followPlan(s, ({ at, now }) => {
        if (at <= now) return; // a retry due now is promised without a date ("soon")
        const local = localParts(at, planZone(s));
        const expected = describeLocalDate(new Date(Date.UTC(local.year, local.month - 1, local.day, 12)), 'UTC');
        expect(emailDate(s, at)).toBe(expected);
      }),
    ),
    { numRuns: RUNS, seed: SEED },
  );
});
