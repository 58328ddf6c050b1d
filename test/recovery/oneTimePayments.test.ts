import type { Json } from '../../devservices/stripe-sandbox/sandboxState';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * One-time payments (a payment intent with no invoice) against the Stripe
 * sandbox: a checkout fails, a case opens, and whatever the customer does
 * next, the order is charged at most once and never off-session without the
 * customer's consent.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-04-16T14:00:00Z');
let world: RecoveryWorld;
beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(() => world.stop());

const theCase = async () => {
  const found = await db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();
  expect(found).toHaveLength(1);
  return found[0]!;
};
const summaries = (found: Json) => (found.timeline as Array<{ summary: string }>).map((entry) => entry.summary);

/** A customer whose checkout card declines once (processing_error) and would succeed if charged again. */
function checkoutCustomer() {
  const customer = world.sandbox.billing.createCustomer('platform', { email: 'alice@example.com', name: 'Alice Martin', address: { country: 'US' } });
  const card = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' } });
  return { customerId: customer.id as string, cardId: card.id as string };
}

/** The customer's checkout: a payment intent confirmed on-session; a decline leaves it failed. */
function checkout(params: Json): Json {
  try {
    return world.sandbox.billing.paymentIntents.create('platform', { currency: 'usd', confirm: true, receipt_email: 'alice@example.com', ...params }, null);
  } catch (error) {
    return (error as { body: { payment_intent: Json } }).body.payment_intent;
  }
}

/** Successful charges of any of these payment intents. */
const paidCharges = (intentIds: string[]) => world.sandbox.state.charges.filter((charge) => intentIds.includes(charge.paymentIntent) && charge.outcome === 'succeeded');

