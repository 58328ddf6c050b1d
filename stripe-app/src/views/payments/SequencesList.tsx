import { Badge, Box, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { BackendClient } from '../../api/backendClient';
import type { SequenceRow } from '../../api/contract';
import { formatMoney, formatWhen } from '../../format';
import { ControlGroupBadge } from '../../shared/ControlGroupBadge';
import { Empty, LoadFailed, Loading } from '../../shared/states';
import { PageButtons } from './PageButtons';
import { PAGE_SIZE } from './PaymentsList';
import { useCursorPages } from './useCursorPages';

/** "Email 2 of 4 sent · next email Nov 21 · next retry Nov 20", or why nothing is planned. */
export function sequenceProgress(row: SequenceRow, locale: string): string {
  if (row.paused) return `${row.stepsDone} of ${row.stepsTotal} emails sent · paused`;
  const next = [row.nextEmailAt ? `next email ${formatWhen(row.nextEmailAt, locale)}` : null, row.nextRetryAt ? `next retry ${formatWhen(row.nextRetryAt, locale)}` : null].filter(Boolean);
  return [`${row.stepsDone} of ${row.stepsTotal} emails sent`, ...(next.length > 0 ? next : ['waiting for the customer'])].join(' · ');
}

/** The recoveries still running, with how far their emails have got and what happens next. */
export function SequencesList({ backend, locale }: { backend: BackendClient; locale: string }) {
  const { loaded, reload, page, next, previous } = useCursorPages((startingAfter) => backend.sequences({ limit: PAGE_SIZE, starting_after: startingAfter }), 'sequences');
  if (loaded.state === 'loading') return <Loading what="active sequences" />;
  if (loaded.state === 'error') return <LoadFailed message={loaded.message} onRetry={reload} />;
  if (loaded.data.data.length === 0) return <Empty>No recovery is running right now.</Empty>;
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <List>
        {loaded.data.data.map((row) => (
          <ListItem
            key={row.id}
            id={`sequence-${row.id}`}
            title={`${formatMoney(row.amountMinor, row.currency, locale)} · ${row.customerEmail ?? row.customerId ?? 'unknown customer'}`}
            secondaryTitle={sequenceProgress(row, locale)}
            value={
              <Box css={{ stack: 'x', gap: 'xsmall' }}>
                <ControlGroupBadge group={row.group} />
                {row.paused && <Badge type="warning">Paused</Badge>}
              </Box>
            }
          />
        ))}
      </List>
      <PageButtons page={page} previous={previous} next={next} what="Active sequences" />
    </Box>
  );
}
