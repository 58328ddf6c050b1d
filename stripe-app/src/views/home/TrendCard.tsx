import { BarChart, Box, Inline, LineChart } from '@stripe/ui-extension-sdk/ui';
import type { TrendDay } from '../../api/contract';

/** 4900 usd → 49, 500 jpy → 500: charts plot amounts in the currency's main unit. */
export function toMajorUnits(amountMinor: number, currency: string): number {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  return amountMinor / 10 ** digits;
}

/** Each day's recovered amount per currency, every day present for every currency (a line needs its zeros). */
export function recoveredSeries(trend: TrendDay[]): Array<{ day: string; currency: string; recovered: number }> {
  const currencies = [...new Set(trend.flatMap((day) => day.amounts.map((amount) => amount.currency)))].sort();
  return currencies.flatMap((currency) =>
    trend.map((day) => ({
      day: day.day.slice(5),
      currency: currency.toUpperCase(),
      recovered: toMajorUnits(day.amounts.find((amount) => amount.currency === currency)?.recoveredMinor ?? 0, currency),
    })),
  );
}

/** The last 30 days: failed and recovered payments per day, and the money recovered per day in each currency. */
export function TrendCard({ trend }: { trend: TrendDay[] }) {
  const counts = trend.flatMap((day) => [
    { day: day.day.slice(5), kind: 'Recovered', count: day.recovered },
    { day: day.day.slice(5), kind: 'Failed', count: day.failed },
  ]);
  const recovered = recoveredSeries(trend);
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'subheading' }}>Last 30 days</Inline>
      <Inline css={{ font: 'caption', color: 'secondary' }}>Payments failed and recovered per day (UTC)</Inline>
      <BarChart data={counts} x="day" y="count" color="kind" axis="x" legend tooltip />
      {recovered.length > 0 && (
        <>
          <Inline css={{ font: 'caption', color: 'secondary' }}>Money recovered per day, per currency</Inline>
          <LineChart data={recovered} x="day" y="recovered" color="currency" axis="both" legend tooltip />
        </>
      )}
    </Box>
  );
}
