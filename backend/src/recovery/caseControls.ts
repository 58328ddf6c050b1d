import { noteOnTimeline } from './attemptTransitions';
import { isControlCase } from './controlGroup';
import type { ControlActor, RecoveryCase } from './recoveryCase';

/**
 * What a merchant can do to one case from the Dashboard or the API, as pure
 * decisions: pause, resume, cancel and "send a reminder now". A refusal says
 * why, and for a cool-down when the action becomes possible again. The
 * timeline entry of each names who asked (`by`), saved in the same write.
 */

export type ControlDecision =
  | { ok: true; case: RecoveryCase }
  | { ok: false; reason: 'closed' | 'control_group' | 'already_paused' | 'not_paused' | 'paused' | 'no_email_address' | 'email_undeliverable' }
  | { ok: false; reason: 'cooling_down'; retryAfter: Date };

/** A reminder waits this long after the last email to the same customer: one nudge a day at most. */
export const REMINDER_COOLDOWN_MS = 24 * 60 * 60 * 1000;

export function pauseCase(current: RecoveryCase, now: Date, by: ControlActor): ControlDecision {
  if (current.status !== 'active') return { ok: false, reason: 'closed' };
  // The holdout measures Stripe alone on control cases: nothing the merchant does through us may touch them.
  if (isControlCase(current)) return { ok: false, reason: 'control_group' };
  if (current.pausedAt) return { ok: false, reason: 'already_paused' };
  return {
    ok: true,
    // nextActionAt and nextEmailAt stay as they were: the workers skip paused cases, and resuming re-plans both.
    case: noteOnTimeline({ ...current, pausedAt: now, reminderRequestedAt: null }, { at: now, kind: 'merchant_control', summary: 'The merchant paused recovery: no retries or emails until it is resumed.', by }),
  };
}

export function resumeCase(current: RecoveryCase, now: Date, by: ControlActor): ControlDecision {
  if (current.status !== 'active') return { ok: false, reason: 'closed' };
  if (isControlCase(current)) return { ok: false, reason: 'control_group' };
  if (!current.pausedAt) return { ok: false, reason: 'not_paused' };
  return {
    ok: true,
    // Plan both again from now: the worker re-decides the retry time, the email job skips steps that fell due during the pause.
    case: noteOnTimeline(
      { ...current, pausedAt: null, nextActionAt: now, nextActionTrigger: current.nextActionTrigger ?? 'schedule', nextEmailAt: now },
      { at: now, kind: 'merchant_control', summary: 'The merchant resumed recovery.', by },
    ),
  };
}

export function cancelByMerchant(current: RecoveryCase, now: Date, by: ControlActor): ControlDecision {
  if (current.status !== 'active') return { ok: false, reason: 'closed' };
  if (isControlCase(current)) return { ok: false, reason: 'control_group' };
  return {
    ok: true,
    case: noteOnTimeline(
      {
        ...current,
        status: 'canceled',
        outcome: { status: 'canceled', reason: 'merchant_canceled', at: now },
        closedAt: now,
        nextActionAt: null,
        nextActionTrigger: null,
        nextEmailAt: null,
        reminderRequestedAt: null,
        plannedAction: { kind: 'none', at: null, reason: 'The merchant canceled recovery.' },
      },
      { at: now, kind: 'merchant_control', summary: 'The merchant canceled recovery: no more retries or emails.', by },
    ),
  };
}

/** `lastEmailToCustomerAt`: the latest dunning email to this customer from any of their cases. */
export function requestReminder(current: RecoveryCase, lastEmailToCustomerAt: Date | null, now: Date, by: ControlActor): ControlDecision {
  if (current.status !== 'active') return { ok: false, reason: 'closed' };
  if (isControlCase(current)) return { ok: false, reason: 'control_group' };
  if (current.pausedAt) return { ok: false, reason: 'paused' };
  if (!current.customerEmail) return { ok: false, reason: 'no_email_address' };
  if (current.emailStatus === 'undeliverable') return { ok: false, reason: 'email_undeliverable' };
  const last = [lastEmailToCustomerAt, current.reminderRequestedAt].filter((at): at is Date => at !== null).sort((a, b) => b.getTime() - a.getTime())[0];
  if (last && now.getTime() - last.getTime() < REMINDER_COOLDOWN_MS) return { ok: false, reason: 'cooling_down', retryAfter: new Date(last.getTime() + REMINDER_COOLDOWN_MS) };
  return {
    ok: true,
    case: noteOnTimeline({ ...current, reminderRequestedAt: now, nextEmailAt: now }, { at: now, kind: 'merchant_control', summary: 'The merchant asked for a reminder email now.', by }),
  };
}

/** The step a reminder sends: the next one not yet done, or the last one again when all were sent. */
export function reminderStepIndex(doneSteps: number[], stepCount: number): number {
  for (let index = 0; index < stepCount; index += 1) if (!doneSteps.includes(index)) return index;
  return stepCount - 1;
}
