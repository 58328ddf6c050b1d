import { Box, DateField, Select } from '@stripe/ui-extension-sdk/ui';
import type { CaseStatus, DeclineBucket, PaymentFilter } from '../../api/contract';
import { statusLabel } from '../../format';
import { DECLINE_BUCKETS } from '../../shared/declineBuckets';

const STATUSES: CaseStatus[] = ['active', 'recovered', 'exhausted', 'canceled', 'churned'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** What the date fields show and send: the merchant picks days, `to` included; the API's `to` is excluded, so it is the next day. */
export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The fields hand over a value string, or (older hosts) a change event. */
function valueOf(change: unknown): string {
  if (typeof change === 'string') return change;
  return (change as { target?: { value?: string } } | null)?.target?.value ?? '';
}

/** The filters the payments list and the export share; an empty choice removes a filter. */
export function PaymentFilters({ filter, currencies, onChange }: { filter: PaymentFilter; currencies: string[]; onChange: (filter: PaymentFilter) => void }) {
  const set = (change: Partial<PaymentFilter>) => {
    const next: Record<string, string | undefined> = { ...filter, ...change };
    onChange(Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined && value !== '')) as PaymentFilter);
  };
  const to = filter.to ? new Date(Date.parse(`${filter.to}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10) : '';
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Box css={{ stack: 'x', gap: 'small' }}>
        <Select label="Status" value={filter.status ?? ''} onChange={(event) => set({ status: (event.target.value || undefined) as CaseStatus | undefined })}>
          <option value="">All</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>{statusLabel(status)}</option>
          ))}
        </Select>
        <Select label="Currency" value={filter.currency ?? ''} onChange={(event) => set({ currency: event.target.value || undefined })}>
          <option value="">All</option>
          {currencies.map((currency) => (
            <option key={currency} value={currency}>{currency.toUpperCase()}</option>
          ))}
        </Select>
      </Box>
      <Select label="Why it failed" value={filter.openingDeclineBucket ?? ''} onChange={(event) => set({ openingDeclineBucket: (event.target.value || undefined) as DeclineBucket | undefined })}>
        <option value="">Any decline</option>
        {DECLINE_BUCKETS.map((each) => (
          <option key={each.bucket} value={each.bucket}>{each.label}</option>
        ))}
      </Select>
      <Box css={{ stack: 'x', gap: 'small' }}>
        <DateField label="Failed from" value={filter.from ?? ''} onChange={(change) => set({ from: valueOf(change) || undefined })} />
        <DateField label="Failed until" value={to} onChange={(change) => set({ to: valueOf(change) ? dayAfter(valueOf(change)) : undefined })} />
      </Box>
    </Box>
  );
}
