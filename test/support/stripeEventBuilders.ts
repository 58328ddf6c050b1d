import Stripe from 'stripe';

/**
 * Stripe-shaped events in the current API shape (invoice.parent.subscription_details,
 * no invoice.subscription), with readable defaults that each test overrides.
 */

export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0) / 1000;

let sequence = 0;
export function nextEventId(): string {
  sequence += 1;
  return `evt_test_${process.pid}_${sequence}`;
}

export interface EventOptions {
  id?: string;
  account?: string;
  created?: number;
  livemode?: boolean;
  previous?: Record<string, unknown>;
}

export function stripeEvent(type: string, object: Record<string, unknown>, options: EventOptions = {}): Record<string, unknown> {
  return {
    id: options.id ?? nextEventId(),
    object: 'event',
    api_version: '2026-10-28.endive',
    type,
    created: options.created ?? T0,
    livemode: options.livemode ?? false,
    ...(options.account ? { account: options.account } : {}),
    data: { object, ...(options.previous ? { previous_attributes: options.previous } : {}) },
  };
}

export function invoice(fields: Partial<Record<string, unknown>> & { id: string }): Record<string, unknown> {
  return {
    object: 'invoice',
    customer: 'cus_alice',
    customer_email: 'alice@example.com',
    amount_due: 4900,
    amount_remaining: 4900,
    currency: 'usd',
    attempt_count: 1,
    next_payment_attempt: null,
    status: 'open',
    paid_out_of_band: false,
    parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_alice' } },
    ...fields,
  };
}

export function paymentIntent(fields: Partial<Record<string, unknown>> & { id: string }): Record<string, unknown> {
  return {
    object: 'payment_intent',
    amount: 4900,
    currency: 'usd',
    customer: 'cus_alice',
    status: 'requires_payment_method',
    last_payment_error: {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      payment_method: { id: 'pm_alice', object: 'payment_method', card: { brand: 'visa', last4: '4242', fingerprint: 'fp_alice' } },
    },
    ...fields,
  };
}

/** Signs a payload the way Stripe does (t=…,v1=HMAC-SHA256), optionally at another time or with another secret. */
export function signPayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp !== undefined ? { timestamp } : {}) });
}
