import { localParts } from './customerTime';

/**
 * An account's own evidence of when its customers have money: how many
 * successful payments fell on each local weekday and day of the month.
 * Kept as counters (seven weekdays, 31 days), so feeding it is one increment
 * per payment and reading it is one small document.
 */
export interface PayHabitCounts {
  total: number;
  /** Index 0 = Sunday. */
  byWeekday: number[];
  /** Index 0 = the 1st. */
  byDayOfMonth: number[];
}

export interface LearnedPayMoments {
  weekdays: number[];
  daysOfMonth: number[];
}

/** Below this many payments the counts say more about chance than about paydays. */
export const MIN_PAYMENTS_TO_LEARN = 100;
/** A weekday is a pay moment when it holds at least 1.5 times its even share (1/5 of business-day payments). */
const WEEKDAY_LIFT = 1.5;
/** A day of the month when it holds at least 3 times its even share (1/30), and at least 10 payments. */
const DAY_LIFT = 3;
const MIN_DAY_PAYMENTS = 10;

export const NO_PAY_HABITS: PayHabitCounts = { total: 0, byWeekday: Array(7).fill(0), byDayOfMonth: Array(31).fill(0) };

/** Where one successful payment falls in the customer's local calendar: the counters to increment. */
export function payHabitSlotOf(paidAt: Date, zone: string): { weekday: number; dayOfMonth: number } {
  const local = localParts(paidAt, zone);
  return { weekday: local.weekday, dayOfMonth: local.day };
}

/** Counts a list of successful payment times (each with its customer's zone). */
export function countPayHabits(payments: Array<{ at: Date; zone: string }>): PayHabitCounts {
  const counts: PayHabitCounts = { total: 0, byWeekday: [...NO_PAY_HABITS.byWeekday], byDayOfMonth: [...NO_PAY_HABITS.byDayOfMonth] };
  for (const payment of payments) {
    const slot = payHabitSlotOf(payment.at, payment.zone);
    counts.total += 1;
    counts.byWeekday[slot.weekday]! += 1;
    counts.byDayOfMonth[slot.dayOfMonth - 1]! += 1;
  }
  return counts;
}

/**
 * The weekdays and days of the month on which an account's customers pay
 * markedly more often than chance, once there are MIN_PAYMENTS_TO_LEARN payments;
 * null before. Weekends are never paydays (banks credit payroll on business days).
 * Example: 200 payments, 80 on Fridays and 30 on the 28th, the rest spread → { weekdays: [5], daysOfMonth: [28] }.
 */
export function learnedPayMoments(counts: PayHabitCounts | null): LearnedPayMoments | null {
  if (!counts || counts.total < MIN_PAYMENTS_TO_LEARN) return null;
  const businessTotal = [1, 2, 3, 4, 5].reduce((sum, day) => sum + (counts.byWeekday[day] ?? 0), 0);
  const weekdays = [1, 2, 3, 4, 5].filter((day) => businessTotal > 0 && (counts.byWeekday[day] ?? 0) / businessTotal >= WEEKDAY_LIFT / 5);
  const daysOfMonth = counts.byDayOfMonth
    .map((count, index) => ({ day: index + 1, count }))
    .filter(({ count }) => count >= MIN_DAY_PAYMENTS && count / counts.total >= DAY_LIFT / 30)
    .map(({ day }) => day);
  return { weekdays, daysOfMonth };
}
