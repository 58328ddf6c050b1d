import type { CardBehaviour } from '../../devservices/stripe-sandbox/sandboxState';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Pre-dunning end to end: the merchant's customers, cards and subscriptions
 * are real objects of the Stripe sandbox (made through its control routes),
 * every renewal the backend knows comes from the sandbox's signed webhooks,
 * the customer's browser follows the emailed link over HTTP through the
 * Billing Portal, and the emails counted are the ones the Postmark receiver
 * caught. Time is the test clock, moved a day at a time.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;

afterEach(async () => {
  await world?.stop();
});

async function openWorld(livemode: boolean) {
  world = await freshRecoveryWorld(db.connection, { start, livemode, alsoClear: ['renewalOutcomes', 'customerContacts'] });
  return world;
}

/** A call to the sandbox's control API, as the demo and a tester would make it. */
async function sandbox<T = Record<string, unknown>>(path: string, body: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${world.sandbox.url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const EXPIRES_MAY_2026 = { brand: 'visa', last4: '4242', expMonth: 5, expYear: 2026, funding: 'credit', country: 'US' };

/**
 * A US customer whose default Visa ending 4242 expires 05/2026, subscribed at 49.00 USD renewing at
 * `renewsAt` (June): the renewal comes after the card's last day. The backend learns it from the webhooks.
 */
async function subscriberWithCard(renewsAt: Date, options: { email?: string; card?: Record<string, unknown> } = {}) {
  const customer = await sandbox('/customers', { email: options.email ?? 'alice@example.com', name: 'Alice Martin', address: { country: 'US' } });
  const card = await sandbox('/payment_methods', { customer: customer.id, ...EXPIRES_MAY_2026, ...options.card });
  const subscription = await sandbox('/subscriptions', { customer: customer.id, amount: 4900, currency: 'usd', currentPeriodEnd: renewsAt.toISOString() });
  await world.settle();
  return { customerId: customer.id as string, paymentMethodId: card.id as string, subscriptionId: subscription.id as string, email: customer.email as string };
}

const renewalOf = async (subscriptionId: string, livemode = true) => (await world.container.renewals.get({ accountId: SELF_HOSTED_ACCOUNT, livemode }, subscriptionId))!;

/** Runs both pre-dunning jobs once, as the worker would. */
async function runReminders(): Promise<void> {
  await world.container.preDunning.planUpcoming();
  while ((await world.container.preDunning.runDue(50)) > 0);
}

/** Each day at 14:00 UTC from `fromDay` through `toDay` (days after start), the worker's reminder jobs run. */
async function remindDaily(fromDay: number, toDay: number): Promise<void> {
  for (let day = fromDay; day <= toDay; day += 1) {
    world.clock.set(new Date(start.getTime() + day * DAY));
    await runReminders();
  }
}

const reminders = () => world.postmark.state.emails.filter((email) => email.tag?.startsWith('pre-dunning-'));
const emailsTo = (address: string) => world.postmark.state.emails.filter((email) => email.to === address);

describe('pre-dunning: a card that expires before the renewal', () => {
  it('reminds 30, 14 and 3 days before in the daytime; the customer saves a new card through the link and the portal; the renewal is paid on it; no further email', async () => {
    await openWorld(true);
    const renewsAt = new Date(start.getTime() + 35 * DAY);
    const customer = await subscriberWithCard(renewsAt);
    expect(await renewalOf(customer.subscriptionId)).toMatchObject({ renewsAt, card: { paymentMethodId: customer.paymentMethodId, expMonth: 5, expYear: 2026 } });

    await remindDaily(0, 32);
    expect(reminders().map((email) => [email.to, email.tag, email.receivedAt.toISOString()])).toEqual([
      ['alice@example.com', 'pre-dunning-step-1', '2026-05-09T14:00:00.000Z'],
      ['alice@example.com', 'pre-dunning-step-2', '2026-05-25T14:00:00.000Z'],
      ['alice@example.com', 'pre-dunning-step-3', '2026-06-05T14:00:00.000Z'],
    ]);
    expect((await renewalOf(customer.subscriptionId)).preDunning.sent.map((sent) => [sent.daysBefore, sent.recordedOnly])).toEqual([
      [30, false],
      [14, false],
      [3, false],
    ]);
    expect(reminders()[0]!.metadata).toMatchObject({ accountId: SELF_HOSTED_ACCOUNT, kind: 'pre_dunning', subscriptionId: customer.subscriptionId, step: '0' });

    // The customer's browser: the emailed link, the page's form, the sandbox's portal, back to our page.
    const link = /(http:\/\/127\.0\.0\.1:\d+\/update\?token=[\w.-]+)/.exec(reminders()[2]!.textBody!)![1]!;
    const page = await fetch(link);
    const pageText = await page.text();
    expect(page.status).toBe(200);
    expect(pageText).toContain('(Visa ending 4242) expires 05/2026, before your renewal of <strong>$49.00</strong>');
    const token = new URL(link).searchParams.get('token')!;
    const toPortal = await fetch(new URL('/update', link), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(link).origin }, body: new URLSearchParams({ token }).toString() });
    expect(toPortal.status).toBe(303);
    const portal = toPortal.headers.get('location')!;
    expect(portal.startsWith(`${world.sandbox.url}/portal/`)).toBe(true);
    const back = await fetch(portal, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'card=mastercard' });
    const returnUrl = back.headers.get('location')!;
    expect(new URL(returnUrl).pathname).toBe('/update/done');
    const done = await (await fetch(returnUrl)).text();
    expect(done).toContain('Your new card is saved and will be used for your renewal. Nothing was charged today.');
    await world.settle();

    const newCard = world.sandbox.billing.customer('platform', customer.customerId).invoice_settings as { default_payment_method: string };
    expect(newCard.default_payment_method).not.toBe(customer.paymentMethodId);
    expect(world.sandbox.state.charges).toHaveLength(0);
    expect(await renewalOf(customer.subscriptionId)).toMatchObject({
      card: { paymentMethodId: newCard.default_payment_method, brand: 'mastercard', last4: '4444' },
      preDunning: { stoppedBecause: 'card_updated_by_customer', nextReminderAt: null },
    });

    await remindDaily(33, 35);
    await sandbox(`/subscriptions/${customer.subscriptionId}/renew`);
    await world.runUntil(new Date(renewsAt.getTime() + 4 * DAY));
    await remindDaily(36, 40);

    expect(world.sandbox.state.charges).toEqual([expect.objectContaining({ paymentMethod: newCard.default_payment_method, outcome: 'succeeded', at: renewsAt.toISOString() })]);
    expect(await db.connection.collection('recoveryCases').countDocuments({})).toBe(0);
    expect(emailsTo('alice@example.com')).toHaveLength(3);
  });

  it('sends no reminder at all once the account updater renews the card', async () => {
    await openWorld(true);
    const renewsAt = new Date(start.getTime() + 35 * DAY);
    const customer = await subscriberWithCard(renewsAt);
    await runReminders();
    expect((await renewalOf(customer.subscriptionId)).preDunning.nextReminderAt).toEqual(new Date('2026-05-09T14:00:00Z'));

    await sandbox(`/payment_methods/${customer.paymentMethodId}/account_updater`, { expMonth: 5, expYear: 2029 });
    await world.settle();
    expect(await renewalOf(customer.subscriptionId)).toMatchObject({ card: { expYear: 2029 }, preDunning: { stoppedBecause: 'card_updated_by_network', nextReminderAt: null } });

    await remindDaily(1, 35);
    await sandbox(`/subscriptions/${customer.subscriptionId}/renew`);
    await world.settle();
    expect(world.postmark.state.emails).toHaveLength(0);
    expect(world.sandbox.state.charges).toEqual([expect.objectContaining({ paymentMethod: customer.paymentMethodId, outcome: 'succeeded' })]);
  });

  it('sends no reminder for a card that lasts through the renewal', async () => {
    await openWorld(true);
    const customer = await subscriberWithCard(new Date(start.getTime() + 20 * DAY), { card: { expYear: 2029 } });
    await runReminders();
    expect(reminders()).toHaveLength(0);
    expect((await renewalOf(customer.subscriptionId)).preDunning.nextReminderAt).toBeNull();
  });
});

