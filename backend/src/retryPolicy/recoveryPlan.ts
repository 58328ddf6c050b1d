import { customerTimeZoneFor, describeLocalTime, isValidTimeZone, withinLocalHours } from './customerTime';
import type { DeclineClassification } from './declineRules';
import { checkNetworkLimits, DEFAULT_NETWORK_LIMITS, earliestAllowedAt, validateNetworkLimits, type CardAttempt, type NetworkLimits } from './networkLimits';
import { paydayCalendarFor, type PaydayCalendar } from './paydays';
import { payMomentSlots } from './payMomentSlots';
import type { LearnedPayMoments } from './payHabits';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface RetryPolicy {
  /** Days after the first failure during which we retry (default 21). */
  windowDays: number;
  /** Our own attempts per case at most (default 8). */
  maxAttempts: number;
  /** Gaps after each of our attempts, in hours; the last repeats. */
  gapsHours: number[];
  merchantTimeZone: string;
  /** Local hour at which retries happen in the customer's zone. */
  retryHourLocal: number;
  /** Never retry within this many hours of a retry Stripe has scheduled itself. */
  stripeRetryClearanceHours: number;
  paydayCalendars: Record<string, PaydayCalendar>;
  networkLimits: NetworkLimits;
  endAction: 'leave_open' | 'cancel_subscription' | 'mark_uncollectible';
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  windowDays: 21,
  maxAttempts: 8,
  // A second and third try a day apart, then longer gaps: soft declines often clear within a day or two.
  gapsHours: [24, 24, 48, 72, 96],
  merchantTimeZone: 'UTC',
  retryHourLocal: 9,
  stripeRetryClearanceHours: 4,
  paydayCalendars: {},
  networkLimits: DEFAULT_NETWORK_LIMITS,
  endAction: 'leave_open',
};

/** "The customer's morning": retries go out from retryHourLocal for this many hours. */
export const MORNING_HOURS = 3;

/** Ambiguous declines get a few cautious retries a day or two apart, then the customer is asked. */
export const AMBIGUOUS_MAX_ATTEMPTS = 3;
const AMBIGUOUS_GAPS_HOURS = [24, 48, 48];
/** Our retries of one card stay at least this far apart when a plan falls back to the window's last mornings. */
const MIN_FALLBACK_GAP_MS = 20 * HOUR_MS;
/** How close to the window's end an insufficient-funds case with no payday left takes its last try. */
const LAST_DAY_MS = 36 * HOUR_MS;
/** A new card after the window ended (a reopened case) may still be charged this long after it arrived. */
const NEW_CARD_GRACE_MS = 7 * DAY_MS;
/** Stripe does not retry India-issued cards off-session beyond what their e-mandate allows: the customer must act. */
const OFF_SESSION_MANDATE_COUNTRIES = new Set(['IN']);

export interface RetryPlanInput {
  openedAt: Date;
  classification: DeclineClassification;
  ourAttemptCount: number;
  /** The last attempt by anyone (ours, Stripe's, the customer's). */
  lastAttemptAt: Date | null;
  nextStripeRetryAt: Date | null;
  paymentMethodChangedSinceLastFailure: boolean;
  customerCountry: string | null;
  customerTimeZone: string | null;
  cardBrand: string | null;
  cardHistory: CardAttempt[];
  /** Where the card to charge was issued, when Stripe said. */
  cardCountry?: string | null;
  /** Pay moments learned from the account's own successful payments (see learnedPayMoments). */
  learnedPayMoments?: LearnedPayMoments | null;
}

export type RetryDecision =
  | { kind: 'retry'; at: Date; reason: string }
  /** Nothing to try until the card changes; `recheckAt` (the window's end) lets the case run out if it never does. */
  | { kind: 'wait_for_new_payment_method'; reason: string; recheckAt: Date }
  | { kind: 'exhausted'; reason: string; endAction: RetryPolicy['endAction'] };

/** What one plan aims at: the earliest time, the slots it may land in, and how to say why. */
interface Aim {
  from: Date;
  fit: (at: Date) => Date;
  why: string;
  /** How the reason names the slot the chosen time fell in. */
  placement: (at: Date) => string;
}

