import type { BillingFact, CardDetails, CaseTarget, DeclineDetails, OrderDetails } from '../../recovery';
import { idOf, integer, text, timestamp } from './eventFields';
import type { StripeEventEnvelope } from './webhookSignature';

/**
 * Turns Stripe's webhook events into our billing facts. Handles both the
 * current invoice shape (basil and later: `parent.subscription_details`) and
 * the older one (`invoice.subscription`, `payment_intent.invoice`), because
 * an endpoint's API version is the merchant's choice, not ours.
 */

type Json = Record<string, unknown>;

/** Every event type we act on; anything else is stored and marked ignored. */
export const HANDLED_EVENT_TYPES = [
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.upcoming',
  'payment_intent.payment_failed',
  'payment_intent.succeeded',
  'payment_method.attached',
  'payment_method.automatically_updated',
  'customer.updated',
  /** Erases what we hold about the customer (privacy/): see translateCustomerDeletion. */
  'customer.deleted',
  'charge.dispute.created',
  'checkout.session.completed',
  'account.application.authorized',
  'account.application.deauthorized',
] as const;

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export function isHandledEventType(type: string): type is HandledEventType {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

/** Which invoice a payment intent belongs to: an id, none (a one-time payment), or unknown until asked. */
export type InvoiceLink = { known: true; invoiceId: string | null } | { known: false };

/**
 * Older API versions say which invoice a payment intent paid; current ones do
 * not, and the caller must ask Stripe (invoice payments) before translating.
 */
export function invoiceLinkInPayload(paymentIntent: Json): InvoiceLink {
  if (!('invoice' in paymentIntent)) return { known: false };
  return { known: true, invoiceId: idOf(paymentIntent.invoice) };
}

/** The id of the Stripe object an event is about, for dedupe of settlements and lookups. */
export function objectIdOf(event: StripeEventEnvelope): string | null {
  return idOf(event.data.object);
}

/** Translates one event. For payment_intent.payment_failed and .succeeded, pass the resolved invoice link. */
export function translateStripeEvent(event: StripeEventEnvelope, invoiceLink?: InvoiceLink): BillingFact[] {
  const object = event.data.object;
  const previous = event.data.previous_attributes ?? {};
  const base = { eventId: event.id, occurredAt: new Date(event.created * 1000) };

  switch (event.type) {
    case 'invoice.payment_failed':
    case 'invoice.payment_action_required': {
      const invoiceId = idOf(object);
      if (!invoiceId || object.status === 'paid' || object.status === 'void') return [];
      return [
        {
          ...base,
          kind: 'payment_failed',
          target: { kind: 'invoice', invoiceId },
          amountMinor: amountOwed(object),
          currency: text(object.currency) ?? 'usd',
          stripeCustomerId: idOf(object.customer),
          customerEmail: text(object.customer_email),
          customerName: text(object.customer_name),
          subscriptionId: subscriptionOfInvoice(object),
          decline: null,
          card: null,
          needsCustomerAction: event.type === 'invoice.payment_action_required',
          stripeAttemptCount: integer(object.attempt_count),
          nextStripeRetryAt: timestamp(object.next_payment_attempt),
          hostedInvoiceUrl: httpsUrl(object.hosted_invoice_url),
          attemptKey: null,
        },
      ];
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      const invoiceId = idOf(object);
      if (!invoiceId) return [];
      return [
        {
          ...base,
          kind: 'payment_succeeded',
          target: { kind: 'invoice', invoiceId },
          paidOutOfBand: object.paid_out_of_band === true,
          stripeAttemptCount: integer(object.attempt_count),
        },
      ];
    }
    case 'invoice.voided':
    case 'invoice.marked_uncollectible': {
      const invoiceId = idOf(object);
      if (!invoiceId) return [];
      return [{ ...base, kind: event.type === 'invoice.voided' ? 'invoice_voided' : 'marked_uncollectible', target: { kind: 'invoice', invoiceId } }];
    }
    case 'payment_intent.payment_failed':
      return translatePaymentIntentFailure(object, base, invoiceLink ?? invoiceLinkInPayload(object), event.request?.idempotency_key ?? `event:${event.id}`);
    case 'payment_intent.succeeded':
      return translatePaymentIntentSuccess(object, base, invoiceLink ?? invoiceLinkInPayload(object));
    case 'customer.subscription.deleted': {
      const subscriptionId = idOf(object);
      return subscriptionId ? [{ ...base, kind: 'subscription_canceled', subscriptionId }] : [];
    }
    case 'customer.subscription.updated':
      return translateSubscriptionUpdate(object, previous, base);
    case 'customer.updated': {
      const customerId = idOf(object);
      const previousSettings = previous.invoice_settings as Json | undefined;
      const newDefault = idOf((object.invoice_settings as Json | undefined)?.default_payment_method);
      if (!customerId || !previousSettings || !('default_payment_method' in previousSettings) || !newDefault) return [];
      return [paymentMethodChanged(base, customerId, 'customer_default_changed', newDefault, null)];
    }
    case 'payment_method.attached':
    case 'payment_method.automatically_updated': {
      const customerId = idOf(object.customer);
      if (!customerId) return [];
      const source = event.type === 'payment_method.attached' ? 'attached' : 'automatically_updated';
      return [paymentMethodChanged(base, customerId, source, idOf(object), null, cardOf(object))];
    }
    case 'checkout.session.completed': {
      const customerId = idOf(object.customer);
      if (object.mode !== 'setup' || !customerId) return [];
      return [paymentMethodChanged(base, customerId, 'checkout_setup', idOf((object.setup_intent as Json | undefined)?.payment_method), null)];
    }
    case 'account.application.authorized':
      return [{ ...base, kind: 'app_installed' }];
    case 'account.application.deauthorized':
      return [{ ...base, kind: 'app_uninstalled' }];
    default:
      return [];
  }
}

function translatePaymentIntentFailure(object: Json, base: { eventId: string; occurredAt: Date }, link: InvoiceLink, attemptKey: string): BillingFact[] {
  const paymentIntentId = idOf(object);
  if (!paymentIntentId || !link.known) return [];
  const error = (object.last_payment_error ?? {}) as Json;
  const target: CaseTarget = link.invoiceId
    ? { kind: 'invoice', invoiceId: link.invoiceId }
    : { kind: 'one_time_payment', paymentIntentId };
  const decline = declineOf(error);
  return [
    {
      ...base,
      kind: 'payment_failed',
      target,
      amountMinor: integer(object.amount) ?? 0,
      currency: text(object.currency) ?? 'usd',
      stripeCustomerId: idOf(object.customer),
      customerEmail: text(object.receipt_email),
      customerName: null,
      subscriptionId: null,
      decline,
      card: cardOf(error.payment_method),
      needsCustomerAction: object.status === 'requires_action' || decline?.code === 'authentication_required' || decline?.declineCode === 'authentication_required',
      stripeAttemptCount: null,
      nextStripeRetryAt: null,
      hostedInvoiceUrl: null,
      attemptKey,
      order: link.invoiceId ? null : orderOf(object),
    },
  ];
}

/**
 * Closes the payment intent's own one-time case; when it is known not to pay
 * an invoice, also says who paid what for which order, so a one-time case the
 * customer paid with this new payment intent closes too.
 */
function translatePaymentIntentSuccess(object: Json, base: { eventId: string; occurredAt: Date }, link: InvoiceLink): BillingFact[] {
  const paymentIntentId = idOf(object);
  if (!paymentIntentId) return [];
  const isOneTime = link.known && link.invoiceId === null;
  const payment = isOneTime
    ? { paymentIntentId, stripeCustomerId: idOf(object.customer), amountMinor: integer(object.amount_received) || (integer(object.amount) ?? 0), currency: text(object.currency) ?? 'usd', order: orderOf(object), paidAt: base.occurredAt }
    : null;
  return [{ ...base, kind: 'payment_succeeded', target: { kind: 'one_time_payment', paymentIntentId }, paidOutOfBand: false, stripeAttemptCount: null, payment }];
}

/** The order fields a checkout writes on a payment intent: string metadata and the description. */
export function orderOf(object: Json): OrderDetails {
  const metadata: Record<string, string> = {};
  const raw = object.metadata && typeof object.metadata === 'object' ? (object.metadata as Json) : {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') metadata[key] = value;
  return { metadata, description: text(object.description) };
}

function translateSubscriptionUpdate(object: Json, previous: Json, base: { eventId: string; occurredAt: Date }): BillingFact[] {
  const subscriptionId = idOf(object);
  if (!subscriptionId) return [];
  const status = text(object.status) ?? 'unknown';
  if (status === 'canceled') return [{ ...base, kind: 'subscription_canceled', subscriptionId }];
  const facts: BillingFact[] = [];
  if ('status' in previous) {
    facts.push({ ...base, kind: 'subscription_changed', subscriptionId, status, previousStatus: text(previous.status) });
  }
  const newDefault = idOf(object.default_payment_method);
  const customerId = idOf(object.customer);
  if ('default_payment_method' in previous && newDefault && customerId) {
    facts.push(paymentMethodChanged(base, customerId, 'subscription_default_changed', newDefault, subscriptionId));
  }
  return facts;
}

function paymentMethodChanged(
  base: { eventId: string; occurredAt: Date },
  stripeCustomerId: string,
  source: 'attached' | 'automatically_updated' | 'customer_default_changed' | 'subscription_default_changed' | 'checkout_setup',
  paymentMethodId: string | null,
  subscriptionId: string | null,
  card: CardDetails | null = null,
): BillingFact {
  return { ...base, kind: 'payment_method_changed', stripeCustomerId, source, paymentMethodId, subscriptionId, ...(card ? { card } : {}) };
}

function subscriptionOfInvoice(invoice: Json): string | null {
  const parent = invoice.parent as Json | null | undefined;
  const details = parent?.subscription_details as Json | null | undefined;
  return idOf(details?.subscription) ?? idOf(invoice.subscription);
}

function amountOwed(invoice: Json): number {
  const remaining = integer(invoice.amount_remaining);
  return remaining !== null && remaining > 0 ? remaining : (integer(invoice.amount_due) ?? 0);
}

/** A payment intent's `last_payment_error` in our words; null when it says nothing. */
export function declineOf(error: Json): DeclineDetails | null {
  const decline: DeclineDetails = {};
  const fields = [
    ['code', 'code'],
    ['declineCode', 'decline_code'],
    ['adviceCode', 'advice_code'],
    ['networkDeclineCode', 'network_decline_code'],
    ['networkAdviceCode', 'network_advice_code'],
    ['message', 'message'],
  ] as const;
  for (const [ours, theirs] of fields) {
    const value = text(error[theirs]);
    if (value) decline[ours] = value;
  }
  return Object.keys(decline).length > 0 ? decline : null;
}

/** The card a payment method object names (id, brand, fingerprint, last4); null for a bare id or nothing. */
export function cardOf(paymentMethod: unknown): CardDetails | null {
  if (!paymentMethod || typeof paymentMethod !== 'object') return null;
  const method = paymentMethod as Json;
  const card = (method.card ?? {}) as Json;
  const details: CardDetails = {};
  const id = idOf(method);
  if (id) details.paymentMethodId = id;
  for (const [ours, theirs] of [['brand', 'brand'], ['fingerprint', 'fingerprint'], ['last4', 'last4'], ['country', 'country']] as const) {
    const value = text(card[theirs]);
    if (value) details[ours] = value;
  }
  return Object.keys(details).length > 0 ? details : null;
}


/** Only http(s) links are kept: they end up in emails and on our pages. */
function httpsUrl(value: unknown): string | null {
  return typeof value === 'string' && /^https?:\/\//.test(value) ? value : null;
}
