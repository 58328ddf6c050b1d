import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A new card reaches us by webhook (payment_method.attached, customer.updated):
 * it is charged at once, once per case; the same card told about again charges nothing.
 */
const db = useTestDatabase();
const MINUTE = 60_000;
const start = new Date('2026-05-04T14:00:00Z');
let world: RecoveryWorld;
beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(() => world.stop());

describe('a new card told by webhook', () => {
  it('is charged once per case, however often Stripe tells us about it again', async () => {
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.settle();
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(0);

    world.clock.advance(MINUTE);
    // The new card is declined as well, so the case stays open for the repeats to act on.
    const pm = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'repeat_last' } });
    const newCardId = pm.id as string;
    world.sandbox.billing.attach('platform', newCardId, customer.customerId, null);
    world.sandbox.billing.updateCustomer('platform', customer.customerId, { invoice_settings: { default_payment_method: newCardId } }, null);
    await world.settle();
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(1);

    for (let repeat = 0; repeat < 2; repeat += 1) {
      world.clock.advance(5 * MINUTE);
      world.sandbox.billing.attach('platform', newCardId, customer.customerId, null);
      world.sandbox.billing.updateCustomer('platform', customer.customerId, { invoice_settings: { default_payment_method: newCardId } }, null);
      await world.settle();
      await world.runDue();
    }
    const charges = world.ourCharges();
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ paymentMethod: newCardId, fingerprint: (pm.card as { fingerprint: string }).fingerprint });
  });
});

describe('a new card after recovery ended (issue 18)', () => {
  it('reopens an exhausted case whose invoice is still open and charges the new card once', async () => {
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    // The expired card waits for a new one; the 21-day window runs out and the case is closed as exhausted.
    await world.runUntil(new Date(start.getTime() + 23 * 24 * 60 * MINUTE));
    const [closed] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(closed).toMatchObject({ status: 'exhausted' });
    expect(world.ourCharges()).toHaveLength(0);

    const pm = world.sandbox.billing.createPaymentMethod('platform', { brand: 'mastercard', behaviour: { declines: [], then: 'succeed' } });
    const newCardId = pm.id as string;
    for (let repeat = 0; repeat < 2; repeat += 1) {
      world.clock.advance(5 * MINUTE);
      world.sandbox.billing.attach('platform', newCardId, customer.customerId, null);
      world.sandbox.billing.updateCustomer('platform', customer.customerId, { invoice_settings: { default_payment_method: newCardId } }, null);
      await world.settle();
      await world.runDue();
    }
    expect(world.ourCharges()).toHaveLength(1);
    expect(world.ourCharges()[0]).toMatchObject({ paymentMethod: newCardId });
    const [reopened] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(reopened).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'card_update' } });
  });
});