describe('one-time payments', () => {
  it('closes the case when the customer pays the same order with a new payment intent, and charges the order once', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 2500, customer: customerId, payment_method: cardId, setup_future_usage: 'off_session', metadata: { order_id: 'ord_42' }, description: 'Order ord_42' });
    await world.settle();
    await world.runDue();
    expect(await theCase()).toMatchObject({ status: 'active', target: { kind: 'one_time_payment', paymentIntentId: failed.id } });

    // The customer comes back and pays the order with a new card; Stripe saves it (payment_method.attached).
    const paid = checkout({ amount: 2500, customer: customerId, payment_method: 'pm_card_visa', setup_future_usage: 'off_session', metadata: { order_id: 'ord_42' }, description: 'Order ord_42' });
    expect(paid.status).toBe('succeeded');
    await world.runUntil(new Date(start.getTime() + 10 * DAY));

    expect(paidCharges([failed.id as string, paid.id as string])).toHaveLength(1);
    const closed = await theCase();
    expect(closed).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'customer_payment' }, ourAttempts: [] });
    expect(summaries(closed)).toEqual(expect.arrayContaining([expect.stringContaining(`paid with another payment, ${String(paid.id)}, same order ord_42`)]));
  });

  it('matches the other payment by customer, amount and currency within 7 days when the order carries no reference', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 1999, customer: customerId, payment_method: cardId, setup_future_usage: 'off_session' });
    await world.settle();
    await world.runDue();
    world.clock.advance(2 * DAY);
    const paid = checkout({ amount: 1999, customer: customerId, payment_method: 'pm_card_visa', setup_future_usage: 'off_session' });
    await world.runUntil(new Date(start.getTime() + 10 * DAY));

    expect(paidCharges([failed.id as string, paid.id as string])).toHaveLength(1);
    const closed = await theCase();
    expect(closed).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'customer_payment' }, ourAttempts: [] });
    expect(summaries(closed)).toEqual(expect.arrayContaining([expect.stringContaining('same customer, amount and currency within 7 days')]));
  });

  it('finds at Stripe the order paid another way when its payment_intent.succeeded has not arrived yet', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 2500, customer: customerId, payment_method: cardId, setup_future_usage: 'off_session', metadata: { order_id: 'ord_42' } });
    await world.settle();
    await world.runDue();
    world.clock.advance(60 * 60 * 1000);
    // The customer saves a card (which makes the worker want to retry now) and pays the order with it; that payment's events lag.
    const card = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
    world.sandbox.billing.attach('platform', card.id as string, customerId, null);
    world.sandbox.billing.paymentIntents.recordSetup('platform', customerId, card, 'off_session');
    await world.settle();
    world.sandbox.events.hold();
    const paid = checkout({ amount: 2500, customer: customerId, payment_method: card.id, metadata: { order_id: 'ord_42' } });
    await world.runDue();

    expect(paidCharges([failed.id as string, paid.id as string])).toHaveLength(1);
    const closed = await theCase();
    expect(closed).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'customer_payment' }, ourAttempts: [] });
    expect(summaries(closed)).toEqual(expect.arrayContaining([expect.stringContaining(`paid with another payment, ${String(paid.id)}, same order ord_42`)]));
  });

  it('re-reads the payment intent before confirming: one Stripe already shows as paid is closed, never confirmed', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 2500, customer: customerId, payment_method: cardId, setup_future_usage: 'off_session' });
    await world.settle();
    await world.runDue();
    // The customer completes the same payment intent on-session; every webhook about it is lost.
    world.sandbox.events.hold();
    world.sandbox.billing.paymentIntents.confirm('platform', failed.id as string, { payment_method: 'pm_card_visa' }, null);
    await world.runUntil(new Date(start.getTime() + 10 * DAY));

    expect(paidCharges([failed.id as string])).toHaveLength(1);
    expect(world.ourCharges()).toHaveLength(0);
    expect(await theCase()).toMatchObject({ status: 'recovered', ourAttempts: [] });
  });

  it('never confirms off-session a payment the customer did not set up for later use: the case waits for the customer', async () => {
    const { customerId, cardId } = checkoutCustomer();
    checkout({ amount: 2500, customer: customerId, payment_method: cardId });
    await world.settle();
    await world.runDue();
    // A card the customer saves in passing (not for off-session use) changes nothing either.
    world.sandbox.billing.attach('platform', 'pm_card_mastercard', customerId, null);
    await world.runUntil(new Date(start.getTime() + 5 * DAY));

    expect(world.ourCharges()).toHaveLength(0);
    const waiting = await theCase();
    expect(waiting).toMatchObject({ status: 'active', ourAttempts: [], plannedAction: { kind: 'wait_for_new_payment_method', at: null } });
    expect((waiting.plannedAction as { reason: string }).reason).toMatch(/not set up for charges without the customer/);
  });

  it('charges a waiting payment once the customer saves a card for off-session use on the card-update page', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 2500, customer: customerId, payment_method: cardId });
    await world.settle();
    await world.runDue();
    world.clock.advance(60 * 60 * 1000);
    // What the sandbox's Billing Portal does when the customer saves a card (a SetupIntent with usage off_session).
    const card = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
    world.sandbox.billing.attach('platform', card.id as string, customerId, null);
    world.sandbox.billing.paymentIntents.recordSetup('platform', customerId, card, 'off_session');
    await world.runUntil(new Date(start.getTime() + 5 * DAY));

    expect(world.ourCharges().map((charge) => [charge.paymentIntent, charge.paymentMethod, charge.outcome])).toEqual([[failed.id, card.id, 'succeeded']]);
    expect(await theCase()).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'card_update' } });
  });

  it('retries by schedule a payment the customer set up for off-session use', async () => {
    const { customerId, cardId } = checkoutCustomer();
    const failed = checkout({ amount: 2500, customer: customerId, payment_method: cardId, setup_future_usage: 'off_session' });
    await world.runUntil(new Date(start.getTime() + 10 * DAY));

    expect(world.ourCharges().map((charge) => [charge.paymentIntent, charge.outcome])).toEqual([[failed.id, 'succeeded']]);
    expect(await theCase()).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'our_retry' } });
  });
});
