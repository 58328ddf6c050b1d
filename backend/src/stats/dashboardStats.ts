import type { RecoveredBy } from '../recovery/recoveryCase';
import type { DeclineBucket } from '../retryPolicy/declineRules';
import { ALL_TIME, utcDay } from './caseContribution';
import type { RollupDocument } from './rollupStore';

/** The dashboard's numbers, from rollup documents alone. Months and days are UTC. */

export const TREND_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const BUCKETS: DeclineBucket[] = ['soft', 'ambiguous', 'customer_must_act', 'never_retry', 'blocked_by_stripe'];
const METHODS: RecoveredBy[] = ['our_retry', 'card_update', 'customer_payment', 'stripe_retry', 'merchant'];

export interface DashboardStats {
  object: 'recovery_stats';
  month: string;
  recoveredThisMonth: number;
  failedThisMonth: number;
  recoveredTotal: number;
  recoveryRate: number | null;
  activeSequences: number;
  churnPrevented: number;
  currencies: Array<{
    currency: string;
    recoveredThisMonthMinor: number;
    recoveredTotalMinor: number;
    failedThisMonthMinor: number;
    mrrSavedMinor: number;
    activeMinor: number;
    /** This month, of this currency's cases that ended, the share recovered; null with none ended. */
    recoveryRate: number | null;
    churnPrevented: number;
  }>;
  trend: Array<{ day: string; failed: number; recovered: number; amounts: Array<{ currency: string; failedMinor: number; recoveredMinor: number }> }>;
  byDeclineBucket: Array<{ bucket: DeclineBucket; failed: number; recovered: number }>;
  byRecoveryMethod: Array<{ method: RecoveredBy; count: number; amounts: Array<{ currency: string; amountMinor: number }> }>;
  emails: { sent: number; delivered: number; opened: number; clicked: number; bounced: number };
}

/** The first day the stats read: the earlier of the month's first day and the trend's first day. */
export function statsFromDay(now: Date): string {
  const monthStart = `${utcDay(now).slice(0, 7)}-01`;
  const trendStart = utcDay(new Date(now.getTime() - (TREND_DAYS - 1) * DAY_MS));
  return monthStart < trendStart ? monthStart : trendStart;
}

export function buildDashboardStats(docs: RollupDocument[], now: Date): DashboardStats {
  const month = utcDay(now).slice(0, 7);
  const today = utcDay(now);
  const thisMonth = docs.filter((doc) => doc.day !== ALL_TIME && doc.day.startsWith(month) && doc.day <= today);
  const allTime = docs.filter((doc) => doc.day === ALL_TIME);
  const sum = (from: RollupDocument[], counter: string) => from.reduce((total, doc) => total + (doc.counters[counter] ?? 0), 0);
  const currencies = [...new Set(docs.map((doc) => doc.currency))].sort();
  const ofCurrency = (from: RollupDocument[], currency: string) => from.filter((doc) => doc.currency === currency);

  // Of the cases that ended this month, the share that ended with the money.
  const rateOf = (from: RollupDocument[]) => {
    const recovered = sum(from, 'recovered');
    const ended = recovered + sum(from, 'lost');
    return ended === 0 ? null : Math.round((recovered / ended) * 10_000) / 10_000;
  };

  const trend: DashboardStats['trend'] = [];
  for (let offset = TREND_DAYS - 1; offset >= 0; offset -= 1) {
    const day = utcDay(new Date(now.getTime() - offset * DAY_MS));
    const ofDay = docs.filter((doc) => doc.day === day);
    trend.push({
      day,
      failed: sum(ofDay, 'failed'),
      recovered: sum(ofDay, 'recovered'),
      amounts: ofDay.map((doc) => ({ currency: doc.currency, failedMinor: doc.counters.failedMinor ?? 0, recoveredMinor: doc.counters.recoveredMinor ?? 0 })),
    });
  }

  return {
    object: 'recovery_stats',
    month,
    recoveredThisMonth: sum(thisMonth, 'recovered'),
    failedThisMonth: sum(thisMonth, 'failed'),
    recoveredTotal: sum(allTime, 'recovered'),
    recoveryRate: rateOf(thisMonth),
    activeSequences: sum(allTime, 'active'),
    churnPrevented: sum(thisMonth, 'churnPrevented'),
    currencies: currencies.map((currency) => ({
      currency,
      recoveredThisMonthMinor: sum(ofCurrency(thisMonth, currency), 'recoveredMinor'),
      recoveredTotalMinor: sum(ofCurrency(allTime, currency), 'recoveredMinor'),
      failedThisMonthMinor: sum(ofCurrency(thisMonth, currency), 'failedMinor'),
      mrrSavedMinor: sum(ofCurrency(thisMonth, currency), 'mrrSavedMinor'),
      activeMinor: sum(ofCurrency(allTime, currency), 'activeMinor'),
      recoveryRate: rateOf(ofCurrency(thisMonth, currency)),
      churnPrevented: sum(ofCurrency(thisMonth, currency), 'churnPrevented'),
    })),
    trend,
    byDeclineBucket: BUCKETS.map((bucket) => ({ bucket, failed: sum(thisMonth, `bucket:${bucket}:failed`), recovered: sum(thisMonth, `bucket:${bucket}:recovered`) })),
    byRecoveryMethod: METHODS.map((method) => ({
      method,
      count: sum(thisMonth, `method:${method}:count`),
      amounts: currencies
        .map((currency) => ({ currency, amountMinor: sum(ofCurrency(thisMonth, currency), `method:${method}:minor`) }))
        .filter((amount) => amount.amountMinor !== 0),
    })),
    emails: {
      sent: sum(thisMonth, 'emailsSent'),
      delivered: sum(thisMonth, 'emailsDelivered'),
      opened: sum(thisMonth, 'emailsOpened'),
      clicked: sum(thisMonth, 'emailsClicked'),
      bounced: sum(thisMonth, 'emailsBounced'),
    },
  };
}
