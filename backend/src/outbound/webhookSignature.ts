import { createHmac } from 'node:crypto';

/** The header merchants' receivers check (see verifyRecoveryWebhook and docs/webhooks.md). */
export const SIGNATURE_HEADER = 'Recovery-Signature';

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`: one HMAC-SHA256 of "t.body" per
 * secret that signs right now (two while a rotation overlaps), Stripe's scheme.
 * Example: signatureHeader('{"id":"evt_rec_1"}', ['whsec_a'], 2026-01-01T00:00:00Z)
 *   → "t=1767225600,v1=5f0c…".
 */
export function signatureHeader(body: string, secrets: readonly string[], at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}
