import { createRecoveryWorld } from '../support/recoveryWorld';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Only a Stripe account that installed the App (or the self-hosted account)
 * is a merchant. Install and uninstall count in the order Stripe created them.
 */
const db = useTestDatabase();
const DAY = 86_400_000;

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
});

describe('events of a connected account that never installed the App', () => {
  it('open no case, create no account, charge nothing and email no one, and are recorded as ignored with the reason', async () => {
    const start = new Date('2026-04-16T14:00:00Z');
    const world = await createRecoveryWorld(db.connection, { start });
    try {
      const account = 'acct_never_installed';
      // Built by hand rather than with customerWithCard, which installs the App for its account.
      const customer = world.sandbox.billing.createCustomer(account, { email: 'stranger@example.com', name: 'Sam Stranger', address: { country: 'US' } });
      const card = world.sandbox.billing.createPaymentMethod(account, { brand: 'visa', behaviour: { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'succeed' } });
      world.sandbox.billing.attach(account, card.id as string, customer.id as string, null);
      world.sandbox.billing.updateCustomer(account, customer.id as string, { invoice_settings: { default_payment_method: card.id } }, null);
      const subscription = world.sandbox.billing.createSubscription(account, { customer: customer.id as string, amount: 4900, currency: 'usd', default_payment_method: null });
      world.sandbox.billing.renew(account, subscription.id as string);
      await world.runUntil(new Date(start.getTime() + 30 * DAY));

      expect(await db.connection.collection('accounts').countDocuments({ accountId: account })).toBe(0);
      expect(await db.connection.collection('recoveryCases').countDocuments({})).toBe(0);
      expect(world.ourCharges()).toHaveLength(0);
      expect(world.postmark.state.emails).toHaveLength(0);
      const records = await db.connection.collection('stripeEvents').find({ accountId: account, type: 'invoice.payment_failed' }).toArray();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ status: 'ignored', outcome: expect.stringMatching(/has not installed the App/) });
    } finally {
      await world.stop();
    }
  });
});

describe('install and uninstall in the order Stripe created them', () => {
  it('keeps an account uninstalled when its authorized event arrives after a later deauthorized one', async () => {
    const testApp = await createTestApp(db.connection);
    const account = 'acct_late_install';
    await testApp.deliver(stripeEvent('account.application.deauthorized', { id: 'ca_app', object: 'application' }, { account, created: T0 + 60 }));
    await testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account, created: T0 }));
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_after_uninstall' }), { account, created: T0 + 120 }));

    expect(await db.connection.collection('accounts').findOne({ accountId: account, livemode: false })).toMatchObject({ status: 'uninstalled' });
    expect(await db.connection.collection('recoveryCases').countDocuments({ accountId: account })).toBe(0);
  });
});
