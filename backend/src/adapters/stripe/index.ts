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
export { createBillingGateway, translateError } from './billingGateway';
export { ensureWebhookEndpoint, WEBHOOK_PATH, type EndpointSetupResult } from './webhookEndpointSetup';
export { verifyAppSignature } from './appSignature';
export { createAccountProfileLookup } from './accountProfile';
export { stripeKeysByMode, type StripeKeysByMode } from './stripeKeys';
export { translateRenewalFacts, subscriptionStateOf, renewalCardOf, RENEWAL_EVENT_TYPES } from './renewalFacts';
export { translateCustomerDeletion } from './customerDeletion';
