import { Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { DashboardStats } from '../../api/contract';
import { formatRate, methodLabel } from '../../format';
import { bucketLabel } from '../../shared/declineBuckets';
import { Empty } from '../../shared/states';
import { perCurrency } from './RecoveryFigures';

/** This month, by why payments failed (with the share won back) and by how the money came back. */
export function BreakdownCard({ stats, locale }: { stats: DashboardStats; locale: string }) {
  const buckets = stats.byDeclineBucket.filter((each) => each.failed > 0 || each.recovered > 0);
  const methods = stats.byRecoveryMethod.filter((each) => each.count > 0);
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'subheading' }}>Why payments failed this month</Inline>
      {buckets.length === 0 ? (
        <Empty>No payment has failed this month.</Empty>
      ) : (
        <List>
          {buckets.map((each) => (
            <ListItem
              key={each.bucket}
              id={`bucket-${each.bucket}`}
              title={bucketLabel(each.bucket)}
              value={`${each.recovered} of ${each.failed} recovered${each.failed > 0 ? ` (${formatRate(each.recovered / each.failed)})` : ''}`}
            />
          ))}
        </List>
      )}
      <Inline css={{ font: 'subheading' }}>How the money came back</Inline>
      {methods.length === 0 ? (
        <Empty>Nothing recovered this month yet.</Empty>
      ) : (
        <List>
          {methods.map((each) => (
            <ListItem key={each.method} id={`method-${each.method}`} title={methodLabel(each.method)} secondaryTitle={perCurrency(each.amounts, locale, '')} value={`${each.count} payment${each.count === 1 ? '' : 's'}`} />
          ))}
        </List>
      )}
    </Box>
  );
}
