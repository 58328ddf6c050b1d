import Stripe from 'stripe';

/** The one API version we speak; webhook endpoints are created with it too. */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/**
 * Builds the official client. `apiBase` points it at a local server
 * (stripe-mock or the sandbox) instead of api.stripe.com.
 */
export function createStripeClient(options: { secretKey: string; apiBase?: string | undefined; timeoutMs?: number }): Stripe {
  renderNoCallSiteStacks();
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

type RequestMaker = (this: unknown, ...args: unknown[]) => unknown;
let callSiteStacksOff = false;

/**
 * The SDK renders its caller's stack on every request (`new Error().stack`),
 * kept for an error that rarely comes; with source maps on, as tsx runs us,
 * that rendering was about a twentieth of a worker's CPU per retry step. Its
 * requests are therefore started with no stack frames to render. Our errors
 * and logs carry their own context (the case, the call), not the SDK's call
 * site. Where a later SDK has no such method, nothing changes.
 */
function renderNoCallSiteStacks(): void {
  if (callSiteStacksOff) return;
  callSiteStacksOff = true;
  const resource = (Stripe as unknown as { StripeResource?: { prototype: { _makeRequest?: RequestMaker } } }).StripeResource?.prototype;
  const makeRequest = resource?._makeRequest;
  if (!resource || !makeRequest) return;
  resource._makeRequest = function (this: unknown, ...args: unknown[]) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return makeRequest.apply(this, args);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}
