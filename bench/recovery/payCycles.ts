import { MODEL, type PayFrequency, type PayHabits } from './behaviourModel';
import { instantAtLocal, localDate } from './localClock';

const DAY_MS = 86_400_000;

export interface PayCycle {
  frequency: PayFrequency;
  habits: PayHabits;
  /** Biweekly payers: 0 or 1, which of two weeks is theirs (counted from the Unix epoch's week). */
  biweeklyPhase: number;
}

/**
 * The local dates (UTC-midnight timestamps) a customer is paid between two
 * instants. Weekly and biweekly payers on their weekday (Friday in the US);
 * semi-monthly and monthly payers on their days, moved to the business day
 * before when they fall on a weekend (public holidays are not modelled).
 * Example: a US biweekly payer, phase 0, from Mon 2 Mar 2026 for 21 days → Fri 6 and Fri 20 March.
 */
export function paydayDates(cycle: PayCycle, fromMs: number, untilMs: number, zone: string): Date[] {
  const first = localDate(fromMs, zone).getTime() - DAY_MS;
  const last = localDate(untilMs, zone).getTime();
  const dates: Date[] = [];
  for (let day = first; day <= last; day += DAY_MS) {
    const date = new Date(day);
    if (isPayday(cycle, date)) dates.push(date);
  }
  return dates;
}

/** The instants money lands in the account: payday at the model's funds hour, customer time. */
export function fundsArrivals(cycle: PayCycle, fromMs: number, untilMs: number, zone: string): number[] {
  return paydayDates(cycle, fromMs, untilMs, zone)
    .map((date) => instantAtLocal(date, MODEL.fundsAvailableHourLocal.value, zone))
    .filter((at) => at >= fromMs - DAY_MS && at <= untilMs);
}

function isPayday(cycle: PayCycle, date: Date): boolean {
  const weekday = date.getUTCDay();
  const { habits } = cycle;
  switch (cycle.frequency) {
    case 'weekly':
      return weekday === habits.weeklyPayday;
    case 'biweekly': {
      const week = Math.floor((date.getTime() / DAY_MS + 4) / 7); // weeks since Thursday 1 Jan 1970's Sunday
      return weekday === habits.weeklyPayday && week % 2 === cycle.biweeklyPhase;
    }
    case 'semimonthly':
      return habits.semimonthlyDays.some((day) => businessDayOnOrBefore(date, day) === date.getUTCDate());
    case 'monthly':
      return businessDayOnOrBefore(date, habits.monthlyDay === 'last' ? 31 : habits.monthlyDay) === date.getUTCDate();
  }
}

/** The day of `date`'s month that pays for the nominal `day` (capped at the month's end, then back over a weekend). */
function businessDayOnOrBefore(date: Date, day: number): number {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  let chosen = Math.min(day, daysInMonth);
  for (;;) {
    const weekday = new Date(Date.UTC(year, month, chosen)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return chosen;
    if (chosen === 1) return chosen;
    chosen -= 1;
  }
}