/**
 * The recovery plan: when to retry, or why not. In order:
 * 1. a new payment method since the last failure → retry now (within network
 *    limits), once, even after the window or our attempts ran out;
 * 2. never-retry, customer-must-act and Stripe-blocked declines, and cards
 *    Stripe will not charge off-session again (India e-mandates) → wait for the customer;
 * 3. insufficient funds → the next pay moment's morning in the customer's time:
 *    Fridays, the 1st, the 15th, month end, the country's habits and the
 *    account's own learned pay days; after a declined try on a payday, also
 *    the next morning (see payMomentSlots);
 * 4. soft declines → policy.gapsHours (a day, a day, then longer), in the customer's morning;
 * 5. ambiguous declines → at most 3 of our attempts, a day or two apart, then wait;
 * every time is first moved past network limits (and a Mastercard advice wait)
 * and clear of Stripe's own retry, then to the next morning (payday morning)
 * where all of those still hold. When no such slot is left in the window but
 * attempts are, the window's last allowed morning is used instead of giving up.
 * The reason names what decided the chosen time (a payday, a network wait, Stripe's retry).
 * Example: insufficient funds on Thu 16 Apr (New York) → "Retrying on Friday
 * 17 April at 09:00 customer time (America/New_York): insufficient funds, on payday (a Friday)."
 */
export function planNextRetry(input: RetryPlanInput, policy: RetryPolicy, now: Date): RetryDecision {
  const windowEndsAt = new Date(input.openedAt.getTime() + policy.windowDays * DAY_MS);
  const zone = customerTimeZoneFor(input, policy.merchantTimeZone);
  const exhausted = (why: string): RetryDecision => ({ kind: 'exhausted', reason: why, endAction: policy.endAction });
  const morning = (at: Date) => morningOf(at, zone, policy);
  const { classification } = input;

  // A merchant who switched our retries off (maxAttempts 0) is not charged even for a new card.
  if (input.paymentMethodChangedSinceLastFailure && policy.maxAttempts > 0) {
    const deadline = now < windowEndsAt ? windowEndsAt : new Date(now.getTime() + NEW_CARD_GRACE_MS);
    // The customer is here now; only a retry that something pushed back waits for their morning.
    const aim: Aim = { from: now, fit: (at) => (at.getTime() === now.getTime() ? at : morning(at)), why: 'the customer has a new payment method', placement: () => '' };
    const planned = decide(aim, input, policy, now, deadline, zone);
    if (planned) return planned;
    if (earliestAllowedAt(input.cardHistory, input.cardBrand, now, policy.networkLimits) === null) {
      return { kind: 'wait_for_new_payment_method', reason: 'Waiting for a new payment method: card network rules forbid retrying this card.', recheckAt: deadline };
    }
    return exhausted('no morning when the new card may be charged falls inside the recovery window');
  }
  if (input.ourAttemptCount >= policy.maxAttempts) return exhausted(`all ${policy.maxAttempts} retries were used without payment`);
  if (now >= windowEndsAt) return exhausted(`the ${policy.windowDays}-day recovery window ended without payment`);
  if (classification.bucket === 'never_retry' || classification.bucket === 'customer_must_act' || classification.bucket === 'blocked_by_stripe') {
    return { kind: 'wait_for_new_payment_method', reason: `Waiting for a new payment method: ${classification.explanation}.`, recheckAt: windowEndsAt };
  }
  if (input.cardCountry && OFF_SESSION_MANDATE_COUNTRIES.has(input.cardCountry.toUpperCase())) {
    const reason = 'Waiting for the customer: Stripe does not retry India-issued cards off-session outside their e-mandate; the customer is asked to pay or update the card.';
    return { kind: 'wait_for_new_payment_method', reason, recheckAt: windowEndsAt };
  }
  if (classification.bucket === 'ambiguous' && input.ourAttemptCount >= AMBIGUOUS_MAX_ATTEMPTS) {
    return { kind: 'wait_for_new_payment_method', reason: `Waiting for the customer: ${AMBIGUOUS_MAX_ATTEMPTS} careful retries of an unexplained decline failed.`, recheckAt: windowEndsAt };
  }

  const aim = aimFor(input, policy, now, zone);
  const planned = decide(aim, input, policy, now, windowEndsAt, zone);
  if (planned) return planned;
  // No slot of the usual kind is left in the window: a morning before it ends still uses an attempt we have.
  // Money short of a payday is likeliest late: insufficient funds take the window's last day.
  const lastAt = input.ourAttemptCount > 0 && input.lastAttemptAt ? input.lastAttemptAt.getTime() + MIN_FALLBACK_GAP_MS : now.getTime();
  const lastDayAt = classification.isInsufficientFunds ? windowEndsAt.getTime() - LAST_DAY_MS : 0;
  const from = afterAdviceWait(input, new Date(Math.max(now.getTime(), lastAt, lastDayAt)));
  const missing = classification.isInsufficientFunds ? 'no payday is left in it' : 'the usual wait would pass its end';
  const fallback: Aim = { from, fit: morning, why: aim.why, placement: () => `, before the recovery window ends (${missing})` };
  const last = decide(fallback, input, policy, now, windowEndsAt, zone);
  if (last) return last;
  if (earliestAllowedAt(input.cardHistory, input.cardBrand, now, policy.networkLimits) === null) {
    return { kind: 'wait_for_new_payment_method', reason: 'Waiting for a new payment method: card network rules forbid retrying this card.', recheckAt: windowEndsAt };
  }
  return exhausted(`no morning (${morningHours(policy)} customer time) when the card may be charged falls inside the ${policy.windowDays}-day recovery window`);
}

