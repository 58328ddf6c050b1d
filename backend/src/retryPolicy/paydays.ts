import { localParts, zonedTime } from './customerTime';

/**
 * When people get paid: money for an insufficient-funds decline is most
 * likely there on payday morning (payroll credits are available early on
 * payday). A calendar names several pay moments: weekdays (weekly and biweekly
 * pay, typically Friday in the US), days of the month (paid the business day
 * before when they fall on a weekend or holiday, as employers do; the 1st the
 * business day after), the n-th business day,
 * and the last business day of the month. Merchants can set a calendar per country.
 */
export interface PaydayCalendar {
  daysOfMonth: number[];
  lastBusinessDay: boolean;
  /** Weekly or biweekly paydays, 0 = Sunday … 6 = Saturday. */
  weekdays?: number[];
  /** The n-th business day of the month (Brazil's salaries are due by the 5th). */
  businessDaysOfMonth?: number[];
  /** YYYY-MM-DD dates that are not business days. */
  holidays?: string[];
}

/** Month-end pay dominates outside North America; the 1st and the 15th catch semi-monthly pay and money that lands overnight. */
export const DEFAULT_PAYDAY_CALENDAR: PaydayCalendar = { daysOfMonth: [1, 15], lastBusinessDay: true };

const FRIDAY = 5;
/**
 * Country habits (the default calendar elsewhere). US and Canada: most employees
 * are paid weekly or biweekly, usually on Fridays, fewer semi-monthly (1st/15th)
 * or monthly. Japan: the 25th. Korea: the 10th and the 25th. Brazil: by the 5th
 * business day, with an advance around the 20th. Mexico, the Philippines and
 * Colombia: the quincena, 15th and month end. UK and Ireland: monthly near month end, weekly on Fridays.
 */
export const COUNTRY_PAYDAY_CALENDARS: Record<string, PaydayCalendar> = {
  US: { daysOfMonth: [1, 15], lastBusinessDay: true, weekdays: [FRIDAY] },
  CA: { daysOfMonth: [1, 15], lastBusinessDay: true, weekdays: [FRIDAY] },
  GB: { daysOfMonth: [1, 25], lastBusinessDay: true, weekdays: [FRIDAY] },
  IE: { daysOfMonth: [1, 25], lastBusinessDay: true, weekdays: [FRIDAY] },
  JP: { daysOfMonth: [1, 25], lastBusinessDay: true },
  KR: { daysOfMonth: [10, 25], lastBusinessDay: true },
  BR: { daysOfMonth: [20], lastBusinessDay: true, businessDaysOfMonth: [5] },
  MX: { daysOfMonth: [1, 15], lastBusinessDay: true },
  PH: { daysOfMonth: [15], lastBusinessDay: true },
  CO: { daysOfMonth: [1, 15], lastBusinessDay: true },
};

/**
 * The calendar for a customer's country: the merchant's own for that country,
 * else the country's habit, else the default; then the pay moments learned from
 * the account's own successful payments (see learnedPayMoments) are added.
 */
export function paydayCalendarFor(country: string | null, overrides: Record<string, PaydayCalendar>, learned: { weekdays: number[]; daysOfMonth: number[] } | null = null): PaydayCalendar {
  const code = country?.toUpperCase() ?? '';
  const base = overrides[code] ?? COUNTRY_PAYDAY_CALENDARS[code] ?? DEFAULT_PAYDAY_CALENDAR;
  if (!learned || (learned.weekdays.length === 0 && learned.daysOfMonth.length === 0)) return base;
  return {
    ...base,
    daysOfMonth: [...new Set([...base.daysOfMonth, ...learned.daysOfMonth])],
    weekdays: [...new Set([...(base.weekdays ?? []), ...learned.weekdays])],
  };
}

/**
 * The first payday at `hourLocal` in `zone` that is at or after `from`.
 * Example (America/New_York, 09:00, default calendar): from Thu 16 Apr 2026 → Thu 30 Apr 09:00
 * (last business day); from Fri 1 May 10:00 → Fri 15 May 09:00.
 */
export function nextPaydayMorning(from: Date, zone: string, calendar: PaydayCalendar, hourLocal = 9): Date {
  const start = localParts(from, zone);
  // Day by day over 14 months: the calendar's rules are per day, and an empty calendar must end.
  for (let offset = 0; offset < 430; offset += 1) {
    const day = new Date(Date.UTC(start.year, start.month - 1, start.day + offset));
    const [year, month, date] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (!paydayNameOf(year, month, date, calendar)) continue;
    const at = zonedTime(year, month, date, hourLocal, 0, zone);
    if (at >= from) return at;
  }
  throw new Error('no payday in the next fourteen months: the payday calendar is empty');
}

/**
 * Which pay moment a local date is, as reasons name it, or null when none:
 * "the last business day of the month", "the 15th", "the 5th business day", "a Friday".
 */
export function paydayNameOf(year: number, month: number, day: number, calendar: PaydayCalendar): string | null {
  const monthly = monthlyPaydays(year, month, calendar);
  if (monthly.has(day)) return monthly.get(day)!;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (calendar.weekdays?.includes(weekday) && isBusinessDay(year, month, day, calendar)) return `a ${WEEKDAY_NAMES[weekday]}`;
  return null;
}

/** The business days of a month that are monthly paydays (weekly paydays aside), as days of the month. */
export function paydaysOf(year: number, month: number, calendar: PaydayCalendar): number[] {
  return [...monthlyPaydays(year, month, calendar).keys()].sort((a, b) => a - b);
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function monthlyPaydays(year: number, month: number, calendar: PaydayCalendar): Map<number, string> {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const business = (day: number) => isBusinessDay(year, month, day, calendar);
  const days = new Map<number, string>();
  for (const wanted of calendar.daysOfMonth) {
    // Pay due on a weekend or holiday is paid the business day before; the 1st, whose day before is last month's, the day after.
    let day = Math.min(wanted, daysInMonth);
    const step = wanted > 1 ? -1 : 1;
    while (day >= 1 && day <= daysInMonth && !business(day)) day += step;
    if (day >= 1 && day <= daysInMonth && !days.has(day)) days.set(day, `the ${ordinal(wanted)}`);
  }
  for (const nth of calendar.businessDaysOfMonth ?? []) {
    let seen = 0;
    for (let day = 1; day <= daysInMonth; day += 1) {
      if (business(day) && ++seen === nth) {
        if (!days.has(day)) days.set(day, `the ${ordinal(nth)} business day`);
        break;
      }
    }
  }
  if (calendar.lastBusinessDay) {
    let day = daysInMonth;
    while (day > 0 && !business(day)) day -= 1;
    if (day > 0) days.set(day, 'the last business day of the month');
  }
  return days;
}

function isBusinessDay(year: number, month: number, day: number, calendar: PaydayCalendar): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !(calendar.holidays ?? []).includes(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
