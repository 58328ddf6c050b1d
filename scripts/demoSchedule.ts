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
 * four… up to `end`: each question is a date-range filter the embedded
 * database checks inside SQLite, so it decodes only the few cases due by
 * then, where reading every open case decoded them all at every step. The
 * answer is the same: the earliest of all due times, found in the first
 * horizon that holds any.
 */
export async function nextDueAt(connection: DemoConnection, customers: DemoCustomer[], now: Date, end: Date, alsoAt: Date[] = []): Promise<Date | null> {
  const otherTimes = [...customers.filter((customer) => !customer.updated && customer.updateDueAt).map((customer) => customer.updateDueAt!), ...alsoAt];
  for (let span = STEP; ; span *= 2) {
    const horizon = new Date(Math.min(now.getTime() + span, end.getTime()));
    const due = await connection
      .collection('recoveryCases')
      .find(
        {
          $or: [
            { status: 'active', pausedAt: null, nextActionAt: { $lte: horizon } },
            { status: 'active', pausedAt: null, nextEmailAt: { $lte: horizon } },
            { status: 'recovered', confirmationDueAt: { $lte: horizon } },
          ],
        },
        { projection: { nextActionAt: 1, nextEmailAt: 1, confirmationDueAt: 1, status: 1 } },
      )
      .toArray();
    const times = due.flatMap((found) => (found.status === 'active' ? [found.nextActionAt, found.nextEmailAt] : [found.confirmationDueAt]));
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
