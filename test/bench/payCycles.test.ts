import { payHabitsOf } from '../../bench/recovery/behaviourModel';
import { fundsArrivals, paydayDates } from '../../bench/recovery/payCycles';

const DAY_MS = 86_400_000;
const from = Date.parse('2026-03-02T00:00:00Z');
const until = from + 80 * DAY_MS; // to 21 May 2026
const dates = (list: Date[]) => list.map((date) => date.toISOString().slice(0, 10));

describe('pay cycles', () => {
  it('pays weekly US payers every Friday', () => {
    const paid = paydayDates({ frequency: 'weekly', habits: payHabitsOf('US'), biweeklyPhase: 0 }, from, until, 'America/Chicago');
    expect(paid.length).toBeGreaterThanOrEqual(8);
    expect(paid.every((date) => date.getUTCDay() === 5)).toBe(true);
    expect(paid.slice(1).map((date, index) => (date.getTime() - paid[index]!.getTime()) / DAY_MS)).toEqual(Array(paid.length - 1).fill(7));
  });

  it('pays biweekly US payers every other Friday, each phase on its own weeks', () => {
    const [even, odd] = [0, 1].map((phase) => paydayDates({ frequency: 'biweekly', habits: payHabitsOf('US'), biweeklyPhase: phase }, from, until, 'America/Los_Angeles'));
    for (const paid of [even!, odd!]) {
      expect(paid.every((date) => date.getUTCDay() === 5)).toBe(true);
      expect(paid.slice(1).map((date, index) => (date.getTime() - paid[index]!.getTime()) / DAY_MS)).toEqual(Array(paid.length - 1).fill(14));
    }
    expect(Math.abs(even![0]!.getTime() - odd![0]!.getTime())).toBe(7 * DAY_MS);
  });

  it('pays semi-monthly payers on the 15th and the month end, the business day before when those fall on a weekend', () => {
    const paid = paydayDates({ frequency: 'semimonthly', habits: payHabitsOf('US'), biweeklyPhase: 0 }, from, until, 'America/New_York');
    // 15 March 2026 is a Sunday, 31 May a Sunday.
    expect(dates(paid)).toEqual(['2026-03-13', '2026-03-31', '2026-04-15', '2026-04-30', '2026-05-15']);
  });

  it('pays monthly payers on their country habit: Japan the 25th, Europe the last business day', () => {
    expect(dates(paydayDates({ frequency: 'monthly', habits: payHabitsOf('JP'), biweeklyPhase: 0 }, from, until, 'Asia/Tokyo'))).toEqual(['2026-03-25', '2026-04-24']);
    expect(dates(paydayDates({ frequency: 'monthly', habits: payHabitsOf('DE'), biweeklyPhase: 0 }, from, until, 'Europe/Berlin'))).toEqual(['2026-03-31', '2026-04-30']);
  });

  it('makes the money available at 09:00 customer time on payday', () => {
    const [first] = fundsArrivals({ frequency: 'weekly', habits: payHabitsOf('US'), biweeklyPhase: 0 }, from, until, 'Pacific/Honolulu');
    expect(new Date(first!).toISOString()).toBe('2026-03-06T19:00:00.000Z');
  });
});
