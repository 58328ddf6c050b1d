import type { DunningPolicy } from './dunningSteps';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DunningState {
  isActive: boolean;
  openedAt: Date;
  /** Steps already sent or skipped, by index. */
  doneSteps: number[];
  /** The last dunning email to this customer from any case: one a day at most. */
  lastEmailToCustomerAt: Date | null;
  hasEmailAddress: boolean;
  /** A hard bounce, spam complaint or unsubscribe stops all emails to the address. */
  recipientSuppressed: boolean;
}

export type EmailDecision =
  | { kind: 'send'; stepIndex: number; at: Date; skipping: number[] }
  | { kind: 'none'; reason: string };

/**
 * Which dunning email is next and when. Step k is due `dayOffset` days after
 * the case opened, sent in the customer's daytime (`toDaytime` moves a time to
 * the next allowed local hour), never within 24 h of the customer's last
 * dunning email. When several steps are overdue (the worker was down) only
 * the latest is sent; the older ones are skipped rather than sent late.
 * Example: opened Mon 10:00, steps 0/3/7/14 → Mon 10:00, Thu 10:00, next Mon 10:00, …
 */
export function planNextEmail(state: DunningState, policy: DunningPolicy, now: Date, toDaytime: (at: Date) => Date): EmailDecision {
  if (!state.isActive) return { kind: 'none', reason: 'the case is closed' };
  if (!policy.enabled) return { kind: 'none', reason: 'the merchant switched dunning emails off' };
  if (!state.hasEmailAddress) return { kind: 'none', reason: 'the customer has no email address' };
  if (state.recipientSuppressed) return { kind: 'none', reason: 'the address bounced, complained or unsubscribed' };

  const pending = policy.steps.map((_, index) => index).filter((index) => !state.doneSteps.includes(index));
  if (pending.length === 0) return { kind: 'none', reason: 'every email of the sequence was sent' };

  const dueAt = (index: number) => new Date(state.openedAt.getTime() + policy.steps[index]!.dayOffset * DAY_MS);
  const overdue = pending.filter((index) => dueAt(index) <= now);
  const stepIndex = overdue.length > 0 ? overdue[overdue.length - 1]! : pending[0]!;
  const skipping = overdue.slice(0, -1);

  const notBefore = state.lastEmailToCustomerAt ? new Date(state.lastEmailToCustomerAt.getTime() + DAY_MS) : null;
  const earliest = new Date(Math.max(dueAt(stepIndex).getTime(), notBefore?.getTime() ?? 0, 0));
  return { kind: 'send', stepIndex, at: toDaytime(earliest), skipping };
}