/** Where the plan aims for the case's own card, by decline. */
function aimFor(input: RetryPlanInput, policy: RetryPolicy, now: Date, zone: string): Aim {
  const { classification } = input;
  const waitForAdvice = (at: Date) => afterAdviceWait(input, at);
  const morning = (at: Date) => morningOf(at, zone, policy);
  if (classification.isInsufficientFunds) {
    const calendar = paydayCalendarFor(input.customerCountry, policy.paydayCalendars, input.learnedPayMoments ?? null);
    const windowEndsAt = new Date(input.openedAt.getTime() + policy.windowDays * DAY_MS);
    const budget = { lastAttemptAt: input.lastAttemptAt, attemptsLeft: policy.maxAttempts - input.ourAttemptCount, windowEndsAt };
    const slots = payMomentSlots(calendar, zone, { from: policy.retryHourLocal, until: morningEndHour(policy) }, budget);
    return {
      from: waitForAdvice(later(now, input.lastAttemptAt ? new Date(input.lastAttemptAt.getTime() + 12 * HOUR_MS) : now)),
      fit: slots.fit,
      why: 'insufficient funds',
      placement: slots.placement,
    };
  }
  const ambiguous = classification.bucket === 'ambiguous';
  return {
    from: waitForAdvice(afterGap(input, ambiguous ? AMBIGUOUS_GAPS_HOURS : policy.gapsHours, now)),
    fit: morning,
    why: ambiguous
      ? `the issuer gave no reason (${classification.code ?? 'no code'}), careful retry ${input.ourAttemptCount + 1} of ${AMBIGUOUS_MAX_ATTEMPTS}`
      : `a temporary decline (${classification.code ?? 'no code'})`,
    placement: () => '',
  };
}

/** A retry decision for `aim` when a slot is left before `deadline`; null when none is. */
function decide(aim: Aim, input: RetryPlanInput, policy: RetryPolicy, now: Date, deadline: Date, zone: string): RetryDecision | null {
  const settled = settle(aim.from, aim.fit, input, policy, deadline);
  if (!settled) return null;
  const when = settled.at.getTime() - now.getTime() < 60_000 ? 'now' : `on ${describeLocalTime(settled.at, zone)} customer time (${zone})`;
  const moved =
    settled.movedBy?.kind === 'network' ? `; ${settled.movedBy.explanation}, so no earlier try`
    : settled.movedBy?.kind === 'stripe_retry' ? `; clear of Stripe's own retry on ${describeLocalTime(settled.movedBy.at, zone)}`
    : '';
  return { kind: 'retry', at: settled.at, reason: `Retrying ${when}: ${aim.why}${aim.placement(settled.at)}${moved}.` };
}

type MovedBy = { kind: 'network'; explanation: string } | { kind: 'stripe_retry'; at: Date };

/**
 * The first time at or after `from` that keeps every rule: the card-network
 * limits, the clearance around Stripe's own retry, and `fit` (the customer's
 * morning or payday morning); null when none falls before `deadline` (or the
 * networks forbid the card). Each rule only moves the time later, so applying
 * them in turn until none moves it finds that time. `movedBy` names the last
 * rule, other than `fit`, that pushed the time: the reason must say so.
 */
