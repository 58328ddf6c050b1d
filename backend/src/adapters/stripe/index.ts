export { createStripeClient, STRIPE_API_VERSION } from './stripeClient';
export { verifyStripeEvent, SIGNATURE_TOLERANCE_SECONDS, type StripeEventEnvelope, type SignatureCheck } from './webhookSignature';
export {
  translateStripeEvent,
  invoiceLinkInPayload,
  objectIdOf,
  isHandledEventType,
  HANDLED_EVENT_TYPES,
  type HandledEventType,
  type InvoiceLink,
} from './eventTranslation';
export { createPaymentLookup, type PaymentLookup } from './paymentLookup';
export { createBillingGateway, translateError, type BillingGateway, type AccountRef, type InvoiceSnapshot, type CustomerSnapshot, type PayOutcome, type PaymentIntentSnapshot } from './billingGateway';
export type { PaymentRecord, PaymentRef, LastPaymentAttempt } from './paymentRecords';
export { ensureWebhookEndpoint, WEBHOOK_PATH, type EndpointSetupResult } from './webhookEndpointSetup';
export { verifyAppSignature } from './appSignature';
export { createAccountProfileLookup, type AccountProfileLookup } from './accountProfile';
export { stripeKeysByMode, missingStripeKeyReason, type StripeKeysByMode } from './stripeKeys';
