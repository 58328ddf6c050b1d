export { createStripeWebhookRoutes, MAX_WEBHOOK_BODY_BYTES } from './stripeWebhookRoutes';
export { createStripeEventProcessor, EVENT_LEASE_MS, type StripeEventProcessor } from './stripeEventProcessor';
export { createStripeEventStore, type StripeEventStore, type StoredStripeEvent, type StoredEventStatus } from './stripeEventStore';
export { nextEventAttemptAt, MAX_EVENT_ATTEMPTS } from './retryBackoff';
