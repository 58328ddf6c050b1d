import { isSameCard, withTriedCards } from '../cardLedger/cardIdentity';
import { withTimelineEntry as withEntry } from './caseTimeline';
import { formatAmount } from './money';
import type { CardDetails, DeclineDetails, OurAttempt, PlannedAction, RecoveryCase, TimelineEntry } from './recoveryCase';

/**
 * Pure steps of a retry: start an attempt, record Stripe's answer, and apply
 * the plan's next decision. The worker runs them in that order; each returns
 * the new case and never touches I/O.
 */

/** The plan's decision (see retryPolicy's planNextRetry). */
export type PlanDecision =
  | { kind: 'retry'; at: Date; reason: string }
  | { kind: 'wait_for_new_payment_method'; reason: string; recheckAt: Date }
  | { kind: 'exhausted'; reason: string };

export type AttemptResult =
  | { kind: 'paid' }
  | { kind: 'declined'; decline: DeclineDetails | null; card: CardDetails | null }
  | { kind: 'needs_customer_action' };

/** Stripe remembers an idempotency key for 24 h; ours is unique per case and attempt number. */
export function attemptIdempotencyKey(caseId: string, attemptNumber: number): string {
  return `recovery-${caseId}-attempt-${attemptNumber}`;
}

/** First wait after a step failed for a passing reason (Stripe down, rate limited); it doubles up to an hour. */
export const STEP_RETRY_FIRST_DELAY_MS = 60_000;
export const STEP_RETRY_MAX_DELAY_MS = 60 * 60 * 1000;
/** Stripe refusing the request itself (a 4xx) will not change within minutes; try once a day and say so. */
export const STEP_REFUSED_DELAY_MS = 24 * 60 * 60 * 1000;

/**
 * A step that could not run: the case stays active and tries again later,
 * never lost, and the merchant sees why (the next action and the timeline,
 * where repeats fold into one entry). `failures` counts the failed steps in
 * a row, this one included. A case closed meanwhile is left as it is.
 * Example: third 500 in a row at 14:00 → "Stripe unavailable, trying again at 2026-04-17 14:04 UTC."
 */
export function putOffAfterFailedStep(current: RecoveryCase, failure: { failures: number; refusedByStripe: boolean; message: string }, now: Date): RecoveryCase {
  if (current.status !== 'active') return current;
  if (failure.refusedByStripe) {
    const retryAt = new Date(now.getTime() + STEP_REFUSED_DELAY_MS);
    const summary = `Stripe refused our request (${failure.message}); we will try again in a day.`;
    return withEntry(
      { ...current, actionFailures: failure.failures, nextActionAt: retryAt, plannedAction: { kind: 'retry', at: retryAt, reason: summary } },
      { at: now, kind: 'retry_refused', summary },
    );
  }
  const delayMs = Math.min(STEP_RETRY_FIRST_DELAY_MS * 2 ** (failure.failures - 1), STEP_RETRY_MAX_DELAY_MS);
  const retryAt = new Date(now.getTime() + delayMs);
  const summary = `Stripe unavailable, trying again at ${utcMinuteOf(retryAt)}.`;
  return withEntry(
    { ...current, actionFailures: failure.failures, nextActionAt: retryAt, plannedAction: { kind: 'retry', at: retryAt, reason: summary } },
    { at: now, kind: 'stripe_unavailable', summary },
  );
}