describe('one email a day per customer across pre-dunning and dunning', () => {
  const expiredCard: CardBehaviour = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' };

  /**
   * One customer, two subscriptions: one renews in 30 days on the customer's default card, which expires first
   * (a reminder is due today); the other has its own card, which Stripe declines as expired when it renews today.
   */
  async function customerWithTwoSubscriptions() {
    const reminded = await subscriberWithCard(new Date(start.getTime() + 30 * DAY), { email: 'sam@example.com' });
    const declining = await sandbox('/payment_methods', { customer: reminded.customerId, setDefault: false, brand: 'visa', last4: '0069', behaviour: expiredCard });
    const failing = await sandbox('/subscriptions', { customer: reminded.customerId, amount: 4900, currency: 'usd', default_payment_method: declining.id });
    await world.settle();
    return { ...reminded, failingSubscriptionId: failing.id as string };
  }
  const dunning = () => world.postmark.state.emails.filter((caught) => caught.tag?.startsWith('dunning-'));

  it('holds a dunning email until the next daytime after a reminder the same day', async () => {
    await openWorld(true);
    const customer = await customerWithTwoSubscriptions();
    await runReminders();
    expect(reminders().map((caught) => caught.to)).toEqual(['sam@example.com']);

    await sandbox(`/subscriptions/${customer.failingSubscriptionId}/renew`);
    await world.runUntil(new Date(start.getTime() + 6 * 60 * 60_000));
    expect(dunning()).toHaveLength(0);

    await world.runUntil(new Date(start.getTime() + DAY));
    expect(dunning().map((caught) => caught.to)).toEqual(['sam@example.com']);
    const [found] = await db.connection.collection('recoveryCases').find({ stripeCustomerId: customer.customerId }).toArray();
    // Tuesday 09:00 in New York, the customer's next daytime.
    expect((found!.emails as Array<{ sentAt: Date }>)[0]!.sentAt.toISOString()).toBe('2026-05-05T13:00:00.000Z');
  });

  it('holds a reminder until the next daytime after a dunning email the same day', async () => {
    await openWorld(true);
    const customer = await customerWithTwoSubscriptions();
    await sandbox(`/subscriptions/${customer.failingSubscriptionId}/renew`);
    await world.runUntil(new Date(start.getTime() + 60_000));
    expect(dunning().map((caught) => caught.to)).toEqual(['sam@example.com']);

    await runReminders();
    expect(reminders()).toHaveLength(0);
    expect((await renewalOf(customer.subscriptionId)).preDunning.nextReminderAt!.toISOString()).toBe('2026-05-05T13:00:00.000Z');

    world.clock.set(new Date('2026-05-05T13:00:00Z'));
    await runReminders();
    expect(reminders().map((caught) => caught.to)).toEqual(['sam@example.com']);
  });
});

