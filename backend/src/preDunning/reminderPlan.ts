import { cardExpiresBefore, type Renewal } from '../renewals/renewal';
import { withinLocalHours } from '../retryPolicy';
import type { PreDunningPolicy } from './preDunningPolicy';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Subscription statuses that renew normally; past_due and unpaid are dunning's, canceled ones never renew. */
const RENEWING_STATUSES = new Set(['active', 'trialing']);

export type NoReminderReason =
  | 'pre_dunning_off'
  | 'stopped'
  | 'subscription_ended'
  | 'renewal_passed'
  | 'no_card'
  | 'card_valid_through_renewal'
  | 'no_email_address'
  | 'all_steps_sent'
  | 'too_close_to_renewal';

export type ReminderPlan =
  | { kind: 'send'; stepIndex: number; daysBefore: number; at: Date }
  | { kind: 'none'; reason: NoReminderReason };

/**
 * Which pre-dunning reminder is next and when. Step k is due `daysBefore`
 * days before the renewal, moved into the customer's daytime
 * ([start, end) local hours in `customerTimeZone`). None when the merchant
 * switched reminders off, they stopped for this period, the subscription will
 * not renew, the renewal came, the card is valid through it, the customer has
 * no address or every step was sent. A renewal first seen after some steps'
 * days have passed gets only the latest missed step, now (in daytime), not a
 * burst; a step is never sent once an equal or later one went out.
 * Example: renewal 12 April 10:00 UTC, card expires 03/2027 (before it), steps
 * 30/14/3, Paris, 9–18 → 13 March 10:00 UTC (11:00 Paris), then 29 March, then 9 April.
 * First seen on 1 April: step 14 (missed) at once in daytime, then step 3 on 9 April.
 */
export function planNextReminder(renewal: Renewal, policy: PreDunningPolicy, now: Date, customerTimeZone: string, daytimeHours: readonly [number, number]): ReminderPlan {
  if (!policy.enabled) return { kind: 'none', reason: 'pre_dunning_off' };
  if (renewal.preDunning.stoppedBecause) return { kind: 'none', reason: 'stopped' };
  if (!RENEWING_STATUSES.has(renewal.status) || renewal.cancelAtPeriodEnd) return { kind: 'none', reason: 'subscription_ended' };
  const renewsAt = renewal.renewsAt;
  if (!renewsAt || renewsAt <= now) return { kind: 'none', reason: 'renewal_passed' };
  if (!renewal.card) return { kind: 'none', reason: 'no_card' };
  if (!cardExpiresBefore(renewal.card, renewsAt)) return { kind: 'none', reason: 'card_valid_through_renewal' };
  if (!renewal.customerEmail) return { kind: 'none', reason: 'no_email_address' };

  // Reminders recorded for another billing date belong to an earlier period.
  const forThisPeriod = renewal.preDunning.forRenewalAt?.getTime() === renewsAt.getTime();
  const lastSentIndex = forThisPeriod ? Math.max(-1, ...renewal.preDunning.sent.map((sent) => sent.stepIndex)) : -1;
  const dueAt = (index: number) => new Date(renewsAt.getTime() - policy.steps[index]!.daysBefore * DAY_MS);
  const pending = policy.steps.map((_, index) => index).filter((index) => index > lastSentIndex);
  if (pending.length === 0) return { kind: 'none', reason: 'all_steps_sent' };

  const overdue = pending.filter((index) => dueAt(index) <= now);
  const stepIndex = overdue.length > 0 ? overdue[overdue.length - 1]! : pending[0]!;
  const earliest = new Date(Math.max(dueAt(stepIndex).getTime(), now.getTime()));
  const at = withinLocalHours(earliest, customerTimeZone, daytimeHours[0], daytimeHours[1]);
  // A reminder the customer would only read after the renewal tried the card helps nobody.
  if (at >= renewsAt) return { kind: 'none', reason: 'too_close_to_renewal' };
  return { kind: 'send', stepIndex, daysBefore: policy.steps[stepIndex]!.daysBefore, at };
}

/** When the next reminder is due, or null when none is: what the renewal store plans. */
export function nextReminderAt(renewal: Renewal, policy: PreDunningPolicy, now: Date, customerTimeZone: string, daytimeHours: readonly [number, number]): Date | null {
  const plan = planNextReminder(renewal, policy, now, customerTimeZone, daytimeHours);
  return plan.kind === 'send' ? plan.at : null;
}
