import { Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { DashboardStats } from '../../api/contract';
import { formatMoney, formatRate } from '../../format';

/** "€45.00 · $1,234.00", or `none` when no currency has an amount. */
export function perCurrency(amounts: Array<{ currency: string; amountMinor: number }>, locale: string, none = '—'): string {
  const shown = amounts.filter((each) => each.amountMinor !== 0);
  return shown.length === 0 ? none : shown.map((each) => formatMoney(each.amountMinor, each.currency, locale)).join(' · ');
}

/** This month's headline figures: recovered, the rate, active sequences, MRR saved and churn prevented; amounts per currency, never summed across them. */
export function RecoveryFigures({ stats, locale }: { stats: DashboardStats; locale: string }) {
  const amounts = (minor: (each: DashboardStats['currencies'][number]) => number) => stats.currencies.map((each) => ({ currency: each.currency, amountMinor: minor(each) }));
  return (
    <Box css={{ stack: 'y', gap: 'large' }}>
      <Box css={{ stack: 'y', gap: 'xsmall' }}>
        <Inline css={{ font: 'caption', color: 'secondary' }}>Recovered this month</Inline>
        <Inline css={{ font: 'heading' }}>{perCurrency(amounts((each) => each.recoveredThisMonthMinor), locale, 'Nothing yet')}</Inline>
      </Box>
      <List>
        <ListItem title="Recovery rate" secondaryTitle="Of the payments whose recovery ended this month" value={formatRate(stats.recoveryRate)} />
        <ListItem title="Active sequences" secondaryTitle={perCurrency(amounts((each) => each.activeMinor), locale, '')} value={String(stats.activeSequences)} />
        <ListItem title="MRR saved this month" value={perCurrency(amounts((each) => each.mrrSavedMinor), locale)} />
        <ListItem title="Churn prevented this month" secondaryTitle="Subscriptions whose failed renewal was paid" value={`${stats.churnPrevented} subscription${stats.churnPrevented === 1 ? '' : 's'}`} />
        <ListItem title="Recovered since install" value={perCurrency(amounts((each) => each.recoveredTotalMinor), locale)} />
      </List>
      {stats.currencies.length > 1 && <CurrencyFigures currencies={stats.currencies} locale={locale} />}
    </Box>
  );
}

/** With several currencies, this month's figures of each on its own line: rates and counts differ by market. */
function CurrencyFigures({ currencies, locale }: { currencies: DashboardStats['currencies']; locale: string }) {
  return (
    <Box css={{ stack: 'y', gap: 'xsmall' }}>
      <Inline css={{ font: 'caption', color: 'secondary' }}>This month, per currency</Inline>
      <List>
        {currencies.map((each) => (
          <ListItem
            key={each.currency}
            id={`currency-${each.currency}`}
            title={each.currency.toUpperCase()}
            secondaryTitle={`MRR saved ${formatMoney(each.mrrSavedMinor, each.currency, locale)} · churn prevented: ${each.churnPrevented} subscription${each.churnPrevented === 1 ? '' : 's'}`}
            value={`${formatMoney(each.recoveredThisMonthMinor, each.currency, locale)} recovered · ${formatRate(each.recoveryRate)}`}
          />
        ))}
      </List>
    </Box>
  );
}
