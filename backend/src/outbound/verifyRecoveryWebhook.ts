import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a `Recovery-Signature` header the way a merchant's receiver should:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" under the secret>`, with
 * one `v1` per secret while a secret rotation overlaps. Valid when any `v1`
 * matches and `t` is within `toleranceSeconds` (default 300) of `now`.
 * Depends on node:crypto only, so receivers can copy this one file.
 *
 * Example: verifyRecoveryWebhook(rawBody, req.headers['recovery-signature'], 'whsec_…')
 *   → { valid: true, timestamp: 1767225600 } or { valid: false, reason: 'no_matching_signature' }
 */
export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed_header' | 'no_matching_signature' | 'timestamp_outside_tolerance' };

export function verifyRecoveryWebhook(
  payload: string | Buffer,
  header: string | undefined | null,
  secret: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): WebhookVerification {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '');
  const signatures = parts.filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, value]) => Buffer.from(value!, 'hex'));
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0]!) || signatures.length === 0) return { valid: false, reason: 'malformed_header' };
  const timestamp = Number(timestamps[0]);
  const body = typeof payload === 'string' ? payload : payload.toString('utf8');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
  // Compare every candidate in constant time; which one matched says nothing an attacker can use.
  const matches = signatures.filter((candidate) => timingSafeEqual(candidate, expected)).length > 0;
  if (!matches) return { valid: false, reason: 'no_matching_signature' };
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp_outside_tolerance' };
  return { valid: true, timestamp };
}
