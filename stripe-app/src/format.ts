/** How amounts, rates and times read in the views, in the Dashboard user's locale. */

/** 4900 usd → "$49.00"; zero-decimal currencies (jpy) are not divided. */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function formatWhen(iso: string | null, locale = 'en-US'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC';
}

const STATUS_LABELS: Record<string, string> = {
  active: 'Recovering',
  recovered: 'Recovered',
  exhausted: 'Not recovered',
  canceled: 'Canceled',
  churned: 'Churned',
};

export function statusLabel(status: string, paused = false): string {
  return paused ? 'Paused' : (STATUS_LABELS[status] ?? status);
}

const METHOD_LABELS: Record<string, string> = {
  our_retry: 'Smart retry',
  card_update: 'Card update',
  customer_payment: 'Customer paid',
  stripe_retry: "Stripe's retry",
  merchant: 'You',
};

export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}

/** A difference of two shares in percentage points: {estimate: 0.123, low: 0.041, high: 0.205} → "+12.3 points (95 % CI +4.1 to +20.5)". */
export function formatPoints(difference: { estimate: number; low: number; high: number }): string {
  const points = (share: number) => {
    const rounded = Math.round(share * 1000) / 10;
    return `${rounded > 0 ? '+' : ''}${rounded === 0 ? 0 : rounded}`;
  };
  return `${points(difference.estimate)} points (95 % CI ${points(difference.low)} to ${points(difference.high)})`;
}

/** A calendar day, as a renewal date reads: "Dec 1, 2026" (UTC, as Stripe bills). */
export function formatDay(iso: string | null, locale = 'en-US'): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));
}