describe('pre-dunning in test mode', () => {
  it('records each reminder on the renewal and sends it to no customer', async () => {
    await openWorld(false);
    const customer = await subscriberWithCard(new Date(start.getTime() + 30 * DAY));
    await runReminders();
    expect(world.postmark.state.emails).toHaveLength(0);
    const [recorded] = (await renewalOf(customer.subscriptionId, false)).preDunning.sent;
    expect(recorded).toMatchObject({ stepIndex: 0, daysBefore: 30, recordedOnly: true, messageId: null, subject: 'Your card ending 4242 expires before your next our service payment' });
    expect(recorded!.textBody).toMatch(/\/update\?token=[\w.-]+/);
  });

  it("delivers only to the Stripe account's own verified address", async () => {
    await openWorld(false);
    // The self-hosted merchant's Stripe account is the sandbox's platform account.
    await sandbox('/accounts', { email: 'owner@merchant.test' });
    const customer = await subscriberWithCard(new Date(start.getTime() + 30 * DAY), { email: 'owner@merchant.test' });
    await runReminders();
    expect(reminders().map((caught) => caught.to)).toEqual(['owner@merchant.test']);
    expect((await renewalOf(customer.subscriptionId, false)).preDunning.sent[0]).toMatchObject({ recordedOnly: false });
  });
});
