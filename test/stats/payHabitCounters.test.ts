import { createPayMomentsReader, payHabitCountsOf, PAY_MOMENTS_CACHE_MS } from '../../backend/src/stats';

/** All-time counters of `payments` recovered payments: `thursdays` of them on Thursdays, the rest spread Monday to Friday and over the month. */
function allTimeCounters(payments: number, thursdays: number): Record<string, number> {
  const counters: Record<string, number> = {};
  const add = (name: string) => (counters[name] = (counters[name] ?? 0) + 1);
  for (let index = 0; index < payments; index += 1) {
    add(`paid:weekday:${index < thursdays ? 4 : 1 + (index % 5)}`);
    add(`paid:dom:${String(1 + (index % 28)).padStart(2, '0')}`);
  }
  return counters;
}

describe("learning an account's pay moments from its rollup counters", () => {
  it('adds up the weekday and day-of-month counters of every currency', () => {
    const counts = payHabitCountsOf([{ 'paid:weekday:4': 3, 'paid:dom:23': 3, recovered: 3 }, { 'paid:weekday:4': 1, 'paid:weekday:5': 2, 'paid:dom:01': 3 }]);
    expect(counts.total).toBe(6);
    expect(counts.byWeekday).toEqual([0, 0, 0, 0, 4, 2, 0]);
    expect(counts.byDayOfMonth[22]).toBe(3);
    expect(counts.byDayOfMonth[0]).toBe(3);
  });

  it('learns a Thursday habit once there are 100 recovered payments', async () => {
    const read = createPayMomentsReader({ readAllTime: async () => [allTimeCounters(120, 60)], now: () => new Date('2026-04-18T12:00:00Z') });
    expect((await read('acct_1', false))?.weekdays).toEqual([4]);
  });

  it('learns nothing below 100 recovered payments, however marked the habit', async () => {
    const read = createPayMomentsReader({ readAllTime: async () => [allTimeCounters(99, 80)], now: () => new Date('2026-04-18T12:00:00Z') });
    expect(await read('acct_1', false)).toBeNull();
  });

  it('reads an account once per cache period, and each account and mode apart', async () => {
    let now = new Date('2026-04-18T12:00:00Z');
    const reads: string[] = [];
    const read = createPayMomentsReader({
      readAllTime: async (accountId, livemode) => {
        reads.push(`${accountId}|${livemode}`);
        return [allTimeCounters(120, 60)];
      },
      now: () => now,
    });
    await read('acct_1', false);
    await read('acct_1', false);
    await read('acct_1', true);
    await read('acct_2', false);
    now = new Date(now.getTime() + PAY_MOMENTS_CACHE_MS);
    await read('acct_1', false);
    expect(reads).toEqual(['acct_1|false', 'acct_1|true', 'acct_2|false', 'acct_1|false']);
  });
});
