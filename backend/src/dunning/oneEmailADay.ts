import { localParts, zonedTime } from '../retryPolicy';

/**
 * One email a day per customer, across dunning and pre-dunning: "a day" is
 * the customer's local calendar day, so two emails never land on the same
 * date in their inbox, however the hours fall.
 */

/** Whether two instants fall on the same calendar date in `zone`. */
export function isSameLocalDay(a: Date, b: Date, zone: string): boolean {
  const x = localParts(a, zone);
  const y = localParts(b, zone);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

/** The start of the customer's daytime on the local day after `now`. Example: Tue 15:00 in Paris, hours 9–18 → Wed 09:00 Paris. */
export function nextDaytimeTomorrow(now: Date, zone: string, daytimeStartHour: number): Date {
  const today = localParts(now, zone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return zonedTime(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), daytimeStartHour, 0, zone);
}

/**
 * When an email due now must wait because the customer already had one from
 * us today (local date in `zone`): the start of tomorrow's daytime; null when
 * it may go now.
 * Example: a reminder went Tue 10:00 (Paris); a dunning email due Tue 16:00 → Wed 09:00.
 */
export function heldForEmailToday(earlierEmailsAt: ReadonlyArray<Date | null>, now: Date, zone: string, daytimeHours: readonly [number, number]): Date | null {
  const today = earlierEmailsAt.some((at) => at !== null && isSameLocalDay(at, now, zone));
  return today ? nextDaytimeTomorrow(now, zone, daytimeHours[0]) : null;
}

/** The latest reminder (pre-dunning) this customer got from us in this account and mode, for dunning's side of the rule; null when none. */
export type LastReminderLookup = (tenancy: { accountId: string; livemode: boolean }, customerId: string) => Promise<Date | null>;