function settle(from: Date, fit: (at: Date) => Date, input: RetryPlanInput, policy: RetryPolicy, deadline: Date): { at: Date; movedBy: MovedBy | null } | null {
  const clearanceMs = policy.stripeRetryClearanceHours * HOUR_MS;
  const stripeAt = input.nextStripeRetryAt;
  let at = from;
  let movedBy: MovedBy | null = null;
  // Each round that moves the time passes a morning or a network limit: a 60-day window settles in far fewer rounds.
  for (let round = 0; round < 500 && at < deadline; round += 1) {
    const allowed = earliestAllowedAt(input.cardHistory, input.cardBrand, at, policy.networkLimits);
    if (!allowed || allowed >= deadline) return null;
    if (allowed > at) {
      const refusal = checkNetworkLimits(input.cardHistory, input.cardBrand, at, policy.networkLimits);
      movedBy = { kind: 'network', explanation: refusal.allowed ? 'the card networks ask to wait' : refusal.explanation };
    }
    let clear = allowed;
    if (stripeAt && Math.abs(allowed.getTime() - stripeAt.getTime()) < clearanceMs) {
      clear = new Date(stripeAt.getTime() + clearanceMs);
      movedBy = { kind: 'stripe_retry', at: stripeAt };
    }
    if (clear >= deadline) return null;
    const fitted = fit(clear);
    if (fitted.getTime() === at.getTime()) return at < deadline ? { at, movedBy } : null;
    at = fitted;
  }
  return null;
}

/** `at`, or the end of the wait a Mastercard advice code set after the last decline when that is later. */
function afterAdviceWait(input: RetryPlanInput, at: Date): Date {
  const waitMs = input.classification.mastercardMinWaitMs;
  return waitMs !== null && input.lastAttemptAt ? later(at, new Date(input.lastAttemptAt.getTime() + waitMs)) : at;
}

function afterGap(input: RetryPlanInput, gapsHours: number[], now: Date): Date {
  const gap = gapsHours[Math.min(input.ourAttemptCount, gapsHours.length - 1)] ?? 24;
  return later(now, input.lastAttemptAt ? new Date(input.lastAttemptAt.getTime() + gap * HOUR_MS) : now);
}

/** The time itself when it falls in the customer's morning, else the next morning's start. */
function morningOf(at: Date, zone: string, policy: RetryPolicy): Date {
  return withinLocalHours(at, zone, policy.retryHourLocal, morningEndHour(policy));
}

function morningEndHour(policy: RetryPolicy): number {
  return Math.min(24, policy.retryHourLocal + MORNING_HOURS);
}

/** "09:00–12:00": the customer's morning, as reasons name it. */
function morningHours(policy: RetryPolicy): string {
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `${hour(policy.retryHourLocal)}–${hour(morningEndHour(policy))}`;
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/** Problems with a merchant's retry policy, each naming the setting and the rule it would break. */
export function validateRetryPolicy(policy: RetryPolicy): string[] {
  const problems = validateNetworkLimits(policy.networkLimits);
  if (!Number.isInteger(policy.windowDays) || policy.windowDays < 1 || policy.windowDays > 60) problems.push('windowDays: a whole number of days from 1 to 60');
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 0) problems.push('maxAttempts: a whole number, 0 or more');
  if (policy.maxAttempts > policy.networkLimits.visaMaxReattemptsPer30Days) {
    problems.push(`maxAttempts: at most ${policy.networkLimits.visaMaxReattemptsPer30Days}, the Visa limit on reattempts per card in 30 days`);
  }
  if (policy.gapsHours.length === 0 || policy.gapsHours.some((gap) => !(gap >= 2.4))) {
    // Ten attempts in 24 hours is Mastercard's ceiling: no gap may be shorter than 2.4 hours.
    problems.push('gapsHours: at least one gap, each at least 2.4 hours (Mastercard allows at most 10 declines per card in 24 hours)');
  }
  if (!Number.isInteger(policy.retryHourLocal) || policy.retryHourLocal < 0 || policy.retryHourLocal > 23) problems.push('retryHourLocal: an hour from 0 to 23');
  if (!(policy.stripeRetryClearanceHours >= 0 && policy.stripeRetryClearanceHours <= 48)) problems.push('stripeRetryClearanceHours: from 0 to 48 hours');
  if (!isValidTimeZone(policy.merchantTimeZone)) problems.push(`merchantTimeZone: "${policy.merchantTimeZone}" is not a time zone name such as Europe/Paris`);
  return problems;
}
