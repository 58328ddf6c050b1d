import { ALL_TIME, buildDashboardStats, statsFromDay, type RollupDocument } from '../../backend/src/stats';

const now = new Date('2026-11-23T10:00:00Z');
const doc = (currency: string, day: string, counters: Record<string, number>): RollupDocument => ({ accountId: 'acct_a', livemode: false, currency, day, counters });

describe('dashboard stats from rollups', () => {
  const docs = [
    doc('usd', '2026-11-02', { failed: 3, failedMinor: 15000, recovered: 1, recoveredMinor: 5000, 'method:our_retry:count': 1, 'method:our_retry:minor': 5000, 'bucket:soft:failed': 3, 'bucket:soft:recovered': 1, mrrSavedMinor: 5000, churnPrevented: 1, emailsSent: 4, emailsDelivered: 3, emailsBounced: 1 }),
    doc('eur', '2026-11-20', { failed: 1, failedMinor: 9900, recovered: 1, recoveredMinor: 9900, 'method:card_update:count': 1, 'method:card_update:minor': 9900, lost: 2, emailsOpened: 1 }),
    // Last month: in the trend, not in "this month".
    doc('usd', '2026-10-30', { failed: 5, failedMinor: 25000, recovered: 4, recoveredMinor: 20000 }),
    doc('usd', ALL_TIME, { failed: 40, recovered: 30, recoveredMinor: 150000, active: 6, activeMinor: 30000 }),
    doc('eur', ALL_TIME, { failed: 2, recovered: 1, recoveredMinor: 9900, active: 1, activeMinor: 4900 }),
  ];
  const stats = buildDashboardStats(docs, now);

  it('keeps amounts, the recovery rate and churn prevented per currency, and never adds dollars to euros', () => {
    expect(stats.currencies).toEqual([
      { currency: 'eur', recoveredThisMonthMinor: 9900, recoveredTotalMinor: 9900, failedThisMonthMinor: 9900, mrrSavedMinor: 0, activeMinor: 4900, recoveryRate: 0.3333, churnPrevented: 0 },
      { currency: 'usd', recoveredThisMonthMinor: 5000, recoveredTotalMinor: 150000, failedThisMonthMinor: 15000, mrrSavedMinor: 5000, activeMinor: 30000, recoveryRate: 1, churnPrevented: 1 },
    ]);
  });

  it('counts this month only for the monthly figures, and all time for totals and active sequences', () => {
    expect(stats).toMatchObject({ month: '2026-11', failedThisMonth: 4, recoveredThisMonth: 2, recoveredTotal: 31, activeSequences: 7, churnPrevented: 1 });
  });

  it('gives the recovery rate as recovered out of the cases that ended this month', () => {
    expect(stats.recoveryRate).toBe(0.5);
    expect(buildDashboardStats([], now).recoveryRate).toBeNull();
  });

  it('draws a 30-day trend ending today, with empty days as zeros', () => {
    expect(stats.trend).toHaveLength(30);
    expect(stats.trend.at(-1)).toEqual({ day: '2026-11-23', failed: 0, recovered: 0, amounts: [] });
    expect(stats.trend.find((entry) => entry.day === '2026-10-30')).toMatchObject({ failed: 5, recovered: 4, amounts: [{ currency: 'usd', failedMinor: 25000, recoveredMinor: 20000 }] });
  });

  it('breaks this month down by decline bucket, by how the money came back, and by email engagement', () => {
    expect(stats.byDeclineBucket.find((entry) => entry.bucket === 'soft')).toEqual({ bucket: 'soft', failed: 3, recovered: 1 });
    expect(stats.byRecoveryMethod.find((entry) => entry.method === 'card_update')).toEqual({ method: 'card_update', count: 1, amounts: [{ currency: 'eur', amountMinor: 9900 }] });
    expect(stats.emails).toEqual({ sent: 4, delivered: 3, opened: 1, clicked: 0, bounced: 1 });
  });

  it('reads from the earlier of the month start and the trend start', () => {
    expect(statsFromDay(now)).toBe('2026-10-25');
    expect(statsFromDay(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-01');
  });
});
