import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { Box, Button, ContextView } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { AttentionRow, DashboardStats, ListPage } from '../api/contract';
import { useBackend, useLoaded } from '../shared/backend';
import { Empty, LoadFailed, Loading } from '../shared/states';
import { AtRiskCard } from './home/AtRiskCard';
import { AttentionList } from './home/AttentionList';
import { BreakdownCard } from './home/BreakdownCard';
import { EmailCard } from './home/EmailCard';
import { LiftCard } from './home/LiftCard';
import { RecoveryFigures } from './home/RecoveryFigures';
import { TrendCard } from './home/TrendCard';
import { FailedPayments } from './payments/FailedPayments';

/** The Dashboard home: this month's recovery at a glance, the cases that need the merchant, the renewals at risk and the lift; every failed payment one press away. */
const HomeOverview = (context: ExtensionContextValue) => {
  const backend = useBackend(context);
  const locale = context.userContext.locale;
  const [paymentsShown, setPaymentsShown] = useState(false);
  const { loaded, reload } = useLoaded(async () => Promise.all([backend.stats(), backend.attention()]), 'home');
  const currencies = loaded.state === 'ready' ? loaded.data[0].currencies.map((each) => each.currency) : [];
  return (
    <ContextView
      title="Payment recovery"
      description="Failed payments we are winning back for you"
      actions={
        <Button size="small" onPress={() => setPaymentsShown(true)}>
          Failed payments
        </Button>
      }
    >
      {loaded.state === 'loading' && <Loading what="recovery stats" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && <Overview stats={loaded.data[0]} attention={loaded.data[1]} locale={locale} />}
      <Box css={{ paddingTop: 'large' }}>
        <AtRiskCard backend={backend} locale={locale} />
      </Box>
      <Box css={{ paddingTop: 'large' }}>
        <LiftCard backend={backend} locale={locale} />
      </Box>
      <FailedPayments backend={backend} currencies={currencies} locale={locale} shown={paymentsShown} setShown={setPaymentsShown} />
    </ContextView>
  );
};

function Overview({ stats, attention, locale }: { stats: DashboardStats; attention: ListPage<AttentionRow>; locale: string }) {
  if (stats.failedThisMonth === 0 && stats.recoveredTotal === 0 && stats.activeSequences === 0) {
    return <Empty>No failed payments yet. When a renewal fails, recovery starts here on its own.</Empty>;
  }
  return (
    <Box css={{ stack: 'y', gap: 'large' }}>
      <RecoveryFigures stats={stats} locale={locale} />
      <AttentionList attention={attention} locale={locale} />
      <TrendCard trend={stats.trend} />
      <BreakdownCard stats={stats} locale={locale} />
      <EmailCard emails={stats.emails} />
    </Box>
  );
}

export default HomeOverview;
