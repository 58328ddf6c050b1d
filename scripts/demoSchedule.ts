import type { connectDatabase } from '../backend/src/database';
import { ACCOUNT, HOUR, type DemoCustomer } from './demoCustomers';

/**
 * The clock moves at least this far per step. Each step costs a few scans of the
 * cases on the embedded database, so the demo batches what falls due within two
 * hours (a retry planned for 09:00 runs by 11:00, still in the customer's morning).
 */
export const STEP = 2 * HOUR;

type DemoConnection = Awaited<ReturnType<typeof connectDatabase>>;

/**
 * The earliest moment something is due (a retry, an email, a thank-you, a
 * customer's card update, one of `alsoAt`: pre-dunning reminders, renewals
 * the sandbox bills, the at-risk reading), or null when nothing is due by `end`.
 *
 * Asked as "anything due by the horizon?" for horizons of one step, two,
 * four… up to `end`: each question is three date-range filters the
 * embedded database checks inside SQLite, so it decodes only the few cases due by
 * then, where reading every open case decoded them all at every step. One
 * query per kind of due time, each led by the fields of its index
 * ({status, nextActionAt} and its siblings): the dev database does not take
 * an `$or` to an index, and scanned every case for it. The answer is the
 * same: the earliest of all due times, found in the first horizon that
 * holds any.
 */
export async function nextDueAt(connection: DemoConnection, customers: DemoCustomer[], now: Date, end: Date, alsoAt: Date[] = []): Promise<Date | null> {
  const otherTimes = [...customers.filter((customer) => !customer.updated && customer.updateDueAt).map((customer) => customer.updateDueAt!), ...alsoAt];
  const cases = connection.collection('recoveryCases');
  const dueBy = async (status: 'active' | 'recovered', field: 'nextActionAt' | 'nextEmailAt' | 'confirmationDueAt', horizon: Date): Promise<unknown[]> => {
    const found = await cases.find({ status, [field]: { $lte: horizon } }, { projection: { [field]: 1, pausedAt: 1 } }).toArray();
    // A paused case waits for the merchant, not for the clock.
    return found.filter((due) => status !== 'active' || due.pausedAt == null).map((due) => due[field]);
  };
  for (let span = STEP; ; span *= 2) {
    const horizon = new Date(Math.min(now.getTime() + span, end.getTime()));
    const times = (await Promise.all([dueBy('active', 'nextActionAt', horizon), dueBy('active', 'nextEmailAt', horizon), dueBy('recovered', 'confirmationDueAt', horizon)])).flat();
    const all = [...times, ...otherTimes]
      .filter((at): at is Date => at instanceof Date && at <= horizon)
      .sort((a, b) => a.getTime() - b.getTime());
    if (all.length > 0) return all[0]!;
    if (horizon >= end) return null;
  }
}

/** When the planned pre-dunning reminders are due: few (one per renewal at most), so one read finds them all. */
export async function reminderTimes(connection: DemoConnection, end: Date): Promise<Date[]> {
  const planned = await connection
    .collection('renewals')
    .find({ 'preDunning.nextReminderAt': { $lte: end }, accountId: ACCOUNT, livemode: true }, { projection: { 'preDunning.nextReminderAt': 1 } })
    .toArray();
  return planned.map((found) => (found.preDunning as { nextReminderAt: Date }).nextReminderAt);
}
