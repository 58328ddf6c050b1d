/** The merchant's webhook endpoints and our deliveries to them. */

/**
 * Every event a merchant's webhook endpoint can subscribe to. A copy of
 * OUTBOUND_EVENT_TYPES in backend/src/outbound/outboundEvent.ts, as the App is
 * bundled and uploaded on its own; test/contract.test.tsx holds the two lists equal.
 */
export const OUTBOUND_EVENT_TYPES = [
  'recovery.case_opened', 'recovery.retry_failed', 'recovery.blocked', 'recovery.needs_attention',
  'recovery.succeeded', 'recovery.failed', 'recovery.email_bounced', 'customer.renewal_at_risk', 'ping',
] as const;

export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Where we post a merchant's events. `enabledEvents` is `['*']` for every event. */
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  description: string | null;
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  /** Why we disabled it (after 3 days of failed deliveries); null when the merchant did, or it is enabled. */
  disabledReason: string | null;
  livemode: boolean;
  createdAt: string;
  /** Until then the previous secret signs too, next to the new one. */
  secretRotationEndsAt: string | null;
}

/** Only the answers to create and rotate carry the signing secret, and only once. */
export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

export type WebhookEndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'enabledEvents' | 'status'>> & { description?: string };

export interface WebhookDeliveryAttempt {
  at: string;
  /** null when no answer came (timeout, refused connection). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** One event on its way to one endpoint, with every attempt so far. */
export interface WebhookDelivery {
  id: string;
  object: 'webhook_delivery';
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'abandoned';
  attempts: WebhookDeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}
