import { timeZoneOrUtc } from '../intlFormats';
import { learnedPayMoments, payHabitSlotOf, NO_PAY_HABITS, type LearnedPayMoments, type PayHabitCounts } from '../retryPolicy';

/**
 * The account's pay habits kept as all-time rollup counters: each recovered
 * case adds one to `paid:weekday:<0-6>` (0 = Sunday) and one to
 * `paid:dom:<01-31>` for the local date it was paid, in the case's customer
 * time zone (UTC when none is known). They ride the case's outbox like every
 * other counter, so a payment is counted once, in the same write as the case.
 * Example: paid Thu 23 Apr 2026 13:00 UTC, customer in New York → paid:weekday:4, paid:dom:23.
 */
export function payHabitCountersOf(paidAt: Date, zone: string | null): [string, string] {
  const slot = payHabitSlotOf(paidAt, timeZoneOrUtc(zone));
  return [`paid:weekday:${slot.weekday}`, `paid:dom:${String(slot.dayOfMonth).padStart(2, '0')}`];
}

/** The pay-habit counts held in all-time counters (summed over currencies: habits are the customers', not the price's). */
export function payHabitCountsOf(allTimeCounters: Array<Record<string, number>>): PayHabitCounts {
  const counts: PayHabitCounts = { total: 0, byWeekday: [...NO_PAY_HABITS.byWeekday], byDayOfMonth: [...NO_PAY_HABITS.byDayOfMonth] };
  for (const counters of allTimeCounters) {
    for (const [name, value] of Object.entries(counters)) {
      const weekday = /^paid:weekday:([0-6])$/.exec(name);
      const day = /^paid:dom:(\d\d)$/.exec(name);
      if (weekday) {
        counts.byWeekday[Number(weekday[1])]! += value;
        counts.total += value;
      } else if (day && Number(day[1]) >= 1 && Number(day[1]) <= 31) {
        counts.byDayOfMonth[Number(day[1]) - 1]! += value;
      }
    }
  }
  return counts;
}

/** How long the retry worker keeps an account's learned pay moments before reading them again. */
export const PAY_MOMENTS_CACHE_MS = 5 * 60 * 1000;

/**
 * The pay moments learned from an account's recovered payments (null below
 * MIN_PAYMENTS_TO_LEARN), read from its all-time rollups at most once per
 * PAY_MOMENTS_CACHE_MS per account and mode: habits change over months, not minutes.
 */
export function createPayMomentsReader(deps: {
  readAllTime: (accountId: string, livemode: boolean) => Promise<Array<Record<string, number>>>;
  now: () => Date;
}): (accountId: string, livemode: boolean) => Promise<LearnedPayMoments | null> {
  const cache = new Map<string, { readAt: number; moments: LearnedPayMoments | null }>();
  return async (accountId, livemode) => {
    const key = `${accountId}|${livemode ? 'live' : 'test'}`;
    const now = deps.now().getTime();
    const cached = cache.get(key);
    if (cached && now - cached.readAt < PAY_MOMENTS_CACHE_MS) return cached.moments;
    const moments = learnedPayMoments(payHabitCountsOf(await deps.readAllTime(accountId, livemode)));
    cache.set(key, { readAt: now, moments });
    return moments;
  };
}
