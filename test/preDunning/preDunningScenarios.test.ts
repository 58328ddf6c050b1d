import request from 'supertest';
import type { RenewalCard } from '../../backend/src/renewals';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Pre-dunning against the real database, the Stripe sandbox and the Postmark
 * receiver, time driven by the test clock. Renewals are put in the store as
 * intake would (applySubscription, applyCustomer, setCard); the emails counted
 * are the ones Postmark really caught.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

afterEach(async () => {
  await world?.stop();
});

async function openWorld(livemode: boolean) {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts', 'emailSuppressions', 'renewals', 'customerContacts'].map((name) => db.connection.collection(name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start, livemode });
  return world;
}

const expiring = (paymentMethodId: string): RenewalCard => ({ paymentMethodId, fingerprint: `fp_${paymentMethodId}`, brand: 'visa', last4: '4242', expMonth: 5, expYear: 2026, funding: 'credit', country: 'US' });

/** A renewal as intake records it: an active subscription renewing at `renewsAt` (in June), its customer, and a card that expires 05/2026. */
async function aRenewalOf(customer: { customerId: string; subscriptionId: string; paymentMethodId: string }, renewsAt: Date, livemode: boolean, email = 'alice@example.com') {
  const tenancy = { accountId: SELF_HOSTED_ACCOUNT, livemode };
  const at = world.clock.now();
  await world.container.renewals.applySubscription({ ...tenancy, isAppInstall: false, subscriptionId: customer.subscriptionId, customerId: customer.customerId, status: 'active', cancelAtPeriodEnd: false, renewsAt, amountMinor: 4900, currency: 'usd', at });
  await world.container.renewals.applyCustomer({ ...tenancy, customerId: customer.customerId, email, name: 'Alice Martin', country: 'US', at });
  await world.container.renewals.setCard(tenancy, customer.subscriptionId, expiring(customer.paymentMethodId), 'customer', at);
  return () => world.container.renewals.get(tenancy, customer.subscriptionId);
}

/** Runs both pre-dunning jobs once, as the worker would. */
async function runReminders(): Promise<void> {
  await world.container.preDunning.planUpcoming();
  while ((await world.container.preDunning.runDue(50)) > 0);
}

const reminders = () => world.postmark.state.emails.filter((email) => email.tag?.startsWith('pre-dunning-'));

describe('pre-dunning: a card that expires before the renewal', () => {
  it('reminds the customer 30, 14 and 3 days before, in their daytime, then never again', async () => {
    await openWorld(true);
    const customer = { customerId: 'cus_expiring', subscriptionId: 'sub_expiring', paymentMethodId: 'pm_expiring' };
    const renewsAt = new Date(start.getTime() + 35 * DAY);
    const renewal = await aRenewalOf(customer, renewsAt, true);

    for (let day = 0; day <= 36; day += 1) {
      world.clock.set(new Date(start.getTime() + day * DAY));
      await runReminders();
    }

    expect(reminders().map((email) => [email.to, email.tag])).toEqual([
      ['alice@example.com', 'pre-dunning-step-1'],
      ['alice@example.com', 'pre-dunning-step-2'],
      ['alice@example.com', 'pre-dunning-step-3'],
    ]);
    const sent = (await renewal())!.preDunning.sent;
    expect(sent.map((reminder) => [reminder.daysBefore, reminder.at.toISOString(), reminder.recordedOnly])).toEqual([
      [30, '2026-05-09T14:00:00.000Z', false],
      [14, '2026-05-25T14:00:00.000Z', false],
      [3, '2026-06-05T14:00:00.000Z', false],
    ]);
    expect(reminders()[0]!.subject).toBe('Your card ending 4242 expires before your next our service payment');
    expect(reminders()[0]!.metadata).toMatchObject({ accountId: SELF_HOSTED_ACCOUNT, kind: 'pre_dunning', subscriptionId: 'sub_expiring', step: '0' });
  });

  it("sends nothing once the card is updated, and the email's link opens the renewal page", async () => {
    await openWorld(true);
    const customer = { customerId: 'cus_updates', subscriptionId: 'sub_updates', paymentMethodId: 'pm_updates' };
    const renewal = await aRenewalOf(customer, new Date(start.getTime() + 30 * DAY), true);
    await runReminders();
    expect(reminders()).toHaveLength(1);

    const link = /(\/update\?token=[\w.-]+)/.exec(reminders()[0]!.textBody!)![1]!;
    const page = await request(world.backend.server).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Update your card before your renewal');
    expect(page.text).toContain('(Visa ending 4242) expires 05/2026, before your renewal of <strong>49.00 USD</strong>');

    // As the account updater (or the customer) does: a card that outlives the renewal.
    await world.container.renewals.stopReminders((await renewal())!.id, 'card_updated_by_network', world.clock.now());
    for (let day = 1; day <= 20; day += 1) {
      world.clock.set(new Date(start.getTime() + day * DAY));
      await runReminders();
    }
    expect(reminders()).toHaveLength(1);
    expect((await request(world.backend.server).get(link)).text).toContain('Nothing to do');
  });

  it('sends no reminder for a card that lasts through the renewal', async () => {
    await openWorld(true);
    const customer = { customerId: 'cus_lasting', subscriptionId: 'sub_lasting', paymentMethodId: 'pm_lasting' };
    const renewal = await aRenewalOf(customer, new Date(start.getTime() + 20 * DAY), true);
    await world.container.renewals.setCard({ accountId: SELF_HOSTED_ACCOUNT, livemode: true }, customer.subscriptionId, { ...expiring('pm_lasting'), expYear: 2029 }, 'customer', new Date(start.getTime() + 1000));
    await runReminders();
    expect(reminders()).toHaveLength(0);
    expect((await renewal())!.preDunning.nextReminderAt).toBeNull();
  });
});

