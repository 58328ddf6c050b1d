export { createStripeWebhookRoutes, MAX_WEBHOOK_BODY_BYTES } from './stripeWebhookRoutes';
export { createStripeEventProcessor, type StripeEventProcessor } from './stripeEventProcessor';
export { createStripeEventStore, type EarlierFailure, type FailedEventFilter, type FinishedEvent, type StripeEventStore, type StoredStripeEvent, type StoredEventStatus } from './stripeEventStore';
export { lanesOf, mayTouchSameCase, type EventLane } from './eventLanes';
export { createBatchTurns, createLaneTurns, type BatchTurns, type LaneTurns } from './laneTurns';
export { INTAKE_FIRST_MAX_PAUSE_MS, INTAKE_FIRST_MAX_WAIT_MS, pauseAfterBatch, type HandledBatch, type IntakeFirstPolicy } from './intakeFirst';
export { eventLeaseMs, nextEventAttemptAt, MAX_EVENT_ATTEMPTS } from './retryBackoff';
