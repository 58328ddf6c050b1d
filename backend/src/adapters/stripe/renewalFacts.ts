import type { CardFunding, RenewalCard, RenewalFact, SubscriptionState } from '../../renewals';
import { idOf, integer, text, timestamp } from './eventFields';
import type { StripeEventEnvelope } from './webhookSignature';

/**
 * Turns Stripe's events into renewal facts (renewals/renewalFact.ts). Reads
 * both subscription shapes: older API versions keep current_period_end on the
 * subscription, newer ones (basil and later) on each item.
 */

type Json = Record<string, unknown>;

/** The event types renewals learn from (all in HANDLED_EVENT_TYPES). */
export const RENEWAL_EVENT_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.upcoming',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.updated',
  'payment_method.attached',
  'payment_method.automatically_updated',
  'charge.dispute.created',
] as const;

export function translateRenewalFacts(event: StripeEventEnvelope): RenewalFact[] {
  const object = event.data.object;
  const at = new Date(event.created * 1000);
  switch (event.type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const state = subscriptionStateOf(object);
      if (!state) return [];
      return [{ kind: 'subscription', ...state, ...(event.type === 'customer.subscription.deleted' ? { status: 'canceled' } : {}), at }];
    }
    case 'invoice.upcoming': {
      const subscriptionId = subscriptionOfInvoice(object);
      const customerId = idOf(object.customer);
      if (!subscriptionId || !customerId) return [];
      const amountMinor = integer(object.amount_due) ?? integer(object.total) ?? 0;
      return [{ kind: 'upcoming_invoice', subscriptionId, customerId, amountMinor, currency: text(object.currency) ?? 'usd', renewsAt: timestamp(object.next_payment_attempt) ?? timestamp(object.period_end), at }];
    }
    case 'invoice.paid': {
      const subscriptionId = subscriptionOfInvoice(object);
      // A free invoice (a trial's, a full credit) says nothing about whether the card pays.
      if (!subscriptionId || !integer(object.amount_paid)) return [];
      const paidAt = timestamp((object.status_transitions as Json | undefined)?.paid_at) ?? at;
      return [{ kind: 'invoice_paid', subscriptionId, amountMinor: integer(object.amount_paid) ?? 0, paidAt, at }, ...renewalCharge(object, subscriptionId, 'paid', at)];
    }
    case 'invoice.payment_failed': {
      const subscriptionId = subscriptionOfInvoice(object);
      return subscriptionId ? renewalCharge(object, subscriptionId, 'failed', at) : [];
    }
    case 'customer.updated': {
      const customerId = idOf(object);
      if (!customerId) return [];
      const previousSettings = (event.data.previous_attributes ?? {}).invoice_settings as Json | undefined;
      const defaultChanged = previousSettings !== undefined && 'default_payment_method' in previousSettings;
      return [
        {
          kind: 'customer',
          customerId,
          email: text(object.email),
          name: text(object.name),
          country: text((object.address as Json | null | undefined)?.country),
          preferredLocales: Array.isArray(object.preferred_locales) ? object.preferred_locales.filter((tag): tag is string => typeof tag === 'string') : [],
          ...(defaultChanged ? { newDefaultPaymentMethodId: idOf((object.invoice_settings as Json | undefined)?.default_payment_method) } : {}),
          at,
        },
      ];
    }
    case 'payment_method.attached':
    case 'payment_method.automatically_updated': {
      const paymentMethodId = idOf(object);
      if (!paymentMethodId) return [];
      const change = event.type === 'payment_method.attached' ? 'attached' : 'automatically_updated';
      return [{ kind: 'card', change, paymentMethodId, customerId: idOf(object.customer), card: renewalCardOf(object), at }];
    }
    case 'charge.dispute.created': {
      const disputeId = idOf(object);
      if (!disputeId) return [];
      const charge = object.charge as Json | string | null | undefined;
      const paymentIntentId = idOf(object.payment_intent) ?? (charge && typeof charge === 'object' ? idOf(charge.payment_intent) : null);
      const customerId = charge && typeof charge === 'object' ? idOf(charge.customer) : null;
      return [{ kind: 'dispute', disputeId, paymentIntentId, customerId, openedAt: timestamp(object.created) ?? at, at }];
    }
    default:
      return [];
  }
}

/** A subscription object (from an event or a read) in our words; null when it names no id or customer. */
export function subscriptionStateOf(subscription: Json): SubscriptionState | null {
  const subscriptionId = idOf(subscription);
  const customerId = idOf(subscription.customer);
  if (!subscriptionId || !customerId) return null;
  const items = (((subscription.items as Json | undefined)?.data ?? []) as Json[]).filter((item) => item && typeof item === 'object');
  const periodEnds = [subscription.current_period_end, ...items.map((item) => item.current_period_end)].map(timestamp).filter((end): end is Date => end !== null);
  let amountMinor = 0;
  let currency = text(subscription.currency);
  for (const item of items) {
    const price = (item.price ?? item.plan ?? {}) as Json;
    amountMinor += (integer(price.unit_amount) ?? integer(price.amount) ?? 0) * (integer(item.quantity) ?? 1);
    currency ??= text(price.currency);
  }
  return {
    subscriptionId,
    customerId,
    status: text(subscription.status) ?? 'unknown',
    cancelAtPeriodEnd: subscription.cancel_at_period_end === true,
    // The soonest end: with items on different cycles, the next charge comes at the first of them.
    renewsAt: periodEnds.length > 0 ? new Date(Math.min(...periodEnds.map((end) => end.getTime()))) : null,
    amountMinor,
    currency: currency ?? 'usd',
    defaultPaymentMethodId: idOf(subscription.default_payment_method),
  };
}

const FUNDINGS: readonly CardFunding[] = ['credit', 'debit', 'prepaid'];

/** A payment method object's card with its expiry; null for a bare id, a non-card method, or a card without expiry. */
export function renewalCardOf(paymentMethod: unknown): RenewalCard | null {
  if (!paymentMethod || typeof paymentMethod !== 'object') return null;
  const method = paymentMethod as Json;
  const paymentMethodId = idOf(method);
  const card = method.card as Json | null | undefined;
  const expMonth = integer(card?.exp_month);
  const expYear = integer(card?.exp_year);
  if (!paymentMethodId || !card || expMonth === null || expYear === null) return null;
  const funding = text(card.funding);
  return {
    paymentMethodId,
    fingerprint: text(card.fingerprint),
    brand: text(card.brand),
    last4: text(card.last4),
    expMonth,
    expYear,
    funding: funding && (FUNDINGS as readonly string[]).includes(funding) ? (funding as CardFunding) : 'unknown',
    country: text(card.country),
  };
}

/** A renewal's charge outcome, what an account's own risk model learns from; only renewal invoices (subscription_cycle) have one. */
function renewalCharge(invoice: Json, subscriptionId: string, outcome: 'paid' | 'failed', at: Date): RenewalFact[] {
  const invoiceId = idOf(invoice);
  if (invoice.billing_reason !== 'subscription_cycle' || !invoiceId) return [];
  return [{ kind: 'renewal_charge', subscriptionId, invoiceId, outcome, at }];
}

function subscriptionOfInvoice(invoice: Json): string | null {
  const parent = invoice.parent as Json | null | undefined;
  const details = parent?.subscription_details as Json | null | undefined;
  return idOf(details?.subscription) ?? idOf(invoice.subscription);
}
