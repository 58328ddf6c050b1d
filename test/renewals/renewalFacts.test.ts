import { HANDLED_EVENT_TYPES, RENEWAL_EVENT_TYPES, translateRenewalFacts } from '../../backend/src/adapters/stripe';
import type { StripeEventEnvelope } from '../../backend/src/adapters/stripe';
import { stripeEvent, T0 } from '../support/stripeEventBuilders';

const at = new Date(T0 * 1000);
const day = 86_400;
const event = (type: string, object: Record<string, unknown>, previous?: Record<string, unknown>) => stripeEvent(type, object, { previous }) as unknown as StripeEventEnvelope;

const card = { brand: 'visa', last4: '4242', exp_month: 3, exp_year: 2027, funding: 'prepaid', country: 'FR', fingerprint: 'fp_1' };
const ourCard = { paymentMethodId: 'pm_1', fingerprint: 'fp_1', brand: 'visa', last4: '4242', expMonth: 3, expYear: 2027, funding: 'prepaid', country: 'FR' };
const item = (fields: Record<string, unknown>) => ({ id: 'si_1', quantity: 2, price: { unit_amount: 1500, currency: 'eur' }, ...fields });
/** Basil and later: the period lives on the items. */
const newerSubscription = { id: 'sub_1', customer: 'cus_1', status: 'active', cancel_at_period_end: false, default_payment_method: null, items: { data: [item({ current_period_end: T0 + 30 * day })] } };
/** Older API versions: on the subscription, with `plan` on items. */
const olderSubscription = { id: 'sub_1', customer: { id: 'cus_1' }, status: 'trialing', cancel_at_period_end: true, current_period_end: T0 + 10 * day, default_payment_method: { id: 'pm_sub' }, items: { data: [{ quantity: 1, plan: { amount: 900, currency: 'usd' } }] } };
const subscriptionFact = (fields: Record<string, unknown>) => ({ kind: 'subscription', subscriptionId: 'sub_1', customerId: 'cus_1', status: 'active', cancelAtPeriodEnd: false, renewsAt: new Date((T0 + 30 * day) * 1000), amountMinor: 3000, currency: 'eur', defaultPaymentMethodId: null, at, ...fields });
const subscriptionInvoice = (fields: Record<string, unknown>) => ({ object: 'invoice', customer: 'cus_1', currency: 'eur', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1' } }, ...fields });

it.each([
  ['customer.subscription.created, period on the items (newer versions)', event('customer.subscription.created', newerSubscription), [subscriptionFact({})]],
  [
    'customer.subscription.updated, period on the subscription (older versions), cancel at period end, own default card',
    event('customer.subscription.updated', olderSubscription, { cancel_at_period_end: false }),
    [subscriptionFact({ status: 'trialing', cancelAtPeriodEnd: true, renewsAt: new Date((T0 + 10 * day) * 1000), amountMinor: 900, currency: 'usd', defaultPaymentMethodId: 'pm_sub' })],
  ],
  [
    'the soonest item period when items run on different cycles',
    event('customer.subscription.updated', { ...newerSubscription, items: { data: [item({ current_period_end: T0 + 30 * day }), item({ current_period_end: T0 + 5 * day, quantity: 1 })] } }),
    [subscriptionFact({ renewsAt: new Date((T0 + 5 * day) * 1000), amountMinor: 4500 })],
  ],
  ['customer.subscription.deleted as canceled whatever its status says', event('customer.subscription.deleted', newerSubscription), [subscriptionFact({ status: 'canceled' })]],
  [
    'invoice.upcoming: the amount and the next attempt',
    event('invoice.upcoming', subscriptionInvoice({ amount_due: 3200, next_payment_attempt: T0 + 30 * day + 3600, period_end: T0 })),
    [{ kind: 'upcoming_invoice', subscriptionId: 'sub_1', customerId: 'cus_1', amountMinor: 3200, currency: 'eur', renewsAt: new Date((T0 + 30 * day + 3600) * 1000), at }],
  ],
  [
    'invoice.paid of a subscription invoice (older shape), paid when its status says',
    event('invoice.paid', { id: 'in_1', object: 'invoice', subscription: 'sub_1', amount_paid: 3000, status_transitions: { paid_at: T0 - 60 } }),
    [{ kind: 'invoice_paid', subscriptionId: 'sub_1', amountMinor: 3000, paidAt: new Date((T0 - 60) * 1000), at }],
  ],
  ['invoice.paid of a one-time invoice: nothing', event('invoice.paid', { id: 'in_2', object: 'invoice', amount_paid: 3000 }), []],
  ['invoice.paid of a free invoice: nothing', event('invoice.paid', subscriptionInvoice({ id: 'in_3', amount_paid: 0 })), []],
  [
    'customer.updated without a new default card: contact details and languages only',
    event('customer.updated', { id: 'cus_1', email: 'a@example.com', name: 'Ana', address: { country: 'BR' }, preferred_locales: ['pt-BR', 'en'] }, { email: 'old@example.com' }),
    [{ kind: 'customer', customerId: 'cus_1', email: 'a@example.com', name: 'Ana', country: 'BR', preferredLocales: ['pt-BR', 'en'], at }],
  ],
  [
    'customer.updated with a new invoice default',
    event('customer.updated', { id: 'cus_1', email: null, address: null, invoice_settings: { default_payment_method: 'pm_2' } }, { invoice_settings: { default_payment_method: 'pm_1' } }),
    [{ kind: 'customer', customerId: 'cus_1', email: null, name: null, country: null, preferredLocales: [], newDefaultPaymentMethodId: 'pm_2', at }],
  ],
  [
    'customer.updated with the default removed',
    event('customer.updated', { id: 'cus_1', invoice_settings: { default_payment_method: null } }, { invoice_settings: { default_payment_method: 'pm_1' } }),
    [{ kind: 'customer', customerId: 'cus_1', email: null, name: null, country: null, preferredLocales: [], newDefaultPaymentMethodId: null, at }],
  ],
  [
    'payment_method.automatically_updated with the whole card',
    event('payment_method.automatically_updated', { id: 'pm_1', object: 'payment_method', customer: 'cus_1', card }),
    [{ kind: 'card', change: 'automatically_updated', paymentMethodId: 'pm_1', customerId: 'cus_1', card: ourCard, at }],
  ],
  [
    'payment_method.attached with an unknown funding and no expiry: the card is read later',
    event('payment_method.attached', { id: 'pm_1', object: 'payment_method', customer: 'cus_1', card: { brand: 'visa', last4: '4242', funding: 'charge' } }),
    [{ kind: 'card', change: 'attached', paymentMethodId: 'pm_1', customerId: 'cus_1', card: null, at }],
  ],
  [
    'a card with a funding Stripe did not know',
    event('payment_method.attached', { id: 'pm_1', object: 'payment_method', customer: null, card: { ...card, funding: 'unknown', fingerprint: null } }),
    [{ kind: 'card', change: 'attached', paymentMethodId: 'pm_1', customerId: null, card: { ...ourCard, funding: 'unknown', fingerprint: null }, at }],
  ],
  ['invoice.payment_failed of a first invoice: nothing, only renewals have an outcome', event('invoice.payment_failed', subscriptionInvoice({ id: 'in_4', billing_reason: 'subscription_create' })), []],
  [
    'invoice.payment_failed of a renewal invoice: the renewal charge failed',
    event('invoice.payment_failed', subscriptionInvoice({ id: 'in_5', billing_reason: 'subscription_cycle' })),
    [{ kind: 'renewal_charge', subscriptionId: 'sub_1', invoiceId: 'in_5', outcome: 'failed', at }],
  ],
  [
    'invoice.paid of a renewal invoice: paid, and the renewal charge paid',
    event('invoice.paid', subscriptionInvoice({ id: 'in_6', billing_reason: 'subscription_cycle', amount_paid: 1500, status_transitions: { paid_at: T0 } })),
    [
      { kind: 'invoice_paid', subscriptionId: 'sub_1', amountMinor: 1500, paidAt: new Date(T0 * 1000), at },
      { kind: 'renewal_charge', subscriptionId: 'sub_1', invoiceId: 'in_6', outcome: 'paid', at },
    ],
  ],
  [
    'charge.dispute.created: the disputed payment intent, the customer to be read at Stripe',
    event('charge.dispute.created', { id: 'dp_1', object: 'dispute', charge: 'ch_1', payment_intent: 'pi_1', reason: 'fraudulent', created: T0 - 60 }),
    [{ kind: 'dispute', disputeId: 'dp_1', paymentIntentId: 'pi_1', customerId: null, openedAt: new Date((T0 - 60) * 1000), at }],
  ],
  [
    'charge.dispute.created with the charge expanded: its customer',
    event('charge.dispute.created', { id: 'dp_2', object: 'dispute', charge: { id: 'ch_2', customer: 'cus_1', payment_intent: { id: 'pi_2' } }, payment_intent: null }),
    [{ kind: 'dispute', disputeId: 'dp_2', paymentIntentId: 'pi_2', customerId: 'cus_1', openedAt: at, at }],
  ],
  ['a subscription without a customer', event('customer.subscription.updated', { ...newerSubscription, customer: null }), []],
])('translates %s', (_name, given, expected) => {
  expect(translateRenewalFacts(given)).toEqual(expected);
});

it('handles every event type renewals learn from', () => {
  expect(RENEWAL_EVENT_TYPES.filter((type) => !(HANDLED_EVENT_TYPES as readonly string[]).includes(type))).toEqual([]);
});
