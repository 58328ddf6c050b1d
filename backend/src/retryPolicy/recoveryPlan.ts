import { customerTimeZoneFor, describeLocalTime, isValidTimeZone, localParts, withinLocalHours } from './customerTime';
import type { DeclineClassification } from './declineRules';
import { DEFAULT_NETWORK_LIMITS, earliestAllowedAt, validateNetworkLimits, type CardAttempt, type NetworkLimits } from './networkLimits';
import { nextPaydayMorning, paydayCalendarFor, paydaysOf, type PaydayCalendar } from './paydays';

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
  gapsHours: [24, 48, 72, 96, 120],
  merchantTimeZone: 'UTC',
  retryHourLocal: 9,
  stripeRetryClearanceHours: 4,
  paydayCalendars: {},
  networkLimits: DEFAULT_NETWORK_LIMITS,
  endAction: 'leave_open',
};

/** "The customer's morning": retries go out from retryHourLocal for this many hours. */
export const MORNING_HOURS = 3;

/** Ambiguous declines get a few cautious retries with long gaps, then the customer is asked. */
export const AMBIGUOUS_MAX_ATTEMPTS = 3;
const AMBIGUOUS_GAPS_HOURS = [72, 120, 168];

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
}

export type RetryDecision =
  | { kind: 'retry'; at: Date; reason: string }
  /** Nothing to try until the card changes; `recheckAt` (the window's end) lets the case run out if it never does. */
  | { kind: 'wait_for_new_payment_method'; reason: string; recheckAt: Date }
  | { kind: 'exhausted'; reason: string; endAction: RetryPolicy['endAction'] };

/**
 * The recovery plan: when to retry, or why not. In order:
 * 1. a new payment method since the last failure → retry now (within network limits);
 * 2. never-retry, customer-must-act and Stripe-blocked declines → wait for a new card;
 * 3. insufficient funds → the next payday morning in the customer's time;
 * 4. soft declines → growing gaps (policy.gapsHours), in the customer's morning
 *    (retryHourLocal to 3 hours later; a later time waits for the next morning);
 * 5. ambiguous declines → at most 3 of our attempts with long gaps, then wait;
 * every time is first moved past network limits (and a Mastercard advice wait)
 * and clear of Stripe's own retry, then to the next customer's morning (a payday
 * morning for insufficient funds) where all of those still hold. Only a new
 * card's immediate retry may fall outside the morning. No such morning inside
 * the window (or no attempt left under maxAttempts) exhausts the case.
 * Example: insufficient funds on Thu 16 Apr (New York) → "Retrying on Thursday
 * 30 April at 09:00 customer time (America/New_York): insufficient funds, on a common payday."
 */
