import { translateStripeEvent, type StripeEventEnvelope } from '../../../backend/src/adapters/stripe';
import { paymentIntent, stripeEvent, T0 } from '../../support/stripeEventBuilders';

const envelope = (type: string, object: Record<string, unknown>) => stripeEvent(type, object, { id: 'evt_1' }) as unknown as StripeEventEnvelope;

describe('translating one-time payment intents', () => {
  it('keeps a failed one-time payment’s order fields on the fact', () => {
    const intent = paymentIntent({ id: 'pi_1', metadata: { order_id: 'ord_42', items: 3 }, description: 'Order ord_42' });
    const [fact] = translateStripeEvent(envelope('payment_intent.payment_failed', intent), { known: true, invoiceId: null });
    expect(fact).toMatchObject({ target: { kind: 'one_time_payment', paymentIntentId: 'pi_1' }, order: { metadata: { order_id: 'ord_42' }, description: 'Order ord_42' } });
  });

  it('carries who paid what for which order on a one-time payment’s success', () => {
    const intent = paymentIntent({ id: 'pi_2', status: 'succeeded', amount: 2500, amount_received: 2500, customer: 'cus_1', metadata: { orderId: 'ord_42' }, description: null });
    const [fact] = translateStripeEvent(envelope('payment_intent.succeeded', intent), { known: true, invoiceId: null });
    expect(fact).toEqual({
      kind: 'payment_succeeded',
      eventId: 'evt_1',
      occurredAt: new Date(T0 * 1000),
      target: { kind: 'one_time_payment', paymentIntentId: 'pi_2' },
      paidOutOfBand: false,
      stripeAttemptCount: null,
      payment: { paymentIntentId: 'pi_2', stripeCustomerId: 'cus_1', amountMinor: 2500, currency: 'usd', order: { metadata: { orderId: 'ord_42' }, description: null }, paidAt: new Date(T0 * 1000) },
    });
  });

  it.each([
    ['an invoice’s payment', { known: true, invoiceId: 'in_1' } as const],
    ['a payment not known to be one-time', { known: false } as const],
  ])('never offers %s to settle one-time cases', (_name, link) => {
    const [fact] = translateStripeEvent(envelope('payment_intent.succeeded', paymentIntent({ id: 'pi_2', status: 'succeeded' })), link);
    expect(fact).toMatchObject({ kind: 'payment_succeeded', target: { kind: 'one_time_payment', paymentIntentId: 'pi_2' }, payment: null });
  });
});