describe('one email a day per customer across pre-dunning and dunning', () => {
  const expiredCard = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' as const };

  it('holds a dunning email until the next daytime after a reminder the same day', async () => {
    await openWorld(true);
    const customer = world.customerWithCard('platform', expiredCard);
    const email = world.sandbox.billing.customer('platform', customer.customerId).email as string;
    await aRenewalOf(customer, new Date(start.getTime() + 30 * DAY), true, email);
    await runReminders();
    expect(reminders()).toHaveLength(1);

    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 6 * 60 * 60_000));
    const dunning = () => world.postmark.state.emails.filter((caught) => caught.tag?.startsWith('dunning-'));
    expect(dunning()).toHaveLength(0);

    await world.runUntil(new Date(start.getTime() + DAY));
    expect(dunning().map((caught) => caught.to)).toEqual([email]);
    const [found] = await db.connection.collection('recoveryCases').find({ stripeCustomerId: customer.customerId }).toArray();
    // Tuesday 09:00 in New York, the customer's next daytime.
    expect((found!.emails as Array<{ sentAt: Date }>)[0]!.sentAt.toISOString()).toBe('2026-05-05T13:00:00.000Z');
  });

  it('holds a reminder until the next daytime after a dunning email the same day', async () => {
    await openWorld(true);
    const customer = world.customerWithCard('platform', expiredCard);
    const email = world.sandbox.billing.customer('platform', customer.customerId).email as string;
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 60_000));
    expect(world.postmark.state.emails.filter((caught) => caught.tag?.startsWith('dunning-'))).toHaveLength(1);

    const renewal = await aRenewalOf({ ...customer, subscriptionId: 'sub_other_plan' }, new Date(start.getTime() + 30 * DAY), true, email);
    await runReminders();
    expect(reminders()).toHaveLength(0);
    expect((await renewal())!.preDunning.nextReminderAt!.toISOString()).toBe('2026-05-05T13:00:00.000Z');

    world.clock.set(new Date('2026-05-05T13:00:00Z'));
    await runReminders();
    expect(reminders().map((caught) => caught.to)).toEqual([email]);
  });
});

describe('pre-dunning in test mode', () => {
  it('records each reminder on the renewal and sends it to no customer', async () => {
    await openWorld(false);
    const customer = { customerId: 'cus_test_mode', subscriptionId: 'sub_test_mode', paymentMethodId: 'pm_test_mode' };
    const renewal = await aRenewalOf(customer, new Date(start.getTime() + 30 * DAY), false);
    await runReminders();
    expect(world.postmark.state.emails).toHaveLength(0);
    const [recorded] = (await renewal())!.preDunning.sent;
    expect(recorded).toMatchObject({ stepIndex: 0, daysBefore: 30, recordedOnly: true, messageId: null, subject: 'Your card ending 4242 expires before your next our service payment' });
    expect(recorded!.textBody).toMatch(/\/update\?token=[\w.-]+/);
  });

  it("delivers only to the Stripe account's own verified address", async () => {
    await openWorld(false);
    // An account record made before any install event reads the email as the account's own (Stripe-Account).
    await world.container.accounts.ensureRecord(SELF_HOSTED_ACCOUNT, false, start);
    world.sandbox.state.setAccountEmail(SELF_HOSTED_ACCOUNT, 'owner@merchant.test');
    const customer = { customerId: 'cus_owner', subscriptionId: 'sub_owner', paymentMethodId: 'pm_owner' };
    const renewal = await aRenewalOf(customer, new Date(start.getTime() + 30 * DAY), false, 'owner@merchant.test');
    await runReminders();
    expect(reminders().map((caught) => caught.to)).toEqual(['owner@merchant.test']);
    expect((await renewal())!.preDunning.sent[0]).toMatchObject({ recordedOnly: false });
  });
});
