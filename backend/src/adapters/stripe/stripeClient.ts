import Stripe from 'stripe';

/** The one API version we speak; webhook endpoints are created with it too. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/**
 * Builds the official client. `apiBase` points it at a local server
 * (stripe-mock or the sandbox) instead of api.stripe.com.
 */
export function createStripeClient(options: { secretKey: string; apiBase?: string | undefined; timeoutMs?: number }): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    appInfo: { name: 'stripe-payment-recovery', version: '0.1.0' },
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}
