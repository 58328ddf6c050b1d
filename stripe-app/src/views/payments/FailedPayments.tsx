import { Box, Divider, FocusView, Inline } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { PaymentFilter } from '../../api/contract';
import { ExportLink } from './ExportLink';
import { PaymentFilters } from './PaymentFilters';
import { PaymentsList } from './PaymentsList';
import { SequencesList } from './SequencesList';

/**
 * Opened from the home: every failed payment with filters and pages, the CSV
 * export of what the filters show, and the recoveries still running. Nothing
 * loads until the merchant opens it.
 */
export function FailedPayments({ backend, currencies, locale, shown, setShown }: { backend: BackendClient; currencies: string[]; locale: string; shown: boolean; setShown: (shown: boolean) => void }) {
  return (
    <FocusView title="Failed payments" size="large" shown={shown} setShown={setShown}>
      {shown && <FailedPaymentsContent backend={backend} currencies={currencies} locale={locale} />}
    </FocusView>
  );
}

function FailedPaymentsContent({ backend, currencies, locale }: { backend: BackendClient; currencies: string[]; locale: string }) {
  const [filter, setFilter] = useState<PaymentFilter>({});
  return (
    <Box css={{ stack: 'y', gap: 'large' }}>
      <PaymentFilters filter={filter} currencies={currencies} onChange={setFilter} />
      <ExportLink backend={backend} filter={filter} locale={locale} />
      <PaymentsList backend={backend} filter={filter} locale={locale} />
      <Divider />
      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Active sequences</Inline>
        <SequencesList backend={backend} locale={locale} />
      </Box>
    </Box>
  );
}
