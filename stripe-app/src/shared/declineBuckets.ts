import type { DeclineBucket } from '../api/contract';

/** The decline buckets in the merchant's words, in the order the views list them (most recoverable first). */
export const DECLINE_BUCKETS: Array<{ bucket: DeclineBucket; label: string }> = [
  { bucket: 'soft', label: 'Temporary (insufficient funds, try again later)' },
  { bucket: 'ambiguous', label: 'Unclear (do not honor, generic decline)' },
  { bucket: 'customer_must_act', label: 'Customer must act (expired card, authentication)' },
  { bucket: 'never_retry', label: 'Never retried (lost, stolen, closed account)' },
  { bucket: 'blocked_by_stripe', label: 'Blocked by Stripe (too many declines)' },
];

export function bucketLabel(bucket: DeclineBucket | null): string {
  return DECLINE_BUCKETS.find((each) => each.bucket === bucket)?.label ?? 'Not known yet';
}
