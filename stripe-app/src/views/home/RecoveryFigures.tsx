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
    </Box>
  );
}