export function planNextRetry(input: RetryPlanInput, policy: RetryPolicy, now: Date): RetryDecision {
  const windowEndsAt = new Date(input.openedAt.getTime() + policy.windowDays * DAY_MS);
  const zone = customerTimeZoneFor(input, policy.merchantTimeZone);
  const exhausted = (why: string): RetryDecision => ({ kind: 'exhausted', reason: why, endAction: policy.endAction });

  if (input.ourAttemptCount >= policy.maxAttempts) return exhausted(`all ${policy.maxAttempts} retries were used without payment`);
  if (now >= windowEndsAt) return exhausted(`the ${policy.windowDays}-day recovery window ended without payment`);

  let candidate: Date;
  // Moves a time forward to the next slot in which the customer should be charged.
  let fit: (at: Date) => Date = (at) => morningOf(at, zone, policy);
  let slot = 'morning';
  let why: string;
  const { classification } = input;
  if (input.paymentMethodChangedSinceLastFailure) {
    candidate = now;
    // The customer is here now; only a retry that something pushed back waits for their morning.
    fit = (at) => (at.getTime() === now.getTime() ? at : morningOf(at, zone, policy));
    why = 'the customer has a new payment method';
  } else if (classification.bucket === 'never_retry' || classification.bucket === 'customer_must_act' || classification.bucket === 'blocked_by_stripe') {
    return { kind: 'wait_for_new_payment_method', reason: `Waiting for a new payment method: ${classification.explanation}.`, recheckAt: windowEndsAt };
  } else if (classification.isInsufficientFunds) {
    candidate = later(now, input.lastAttemptAt ? new Date(input.lastAttemptAt.getTime() + 12 * HOUR_MS) : now);
    const calendar = paydayCalendarFor(input.customerCountry, policy.paydayCalendars);
    fit = (at) => paydayMorningOf(at, zone, calendar, policy);
    slot = 'payday morning';
    why = 'insufficient funds, on a common payday';
  } else if (classification.bucket === 'ambiguous') {
    if (input.ourAttemptCount >= AMBIGUOUS_MAX_ATTEMPTS) {
      return { kind: 'wait_for_new_payment_method', reason: `Waiting for the customer: ${AMBIGUOUS_MAX_ATTEMPTS} careful retries of an unexplained decline failed.`, recheckAt: windowEndsAt };
    }
    candidate = afterGap(input, AMBIGUOUS_GAPS_HOURS, now);
    why = `the issuer gave no reason (${classification.code ?? 'no code'}), a careful retry`;
  } else {
    candidate = afterGap(input, policy.gapsHours, now);
    why = `a temporary decline (${classification.code ?? 'no code'})`;
  }

  if (classification.mastercardMinWaitMs !== null && input.lastAttemptAt && !input.paymentMethodChangedSinceLastFailure) {
    candidate = later(candidate, new Date(input.lastAttemptAt.getTime() + classification.mastercardMinWaitMs));
  }
  const settled = settle(candidate, fit, input, policy, windowEndsAt);
  if (settled === 'forbidden') return { kind: 'wait_for_new_payment_method', reason: 'Waiting for a new payment method: card network rules forbid retrying this card.', recheckAt: windowEndsAt };
  if (settled === 'after_window') return exhausted(`the next allowed retry would fall after the ${policy.windowDays}-day recovery window`);
  if (settled === 'no_slot_in_window') {
    return exhausted(`no ${slot} (${morningHours(policy)} customer time) when the card may be charged falls inside the ${policy.windowDays}-day recovery window`);
  }
  const when = settled.getTime() - now.getTime() < 60_000 ? 'now' : `on ${describeLocalTime(settled, zone)} customer time (${zone})`;
  return { kind: 'retry', at: settled, reason: `Retrying ${when}: ${why}.` };
}

/**
 * The first time at or after `from` that keeps every rule: the card-network
 * limits, the clearance around Stripe's own retry, and `fit` (the customer's
 * morning or payday morning). Each rule only moves the time later, so applying
 * them in turn until none moves it finds that time.
 */
function settle(from: Date, fit: (at: Date) => Date, input: RetryPlanInput, policy: RetryPolicy, windowEndsAt: Date): Date | 'forbidden' | 'after_window' | 'no_slot_in_window' {
  const clearanceMs = policy.stripeRetryClearanceHours * HOUR_MS;
  const stripeAt = input.nextStripeRetryAt;
  if (from >= windowEndsAt) return 'after_window';
  let at = from;
  // Each round that moves the time passes a morning or a network limit: a 60-day window settles in far fewer rounds.
  for (let round = 0; round < 500 && at < windowEndsAt; round += 1) {
    const allowed = earliestAllowedAt(input.cardHistory, input.cardBrand, at, policy.networkLimits);
    if (!allowed) return 'forbidden';
    if (allowed >= windowEndsAt) return 'after_window';
    const clear = stripeAt && Math.abs(allowed.getTime() - stripeAt.getTime()) < clearanceMs ? new Date(stripeAt.getTime() + clearanceMs) : allowed;
    if (clear >= windowEndsAt) return 'after_window';
    const fitted = fit(clear);
    if (fitted.getTime() === at.getTime()) return at;
    at = fitted;
  }
  return 'no_slot_in_window';
}

function afterGap(input: RetryPlanInput, gapsHours: number[], now: Date): Date {
  const gap = gapsHours[Math.min(input.ourAttemptCount, gapsHours.length - 1)] ?? 24;
  return later(now, input.lastAttemptAt ? new Date(input.lastAttemptAt.getTime() + gap * HOUR_MS) : now);
}

/** The time itself when it falls in the customer's morning, else the next morning's start. */
function morningOf(at: Date, zone: string, policy: RetryPolicy): Date {
  return withinLocalHours(at, zone, policy.retryHourLocal, morningEndHour(policy));
}

/** The time itself when it falls in a payday's morning (a retry delayed by an outage still counts), else the next payday morning. */
function paydayMorningOf(at: Date, zone: string, calendar: PaydayCalendar, policy: RetryPolicy): Date {
  const local = localParts(at, zone);
  const isMorning = local.hour >= policy.retryHourLocal && local.hour < morningEndHour(policy);
  if (isMorning && paydaysOf(local.year, local.month, calendar).includes(local.day)) return at;
  return nextPaydayMorning(at, zone, calendar, policy.retryHourLocal);
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
