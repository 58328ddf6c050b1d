import { Badge, Box, Link, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { BackendClient } from '../../api/backendClient';
import type { PaymentFilter, PaymentRow } from '../../api/contract';
import { formatMoney, formatWhen, methodLabel, statusLabel } from '../../format';
import { ControlGroupBadge } from '../../shared/ControlGroupBadge';
import { bucketLabel } from '../../shared/declineBuckets';
import { Empty, LoadFailed, Loading } from '../../shared/states';
import { PageButtons } from './PageButtons';
import { useCursorPages } from './useCursorPages';

export const PAGE_SIZE = 20;

const BADGE_TYPES: Record<PaymentRow['status'], 'positive' | 'info' | 'neutral' | 'negative'> = { recovered: 'positive', active: 'info', exhausted: 'negative', canceled: 'neutral', churned: 'negative' };

/** The failed payments matching the filters, newest first, a page at a time. */
export function PaymentsList({ backend, filter, locale }: { backend: BackendClient; filter: PaymentFilter; locale: string }) {
  const { loaded, reload, page, next, previous } = useCursorPages((startingAfter) => backend.payments({ ...filter, limit: PAGE_SIZE, starting_after: startingAfter }), `payments|${JSON.stringify(filter)}`);
  if (loaded.state === 'loading') return <Loading what="failed payments" />;
  if (loaded.state === 'error') return <LoadFailed message={loaded.message} onRetry={reload} />;
  if (loaded.data.data.length === 0) {
    return <Empty>{Object.keys(filter).length === 0 ? 'No failed payments yet.' : 'No failed payments match these filters.'}</Empty>;
  }
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <List>
        {loaded.data.data.map((row) => (
          <ListItem
            key={row.id}
            id={row.id}
            title={`${formatMoney(row.amountMinor, row.currency, locale)} · ${row.customerEmail ?? row.customerId ?? 'unknown customer'}`}
            secondaryTitle={[row.invoiceId ?? 'one-time payment', `failed ${formatWhen(row.openedAt, locale)}`, bucketLabel(row.openingDeclineBucket)].join(' · ')}
            value={
              <Box css={{ stack: 'x', gap: 'xsmall' }}>
                {row.invoiceId && <Link href={{ name: 'invoiceDetails', params: { invoiceId: row.invoiceId } }}>Open</Link>}
                <ControlGroupBadge group={row.group} />
                <Badge type={BADGE_TYPES[row.status]}>{row.recoveredBy ? `${statusLabel(row.status)}: ${methodLabel(row.recoveredBy)}` : statusLabel(row.status)}</Badge>
              </Box>
            }
          />
        ))}
      </List>
      <PageButtons page={page} previous={previous} next={next} what="Failed payments" />
    </Box>
  );
}