/** "2026-04-17 14:04 UTC": a time the merchant reads the same wherever the case is viewed. */
export function utcMinuteOf(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The attempt still waiting for Stripe's answer (a worker died mid-call), if any. */
export function pendingAttempt(current: RecoveryCase): OurAttempt | null {
  const last = current.ourAttempts.at(-1);
  return last && last.outcome === 'pending' ? last : null;
}

/**
 * Starts attempt number n+1. `card` is the new card it charges, when not the
 * case's own: from now on it, and the card it replaces, are tried cards of
 * the case and never count as new again.
 */
export function beginAttempt(
  current: RecoveryCase,
  trigger: OurAttempt['trigger'],
  paymentMethodId: string | null,
  now: Date,
  card: CardDetails | null = null,
): { case: RecoveryCase; attempt: OurAttempt } {
  const number = current.ourAttempts.length + 1;
  const attempt: OurAttempt = {
    number,
    idempotencyKey: attemptIdempotencyKey(current.id, number),
    trigger,
    paymentMethodId,
    ...(card ? { card } : {}),
    startedAt: now,
    finishedAt: null,
    outcome: 'pending',
    decline: null,
  };
  const triedCards = card ? withTriedCards(current.triedCards ?? [], [current.card, card]) : current.triedCards;
  return { case: { ...current, ourAttempts: [...current.ourAttempts, attempt], ...(triedCards ? { triedCards } : {}) }, attempt };
}

/**
 * Takes back an attempt started but never sent to Stripe (its step found, after
 * the claim, that the card may not be charged now): the attempt is gone, and so
 * are the cards only it had made tried cards, so a new card keeps its turn.
 * `before`: the tried cards as they were when the attempt began.
 */
export function withdrawAttempt(current: RecoveryCase, attempt: OurAttempt, before: CardDetails[] | undefined): RecoveryCase {
  const still = current.ourAttempts.find((candidate) => candidate.number === attempt.number);
  if (!still || still.outcome !== 'pending') return current;
  const triedCards = (current.triedCards ?? []).filter((card) => (before ?? []).some((known) => isSameCard(known, card)));
  return {
    ...current,
    ourAttempts: current.ourAttempts.filter((candidate) => candidate.number !== attempt.number),
    ...(current.triedCards ? { triedCards } : {}),
  };
}

/** How long a step waits for another case's charge on the same card to be answered before trying again. */
export const CARD_BUSY_WAIT_MS = 10 * 60 * 1000;

/**
 * Another case is charging the same card right now: this case tries again a
 * little later, keeping what asked for the attempt (a new card, the merchant's
 * retry-now), and then plans on that charge's answer.
 * Example: at 14:00 → "Another payment on this card is under way; trying again at 2026-04-17 14:10 UTC."
 */
export function waitForCardTurn(current: RecoveryCase, now: Date): RecoveryCase {
  if (current.status !== 'active') return current;
  const at = new Date(now.getTime() + CARD_BUSY_WAIT_MS);
  const reason = `Another payment on this card is under way; trying again at ${utcMinuteOf(at)}.`;
  return withEntry({ ...current, nextActionAt: at, plannedAction: { kind: 'retry', at, reason } }, { at: now, kind: 'retry_refused', summary: reason });
}

export function finishAttempt(current: RecoveryCase, attemptNumber: number, result: AttemptResult, now: Date): RecoveryCase {
  const attempt = current.ourAttempts.find((candidate) => candidate.number === attemptNumber);
  if (!attempt || attempt.outcome !== 'pending') return current;
  const outcome: OurAttempt['outcome'] =
    result.kind === 'paid' ? 'succeeded' : result.kind === 'declined' ? 'declined' : 'needs_customer_action';
  const finished: OurAttempt = { ...attempt, finishedAt: now, outcome, decline: result.kind === 'declined' ? result.decline : null };
  const attempts = current.ourAttempts.map((candidate) => (candidate.number === attemptNumber ? finished : candidate));
  // The new card has had its chance, whatever the answer: further retries follow the plan.
  const base: RecoveryCase = {
    ...current,
    ourAttempts: attempts,
    nextActionTrigger: null,
    newPaymentMethodId: attempt.paymentMethodId && attempt.paymentMethodId === current.newPaymentMethodId ? null : current.newPaymentMethodId,
  };
  const label = `Retry #${attemptNumber}${attempt.trigger === 'new_payment_method' ? ' with the new payment method' : ''}`;

  if (result.kind === 'paid') {
    if (current.status === 'recovered') return base;
    const recoveredBy = attempt.trigger === 'new_payment_method' ? 'card_update' : 'our_retry';
    return withEntry(
      {
        ...base,
        status: 'recovered',
        outcome: { status: 'recovered', recoveredBy, at: now },
        closedAt: now,
        nextActionAt: null,
        plannedAction: null,
        nextEmailAt: null,
        confirmationDueAt: now,
      },
      { at: now, kind: 'retry_attempted', summary: `${label} succeeded: ${formatAmount(current.amountMinor, current.currency)} recovered.` },
    );
  }
  if (result.kind === 'needs_customer_action') {
    return withEntry(
      { ...base, needsCustomerAction: true, lastFailedAt: now, failureCount: current.failureCount + 1 },
      { at: now, kind: 'retry_attempted', summary: `${label} needs the customer to confirm the payment (authentication required).` },
    );
  }
  const code = result.decline?.declineCode ?? result.decline?.code;
  return withEntry(
    {
      ...base,
      decline: result.decline ?? current.decline,
      card: result.card ?? current.card,
      lastFailedAt: now,
      failureCount: current.failureCount + 1,
    },
    { at: now, kind: 'retry_attempted', summary: `${label} declined${code ? ` (${code})` : ''}.` },
  );
}

/** Applies the plan's decision; the timeline only records a plan when it changes. */
export function applyPlan(current: RecoveryCase, decision: PlanDecision, now: Date): RecoveryCase {
  if (current.status !== 'active') return { ...current, nextActionAt: null };
  if (decision.kind === 'exhausted') {
    return withEntry(
      {
        ...current,
        status: 'exhausted',
        outcome: { status: 'exhausted', reason: 'plan_ended', at: now },
        closedAt: now,
        nextActionAt: null,
        nextActionTrigger: null,
        plannedAction: { kind: 'exhausted', at: null, reason: decision.reason },
      },
      { at: now, kind: 'case_exhausted', summary: `Recovery ended without payment: ${decision.reason}` },
    );
  }
  const planned: PlannedAction =
    decision.kind === 'retry'
      ? { kind: 'retry', at: decision.at, reason: decision.reason }
      : { kind: 'wait_for_new_payment_method', at: null, reason: decision.reason };
  const next: RecoveryCase = {
    ...current,
    plannedAction: planned,
    nextActionAt: decision.kind === 'retry' ? decision.at : decision.recheckAt,
    nextActionTrigger: 'schedule',
  };
  const unchanged = current.plannedAction?.kind === planned.kind && current.plannedAction.reason === planned.reason;
  return unchanged ? next : withEntry(next, { at: now, kind: 'retry_planned', summary: planned.reason });
}

/** A retry that network rules or a cool-down forbid right now; `notBefore` null means: not with this card. */
export function refuseRetry(current: RecoveryCase, reason: string, notBefore: Date | null, now: Date): RecoveryCase {
  return withEntry(
    {
      ...current,
      nextActionAt: notBefore,
      nextActionTrigger: notBefore ? 'schedule' : null,
      plannedAction: notBefore ? { kind: 'retry', at: notBefore, reason } : { kind: 'wait_for_new_payment_method', at: null, reason },
    },
    { at: now, kind: 'retry_refused', summary: reason },
  );
}

export function noteOnTimeline(current: RecoveryCase, entry: TimelineEntry): RecoveryCase {
  return withEntry(current, entry);
}
