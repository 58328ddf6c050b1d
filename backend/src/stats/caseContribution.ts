import type { RecoveryCase } from '../recovery/recoveryCase';
import { payHabitCountersOf } from './payHabitCounters';

/**
 * What one recovery case adds to the merchant's stats, as counters per UTC day
 * and currency. The rollups store the running sum of every case's
 * contribution: each save adds `after − before`, so the counters stay exact
 * however a case moves (and a save that changes nothing stats-wise writes
 * nothing). Every counter also goes to the day `ALL_TIME`, which holds totals.
 *
 * Counters: failed, failedMinor, recovered, recoveredMinor, lost (ended
 * without the money), active, activeMinor (all time only), mrrSavedMinor and
 * churnPrevented (recovered subscription invoices), emailsSent, emailsDelivered
 * (on the day Postmark delivered), emailsOpened, emailsClicked, emailsBounced
 * (on the day the email was sent: Postmark's bounce record carries no time we
 * keep, and bounces come back within minutes), `bucket:<decline bucket>:failed|recovered`,
 * `method:<how the money came back>:count|minor`, and for cases in the lift
 * (see countsInLift), all time only: `group:<treated|control>:failed|ended|recovered|recoveredMinor`;
 * and for recovered cases, all time only, `paid:weekday:<0-6>` and `paid:dom:<01-31>` (see payHabitCounters).
 */

export const ALL_TIME = 'all';

export interface RollupIncrement {
  day: string;
  currency: string;
  counters: Record<string, number>;
}

type Cell = { day: string; currency: string; counter: string };

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function contribution(found: RecoveryCase | null): Map<string, number> {
  const cells = new Map<string, number>();
  if (!found) return cells;
  const add = (at: Date | null, counter: string, value: number, allTimeOnly = false) => {
    if (value === 0) return;
    const days = allTimeOnly || !at ? [ALL_TIME] : [utcDay(at), ALL_TIME];
    for (const day of days) {
      const key = `${day}|${found.currency}|${counter}`;
      cells.set(key, (cells.get(key) ?? 0) + value);
    }
  };
  const bucket = found.openingDeclineBucket ?? 'ambiguous';
  add(found.openedAt, 'failed', 1);
  add(found.openedAt, 'failedMinor', found.amountMinor);
  add(found.openedAt, `bucket:${bucket}:failed`, 1);

  if (found.status === 'active') {
    add(null, 'active', 1, true);
    add(null, 'activeMinor', found.amountMinor, true);
  } else if (found.outcome?.status === 'recovered') {
    const at = found.outcome.at;
    add(at, 'recovered', 1);
    add(at, 'recoveredMinor', found.amountMinor);
    add(at, `bucket:${bucket}:recovered`, 1);
    add(at, `method:${found.outcome.recoveredBy}:count`, 1);
    add(at, `method:${found.outcome.recoveredBy}:minor`, found.amountMinor);
    if (found.subscriptionId) {
      add(at, 'mrrSavedMinor', found.amountMinor);
      add(at, 'churnPrevented', 1);
    }
    // The account's pay habits: when its customers had the money, in their own calendar (the retry plan learns paydays from it).
    for (const counter of payHabitCountersOf(at, found.customerTimeZone)) add(null, counter, 1, true);
  } else if (found.outcome) {
    add(found.outcome.at, 'lost', 1);
  }

  if (found.countsInLift) {
    // The lift compares the groups over all time: no day counters, a few fields on the all-time document.
    const group = `group:${found.group ?? 'treated'}`;
    add(null, `${group}:failed`, 1, true);
    if (found.status !== 'active') add(null, `${group}:ended`, 1, true);
    if (found.outcome?.status === 'recovered') {
      add(null, `${group}:recovered`, 1, true);
      add(null, `${group}:recoveredMinor`, found.amountMinor, true);
    }
  }

  for (const email of found.emails) {
    add(email.sentAt, 'emailsSent', 1);
    add(email.deliveredAt, 'emailsDelivered', email.deliveredAt ? 1 : 0);
    add(email.sentAt, 'emailsBounced', email.status === 'bounced' ? 1 : 0);
    add(email.firstOpenedAt, 'emailsOpened', email.firstOpenedAt ? 1 : 0);
    add(email.firstClickedAt, 'emailsClicked', email.firstClickedAt ? 1 : 0);
  }
  return cells;
}

/** The counters to add when a case goes from `before` (null: new) to `after`. Empty when its stats did not change. */
export function rollupIncrements(before: RecoveryCase | null, after: RecoveryCase): RollupIncrement[] {
  const delta = contribution(after);
  for (const [key, value] of contribution(before)) delta.set(key, (delta.get(key) ?? 0) - value);

  const byDoc = new Map<string, RollupIncrement>();
  for (const [key, value] of delta) {
    if (value === 0) continue;
    const [day, currency, counter] = key.split('|') as [Cell['day'], Cell['currency'], Cell['counter']];
    const docKey = `${day}|${currency}`;
    const increment = byDoc.get(docKey) ?? { day, currency, counters: {} };
    increment.counters[counter] = value;
    byDoc.set(docKey, increment);
  }
  return [...byDoc.values()];
}
