import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { Badge, BarChart, Box, ContextView, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { AttentionRow, DashboardStats, ListPage } from '../api/contract';
import { formatMoney, formatRate } from '../format';
import { useBackend, useLoaded } from '../shared/backend';
import { CONTROL_GROUP_LABEL } from '../shared/ControlGroupBadge';
import { Empty, LoadFailed, Loading } from '../shared/states';
import { AtRiskCard } from './home/AtRiskCard';
import { LiftCard } from './home/LiftCard';

const ATTENTION_LABELS: Record<AttentionRow['reason'], string> = {
  email_undeliverable: 'Email undeliverable',
  needs_new_card: 'Needs a new card',
  needs_authentication: 'Needs authentication',
};

/** The Dashboard home: this month's recovery at a glance, the cases that need the merchant, the renewals at risk and the lift. */
const HomeOverview = (context: ExtensionContextValue) => {
  const backend = useBackend(context);
  const { loaded, reload } = useLoaded(async () => Promise.all([backend.stats(), backend.attention()]), 'home');
  return (
    <ContextView title="Payment recovery" description="Failed payments we are winning back for you">
      {loaded.state === 'loading' && <Loading what="recovery stats" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && <Overview stats={loaded.data[0]} attention={loaded.data[1]} locale={context.userContext.locale} />}
      <Box css={{ paddingTop: 'large' }}>
        <AtRiskCard backend={backend} locale={context.userContext.locale} />
      </Box>
      <Box css={{ paddingTop: 'large' }}>
        <LiftCard backend={backend} locale={context.userContext.locale} />
      </Box>
    </ContextView>
  );
};

function Overview({ stats, attention, locale }: { stats: DashboardStats; attention: ListPage<AttentionRow>; locale: string }) {
  if (stats.failedThisMonth === 0 && stats.recoveredTotal === 0 && stats.activeSequences === 0) {
    return <Empty>No failed payments yet. When a renewal fails, recovery starts here on its own.</Empty>;
  }
  const recovered = stats.currencies.filter((each) => each.recoveredThisMonthMinor > 0);
  const saved = stats.currencies.filter((each) => each.mrrSavedMinor > 0);
  const trend = stats.trend.flatMap((day) => [
    { day: day.day.slice(5), kind: 'Recovered', count: day.recovered },
    { day: day.day.slice(5), kind: 'Failed', count: day.failed },
  ]);
  return (
    <Box css={{ stack: 'y', gap: 'large' }}>
      <Box css={{ stack: 'y', gap: 'xsmall' }}>
        <Inline css={{ font: 'caption', color: 'secondary' }}>Recovered this month</Inline>
        <Inline css={{ font: 'heading' }}>
          {recovered.length === 0 ? 'Nothing yet' : recovered.map((each) => formatMoney(each.recoveredThisMonthMinor, each.currency, locale)).join(' · ')}
        </Inline>
      </Box>
      <List>
        <ListItem title="Recovery rate" secondaryTitle="Of the payments whose recovery ended this month" value={formatRate(stats.recoveryRate)} />
        <ListItem title="Active sequences" value={String(stats.activeSequences)} />
        <ListItem title="MRR saved this month" value={saved.length === 0 ? '—' : saved.map((each) => formatMoney(each.mrrSavedMinor, each.currency, locale)).join(' · ')} />
        <ListItem title="Churn prevented this month" value={`${stats.churnPrevented} subscription${stats.churnPrevented === 1 ? '' : 's'}`} />
      </List>
      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Last 30 days</Inline>
        <BarChart data={trend} x="day" y="count" color="kind" axis="x" legend tooltip />
      </Box>
      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Needs your attention</Inline>
        {attention.data.length === 0 ? (
          <Empty>Nothing needs you right now.</Empty>
        ) : (
          <List>
            {attention.data.map((row) => (
              <ListItem
                key={row.id}
                id={row.id}
                title={`${formatMoney(row.amountMinor, row.currency, locale)} · ${row.customerEmail ?? row.customerId ?? 'unknown customer'}`}
                secondaryTitle={[row.invoiceId ? `${row.invoiceId}: ${row.summary}` : row.summary, row.group === 'control' ? CONTROL_GROUP_LABEL : null].filter(Boolean).join(' · ')}
                value={<Badge type={row.reason === 'email_undeliverable' ? 'negative' : 'warning'}>{ATTENTION_LABELS[row.reason]}</Badge>}
              />
            ))}
          </List>
        )}
      </Box>
    </Box>
  );
}

export default HomeOverview;
