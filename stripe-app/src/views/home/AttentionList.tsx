import { Badge, Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import type { AttentionRow, ListPage } from '../../api/contract';
import { formatMoney } from '../../format';
import { CONTROL_GROUP_LABEL } from '../../shared/ControlGroupBadge';
import { Empty } from '../../shared/states';

const ATTENTION_LABELS: Record<AttentionRow['reason'], string> = {
  email_undeliverable: 'Email undeliverable',
  needs_new_card: 'Needs a new card',
  needs_authentication: 'Needs authentication',
};

/** Active cases the merchant should look at, with why. */
export function AttentionList({ attention, locale }: { attention: ListPage<AttentionRow>; locale: string }) {
  return (
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
  );
}
