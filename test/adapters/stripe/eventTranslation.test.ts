import { translateStripeEvent, invoiceLinkInPayload, type StripeEventEnvelope } from '../../../backend/src/adapters/stripe';
import { invoice, paymentIntent, stripeEvent, T0 } from '../../support/stripeEventBuilders';

const envelope = (type: string, object: Record<string, unknown>, previous?: Record<string, unknown>) =>
  stripeEvent(type, object, { id: 'evt_1', ...(previous ? { previous } : {}) }) as unknown as StripeEventEnvelope;

describe('translating Stripe events into billing facts', () => {
  it('reads a current-shape invoice failure: subscription from parent, amount remaining, Stripe’s next attempt', () => {
    const facts = translateStripeEvent(envelope('invoice.payment_failed', invoice({ id: 'in_1', amount_remaining: 1500, attempt_count: 2, next_payment_attempt: T0 + 86400 })));
    expect(facts).toEqual([
      expect.objectContaining({
        kind: 'payment_failed',
        target: { kind: 'invoice', invoiceId: 'in_1' },
        amountMinor: 1500,
        subscriptionId: 'sub_alice',
        stripeAttemptCount: 2,
        nextStripeRetryAt: new Date((T0 + 86400) * 1000),
        needsCustomerAction: false,
        occurredAt: new Date(T0 * 1000),
      }),
    ]);
  });

  it('reads the older invoice shape with a top-level subscription', () => {
    const [fact] = translateStripeEvent(envelope('invoice.payment_failed', invoice({ id: 'in_1', parent: null, subscription: 'sub_old' })));
    expect(fact).toMatchObject({ subscriptionId: 'sub_old' });
  });

  it('marks invoice.payment_action_required as needing the customer', () => {
    const [fact] = translateStripeEvent(envelope('invoice.payment_action_required', invoice({ id: 'in_1' })));
    expect(fact).toMatchObject({ kind: 'payment_failed', needsCustomerAction: true });
  });

  it('ignores a failure event whose invoice is already paid', () => {
    expect(translateStripeEvent(envelope('invoice.payment_failed', invoice({ id: 'in_1', status: 'paid' })))).toEqual([]);
  });

  it.each([
    ['invoice.paid', 'payment_succeeded'],
    ['invoice.payment_succeeded', 'payment_succeeded'],
    ['invoice.voided', 'invoice_voided'],
    ['invoice.marked_uncollectible', 'marked_uncollectible'],
  ])('turns %s into %s', (type, kind) => {
    expect(translateStripeEvent(envelope(type, invoice({ id: 'in_1' })))[0]).toMatchObject({ kind, target: { kind: 'invoice', invoiceId: 'in_1' } });
  });

  it('carries decline codes, network codes and the card from a payment intent failure', () => {
    const intent = paymentIntent({
      id: 'pi_1',
      last_payment_error: {
        code: 'card_declined',
        decline_code: 'do_not_honor',
        advice_code: 'try_again_later',
        network_decline_code: '05',
        network_advice_code: '24',
        message: 'Declined',
        payment_method: { id: 'pm_1', card: { brand: 'mastercard', last4: '4444', fingerprint: 'fp_mc' } },
      },
    });
    const [fact] = translateStripeEvent(envelope('payment_intent.payment_failed', intent), { known: true, invoiceId: 'in_9' });
    expect(fact).toMatchObject({
      kind: 'payment_failed',
      target: { kind: 'invoice', invoiceId: 'in_9' },
      decline: { code: 'card_declined', declineCode: 'do_not_honor', adviceCode: 'try_again_later', networkDeclineCode: '05', networkAdviceCode: '24', message: 'Declined' },
      card: { paymentMethodId: 'pm_1', brand: 'mastercard', last4: '4444', fingerprint: 'fp_mc' },
    });
  });

  it('treats a payment intent with no invoice as a one-time payment', () => {
    const [fact] = translateStripeEvent(envelope('payment_intent.payment_failed', paymentIntent({ id: 'pi_1' })), { known: true, invoiceId: null });
    expect(fact).toMatchObject({ target: { kind: 'one_time_payment', paymentIntentId: 'pi_1' } });
  });

  it('translates nothing for a payment intent whose invoice is still unknown', () => {
    expect(translateStripeEvent(envelope('payment_intent.payment_failed', paymentIntent({ id: 'pi_1' })), { known: false })).toEqual([]);
  });

  it('finds the invoice link in older payloads and reports it unknown in current ones', () => {
    expect(invoiceLinkInPayload(paymentIntent({ id: 'pi_1', invoice: 'in_7' }))).toEqual({ known: true, invoiceId: 'in_7' });
    expect(invoiceLinkInPayload(paymentIntent({ id: 'pi_1', invoice: null }))).toEqual({ known: true, invoiceId: null });
    expect(invoiceLinkInPayload(paymentIntent({ id: 'pi_1' }))).toEqual({ known: false });
  });

  it('reads a subscription update: status change, new default card, and cancellation', () => {
    const subscription = { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active', default_payment_method: 'pm_new' };
    const facts = translateStripeEvent(envelope('customer.subscription.updated', subscription, { status: 'past_due', default_payment_method: 'pm_old' }));
    expect(facts.map((fact) => fact.kind)).toEqual(['subscription_changed', 'payment_method_changed']);
    expect(facts[1]).toMatchObject({ source: 'subscription_default_changed', paymentMethodId: 'pm_new', subscriptionId: 'sub_1' });
    const canceled = translateStripeEvent(envelope('customer.subscription.updated', { ...subscription, status: 'canceled' }, { status: 'past_due' }));
    expect(canceled).toEqual([expect.objectContaining({ kind: 'subscription_canceled', subscriptionId: 'sub_1' })]);
  });

  it("notices a customer's new default card and ignores other customer updates", () => {
    const customer = { id: 'cus_1', object: 'customer', invoice_settings: { default_payment_method: 'pm_new' } };
    expect(translateStripeEvent(envelope('customer.updated', customer, { invoice_settings: { default_payment_method: 'pm_old' } }))[0]).toMatchObject({
      kind: 'payment_method_changed',
      source: 'customer_default_changed',
      stripeCustomerId: 'cus_1',
    });
    expect(translateStripeEvent(envelope('customer.updated', customer, { email: 'old@example.com' }))).toEqual([]);
  });

  it.each([
    ['payment_method.attached', { id: 'pm_1', object: 'payment_method', customer: 'cus_1' }, 'attached'],
    ['payment_method.automatically_updated', { id: 'pm_1', object: 'payment_method', customer: 'cus_1' }, 'automatically_updated'],
    ['checkout.session.completed', { id: 'cs_1', object: 'checkout.session', mode: 'setup', customer: 'cus_1', setup_intent: 'seti_1' }, 'checkout_setup'],
  ])('turns %s into a payment method change', (type, object, source) => {
    expect(translateStripeEvent(envelope(type, object))[0]).toMatchObject({ kind: 'payment_method_changed', source, stripeCustomerId: 'cus_1' });
  });

  it('ignores a checkout that was a payment, not a card setup', () => {
    expect(translateStripeEvent(envelope('checkout.session.completed', { id: 'cs_1', mode: 'payment', customer: 'cus_1' }))).toEqual([]);
  });
});
