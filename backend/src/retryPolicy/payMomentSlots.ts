import { localParts, zonedTime } from './customerTime';
import { nextPaydayMorning, paydayNameOf, type PaydayCalendar } from './paydays';

/** Where an insufficient-funds retry may land, and how its reason names the slot. */
export interface PayMomentSlots {
  /** `at` itself when it falls in a slot's morning, else the next slot's start. */
  fit: (at: Date) => Date;
  /** ", on payday (a Friday)", ", the morning after payday (the 15th)", or "" for a time in no slot. */
  placement: (at: Date) => string;
}

/**
 * The mornings an insufficient-funds retry aims at, in the customer's time:
 * every pay moment of the calendar, and the morning after a payday on which a
 * try (ours, Stripe's or the renewal) was declined after the morning began.
 * Payroll and transfers do not all post by the morning (other banks, later
 * batches, pay a day late), and money that came typically lasts a few days, so
 * the next morning is the second best moment of that pay period; one such
 * morning per payday, and only with an attempt to spare: while the attempts
 * left do not cover every pay moment still ahead in the window, those come first.
 * Example (New York, 09:00–12:00): declined Fri 17 Apr 10:00 → Sat 18 Apr 09:00 ("the morning
 * after payday (a Friday)"); declined on Sat 18 Apr → the next pay moment, Fri 24 Apr 09:00.
 */
export function payMomentSlots(
  calendar: PaydayCalendar,
  zone: string,
  hours: { from: number; until: number },
  budget: { lastAttemptAt: Date | null; attemptsLeft: number; windowEndsAt: Date },
): PayMomentSlots {
  const nameOf = (at: Date) => {
    const local = localParts(at, zone);
    return paydayNameOf(local.year, local.month, local.day, calendar);
  };
  const isMorning = (at: Date) => {
    const hour = localParts(at, zone).hour;
    return hour >= hours.from && hour < hours.until;
  };
  const morningAfter = morningAfterPayday(calendar, zone, budget.lastAttemptAt, hours.from);
  // A pay moment not yet tried is worth more than a second look at one that was: the morning after only takes a spare attempt.
  const followUp = morningAfter && budget.attemptsLeft - 1 >= payMomentsBetween(morningAfter.startsAt, budget.windowEndsAt, zone, calendar, hours.from) ? morningAfter : null;
  const isFollowUpMorning = (at: Date) => followUp !== null && isMorning(at) && sameLocalDay(at, followUp.startsAt, zone);
  return {
    fit: (at) => {
      // A retry delayed by an outage past the morning's start still counts as that morning's.
      if (isMorning(at) && (nameOf(at) !== null || isFollowUpMorning(at))) return at;
      const payday = nextPaydayMorning(at, zone, calendar, hours.from);
      return followUp && followUp.startsAt >= at && followUp.startsAt < payday ? followUp.startsAt : payday;
    },
    placement: (at) => {
      const payday = nameOf(at);
      if (payday) return `, on payday (${payday})`;
      return followUp && isFollowUpMorning(at) ? `, the morning after payday (${followUp.payday})` : '';
    },
  };
}

/** The morning after the payday on which the last try was declined (from `hourLocal` on); null when that try was on no payday. */
function morningAfterPayday(calendar: PaydayCalendar, zone: string, lastAttemptAt: Date | null, hourLocal: number): { startsAt: Date; payday: string } | null {
  if (!lastAttemptAt) return null;
  const tried = localParts(lastAttemptAt, zone);
  const payday = paydayNameOf(tried.year, tried.month, tried.day, calendar);
  if (!payday || tried.hour < hourLocal) return null;
  const next = new Date(Date.UTC(tried.year, tried.month - 1, tried.day + 1));
  return { startsAt: zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hourLocal, 0, zone), payday };
}

/** How many pay-moment mornings fall after `from` and before `until`. */
function payMomentsBetween(from: Date, until: Date, zone: string, calendar: PaydayCalendar, hourLocal: number): number {
  let count = 0;
  for (let at = nextPaydayMorning(from, zone, calendar, hourLocal); at < until; at = nextPaydayMorning(new Date(at.getTime() + 1), zone, calendar, hourLocal)) count += 1;
  return count;
}

function sameLocalDay(a: Date, b: Date, zone: string): boolean {
  const [left, right] = [localParts(a, zone), localParts(b, zone)];
  return left.year === right.year && left.month === right.month && left.day === right.day;
}
