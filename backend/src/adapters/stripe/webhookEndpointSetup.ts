import type Stripe from 'stripe';
import { HANDLED_EVENT_TYPES } from './eventTranslation';
import { STRIPE_API_VERSION } from './stripeClient';

export const WEBHOOK_PATH = '/api/webhooks/stripe';

export type EndpointSetupResult =
  | { action: 'created'; endpointId: string; url: string; secret: string | null }
  | { action: 'updated' | 'unchanged'; endpointId: string; url: string };

/**
 * Registers our webhook endpoint on a Stripe account with exactly the events
 * the backend handles, or brings an existing endpoint at the same URL up to
 * date. Safe to run twice: the second run finds the endpoint and changes
 * nothing. Stripe shows a signing secret only when it creates an endpoint.
 */
export async function ensureWebhookEndpoint(
  stripe: Stripe,
  options: { publicUrl: string; connect: boolean; apiVersion?: Stripe.WebhookEndpointCreateParams.ApiVersion },
): Promise<EndpointSetupResult> {
  const url = new URL(WEBHOOK_PATH, options.publicUrl).toString();
  const events = [...HANDLED_EVENT_TYPES].sort() as Stripe.WebhookEndpointCreateParams.EnabledEvent[];

  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (endpoint.url !== url) continue;
    const current = [...endpoint.enabled_events].sort();
    const upToDate = current.length === events.length && current.every((event, index) => event === events[index]) && endpoint.status === 'enabled';
    if (upToDate) return { action: 'unchanged', endpointId: endpoint.id, url };
    await stripe.webhookEndpoints.update(endpoint.id, { enabled_events: events, disabled: false });
    return { action: 'updated', endpointId: endpoint.id, url };
  }

  const created = await stripe.webhookEndpoints.create({
    url,
    enabled_events: events,
    api_version: options.apiVersion ?? STRIPE_API_VERSION,
    connect: options.connect,
    description: 'Payment Recovery: failed-payment recovery backend',
  });
  return { action: 'created', endpointId: created.id, url, secret: created.secret ?? null };
}
