import { assignHoldoutGroup, countsInLift, type Holdout } from '../lift/holdout';
import { applyPlan } from './attemptTransitions';
import type { NewRecoveryCase } from './caseTransitions';
import type { RecoveryCase } from './recoveryCase';

export type { Holdout } from '../lift/holdout';

/**
 * The holdout's control group on a case, as pure decisions: we take no action
 * of ours on a control case (no retry, email, card-update link or merchant
 * control), but still follow it to its end, so its outcome is what Stripe
 * alone would have got.
 */

/** What a control case's plan says, from its opening to its end. */
export const CONTROL_GROUP_PLAN = "Control group: no action from us (holdout). Stripe's own retries and emails carry on.";

const DAY_MS = 24 * 60 * 60 * 1000;

export function isControlCase(found: Pick<RecoveryCase, 'group'>): boolean {
  return found.group === 'control';
}

/**
 * Puts a new case in the holdout's treated or control group, once and for good
 * (see assignHoldoutGroup). A control case plans no action and has no email due;
 * the worker gives it its end of window (holdBackControlCase), as for a treated case.
 * Example: share 0.1 and a customer at 0.04 → control, "Control group: no action from us".
 */
export function assignToGroup(opened: NewRecoveryCase, holdout: Holdout | null): NewRecoveryCase {
  const assigned = { ...opened, group: assignHoldoutGroup(holdout, opened.stripeCustomerId), countsInLift: countsInLift(holdout, opened.stripeCustomerId) };
  if (assigned.group === 'treated') return assigned;
  const opening = assigned.timeline[0];
  return {
    ...assigned,
    plannedAction: { kind: 'none', at: null, reason: CONTROL_GROUP_PLAN },
    nextEmailAt: null,
    timeline: [
      ...assigned.timeline,
      { at: assigned.openedAt, kind: 'control_group', summary: "Control group (holdout): we take no action; Stripe's own retries and emails carry on.", ...(opening?.eventId ? { eventId: opening.eventId } : {}) },
    ],
  };
}

/**
 * What the retry worker does with a control case it claimed: nothing at
 * Stripe. Until the retry window (policy.windowDays from opening) ends the
 * case waits, planned "no action"; at the window's end it is exhausted like a
 * treated case whose plan ran out (without the merchant's end action, which
 * would be an action of ours), so both groups end on the same clock. Payments,
 * voids and cancellations still close it whenever they arrive, even after.
 * Example: opened 1 May, window 21 days → waits until 22 May; no payment by then → exhausted.
 */
export function holdBackControlCase(current: RecoveryCase, windowDays: number, now: Date): RecoveryCase {
  const idle: RecoveryCase = { ...current, nextActionTrigger: null };
  if (current.status !== 'active') return { ...idle, nextActionAt: null };
  const windowEndsAt = new Date(current.openedAt.getTime() + windowDays * DAY_MS);
  if (now >= windowEndsAt) {
    return applyPlan(idle, { kind: 'exhausted', reason: `control group: the ${windowDays}-day window ended without payment; we took no action` }, now);
  }
  return { ...idle, plannedAction: { kind: 'none', at: null, reason: CONTROL_GROUP_PLAN }, nextActionAt: windowEndsAt, nextActionTrigger: 'schedule' };
}

/** Clears whatever email a control case would be due (a late address, a payment's thank-you, a reminder). */
export function withoutEmails(current: RecoveryCase): RecoveryCase {
  return { ...current, nextEmailAt: null, confirmationDueAt: null, reminderRequestedAt: null };
}
