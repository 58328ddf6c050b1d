import { localParts, zonedTime } from './customerTime';

/**
 * When people get paid: money for an insufficient-funds decline is most
 * likely there on payday morning. Default: the 1st and the 15th (moved to the
 * next business day when they fall on a weekend or holiday) and the last
 * business day of the month. Merchants can set a calendar per country.
 */
export interface PaydayCalendar {
  daysOfMonth: number[];
  lastBusinessDay: boolean;
  /** YYYY-MM-DD dates that are not business days. */
  holidays?: string[];
}

export const DEFAULT_PAYDAY_CALENDAR: PaydayCalendar = { daysOfMonth: [1, 15], lastBusinessDay: true };

export function paydayCalendarFor(country: string | null, overrides: Record<string, PaydayCalendar>): PaydayCalendar {
  if (!country) return DEFAULT_PAYDAY_CALENDAR;
  return overrides[country.toUpperCase()] ?? DEFAULT_PAYDAY_CALENDAR;
}

/**
 * The first payday at `hourLocal` in `zone` that is at or after `from`.
 * Example (America/New_York, 09:00): from Thu 16 Apr 2026 → Thu 30 Apr 09:00
 * (last business day); from Fri 1 May 10:00 → Fri 15 May 09:00.
 */
export function nextPaydayMorning(from: Date, zone: string, calendar: PaydayCalendar, hourLocal = 9): Date {
  const start = localParts(from, zone);
  for (let monthOffset = 0; monthOffset < 14; monthOffset += 1) {
    const first = new Date(Date.UTC(start.year, start.month - 1 + monthOffset, 1));
    const year = first.getUTCFullYear();
    const month = first.getUTCMonth() + 1;
    const candidates = paydaysOf(year, month, calendar)
      .map((day) => zonedTime(year, month, day, hourLocal, 0, zone))
      .filter((at) => at >= from)
      .sort((a, b) => a.getTime() - b.getTime());
    if (candidates.length > 0) return candidates[0]!;
  }
  throw new Error('no payday in the next fourteen months: the payday calendar is empty');
}

/** The business days of a month that are paydays, as days of the month. */
export function paydaysOf(year: number, month: number, calendar: PaydayCalendar): number[] {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const holidays = new Set(calendar.holidays ?? []);
  const isBusinessDay = (day: number) => {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !holidays.has(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  };
  const days = new Set<number>();
  for (const wanted of calendar.daysOfMonth) {
    let day = Math.min(wanted, daysInMonth);
    while (day <= daysInMonth && !isBusinessDay(day)) day += 1;
    if (day <= daysInMonth) days.add(day);
  }
  if (calendar.lastBusinessDay) {
    let day = daysInMonth;
    while (day > 0 && !isBusinessDay(day)) day -= 1;
    if (day > 0) days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}
