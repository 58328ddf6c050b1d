import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { Badge, Box, ContextView, List, ListItem } from '@stripe/ui-extension-sdk/ui';
import { formatMoney, formatWhen, statusLabel } from '../format';
import { useBackend, useLoaded } from '../shared/backend';
import { ControlGroupBadge } from '../shared/ControlGroupBadge';
import { Empty, LoadFailed, Loading } from '../shared/states';
import { CustomerRisk } from './customer/CustomerRisk';

/** A customer's recovery cases, newest first, and the risk that their next renewals fail. */
const CustomerDetail = (context: ExtensionContextValue) => {
  const backend = useBackend(context);
  const customerId = context.environment.objectContext?.id ?? '';
  const { loaded, reload } = useLoaded(() => backend.casesOfCustomer(customerId), customerId);
  const locale = context.userContext.locale;
  return (
    <ContextView title="Payment recovery" description={customerId}>
      {loaded.state === 'loading' && <Loading what="this customer's recovery" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data.data.length === 0 && <Empty>None of this customer's payments has needed recovery.</Empty>}
      {loaded.state === 'ready' && loaded.data.data.length > 0 && (
        <List>
          {loaded.data.data.map((found) => (
            <ListItem
              key={found.id}
              title={`${formatMoney(found.amountMinor, found.currency, locale)} · ${found.invoiceId ?? 'one-time payment'}`}
              secondaryTitle={found.status === 'active' ? (found.nextAction?.reason ?? 'Recovering') : `Ended ${formatWhen(found.closedAt, locale)}`}
              value={
                <Box css={{ stack: 'x', gap: 'xsmall' }}>
                  <ControlGroupBadge group={found.group} />
                  <Badge type={found.status === 'recovered' ? 'positive' : found.status === 'active' ? 'info' : 'neutral'}>{statusLabel(found.status, found.paused)}</Badge>
                </Box>
              }
            />
          ))}
        </List>
      )}
      <Box css={{ paddingTop: 'large' }}>
        <CustomerRisk backend={backend} customerId={customerId} locale={locale} />
      </Box>
    </ContextView>
  );
};

export default CustomerDetail;
