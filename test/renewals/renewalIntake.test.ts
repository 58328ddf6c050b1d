import pino from 'pino';
import { createRenewalRefresh, type Renewal } from '../../backend/src/renewals';
import { createRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';

/**
 * Renewals kept current from Stripe's signed webhooks, end to end: the
 * sandbox emits the events, the backend's webhook route stores them, the
 * processor applies their renewal facts and reads cards at the sandbox.
 */
const db = useTestDatabase();
const start = new Date('2027-03-01T09:00:00Z');
const ACCOUNT = 'platform';
let world: RecoveryWorld;

beforeAll(async () => {
  world = await createRecoveryWorld(db.connection, { start });
});
afterAll(async () => {
  await world.stop();
});

/** The sandbox's platform account is the self-hosted merchant's own. */
const tenancy = { accountId: SELF_HOSTED_ACCOUNT, livemode: false };

/** A customer whose default card expires in March 2027, subscribed monthly: the first renewal (1 April) comes after the card's last day. */
async function subscriberWithExpiringCard(options: { funding?: 'debit' | 'credit' } = {}) {
  const customer = world.sandbox.billing.createCustomer(ACCOUNT, { email: 'ana@example.com', name: 'Ana Lima', address: { country: 'BR' } });
  const pm = world.sandbox.billing.createPaymentMethod(ACCOUNT, { brand: 'visa', last4: '1111', behaviour: { declines: [], then: 'succeed' }, expMonth: 3, expYear: 2027, funding: options.funding ?? 'debit', country: 'BR' });
  world.sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
  world.sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
  const subscription = world.sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: 1500, currency: 'eur', quantity: 2 });
  await world.settle();
  return { customerId: customer.id as string, paymentMethodId: pm.id as string, subscriptionId: subscription.id as string };
}

async function renewalOf(subscriptionId: string): Promise<Renewal> {
  const found = await world.container.renewals.get(tenancy, subscriptionId);
  if (!found) throw new Error(`no renewal for ${subscriptionId}`);
  return found;
}

/** What pre-dunning would do: plan a reminder, so a stop is visible on a renewal that had one planned. */
async function planReminder(subscriptionId: string) {
  const renewal = await renewalOf(subscriptionId);
  await world.container.renewals.planReminder(renewal.id, new Date('2027-03-02T09:00:00Z'));
}

it('keeps a renewal with its card and renewal date from subscription.created, and stops reminders when the account updater renews the card', async () => {
  const { subscriptionId, paymentMethodId, customerId } = await subscriberWithExpiringCard();
  const created = await renewalOf(subscriptionId);
  expect(created).toMatchObject({
    customerId,
    customerEmail: 'ana@example.com',
    customerName: 'Ana Lima',
    customerCountry: 'BR',
    status: 'active',
    renewsAt: new Date('2027-04-01T09:00:00Z'),
    amountMinor: 3000,
    currency: 'eur',
    cardSource: 'customer',
    card: { paymentMethodId, brand: 'visa', last4: '1111', expMonth: 3, expYear: 2027, funding: 'debit', country: 'BR', fingerprint: expect.any(String) },
  });
  await planReminder(subscriptionId);

  world.sandbox.billing.updateCardByNetwork(ACCOUNT, paymentMethodId, { expMonth: 3, expYear: 2030 });
  await world.settle();
  const updated = await renewalOf(subscriptionId);
  expect(updated.card).toMatchObject({ paymentMethodId, expMonth: 3, expYear: 2030 });
  expect(updated.preDunning).toMatchObject({ stoppedBecause: 'card_updated_by_network', nextReminderAt: null });
});

it('stops reminders when the subscription is set to cancel at period end, and when it is canceled', async () => {
  const ending = await subscriberWithExpiringCard();
  await planReminder(ending.subscriptionId);
  world.sandbox.billing.updateSubscription(ACCOUNT, ending.subscriptionId, { cancel_at_period_end: 'true' }, null);
  const canceled = await subscriberWithExpiringCard();
  world.sandbox.billing.cancelSubscription(ACCOUNT, canceled.subscriptionId, null);
  await world.settle();
  expect(await renewalOf(ending.subscriptionId)).toMatchObject({ cancelAtPeriodEnd: true, preDunning: { stoppedBecause: 'subscription_ended' } });
  expect(await renewalOf(canceled.subscriptionId)).toMatchObject({ status: 'canceled', preDunning: { stoppedBecause: 'subscription_ended' } });
});

it("follows the customer's new default card, stopping reminders when it outlives the renewal", async () => {
  const { subscriptionId, customerId } = await subscriberWithExpiringCard();
  await planReminder(subscriptionId);
  const newCard = world.sandbox.billing.createPaymentMethod(ACCOUNT, { brand: 'mastercard', last4: '4444', behaviour: { declines: [], then: 'succeed' }, expMonth: 9, expYear: 2031 });
  world.sandbox.billing.attach(ACCOUNT, newCard.id as string, customerId, null);
  world.sandbox.billing.updateCustomer(ACCOUNT, customerId, { invoice_settings: { default_payment_method: newCard.id } }, null);
  await world.settle();
  expect(await renewalOf(subscriptionId)).toMatchObject({ card: { paymentMethodId: newCard.id, expYear: 2031, funding: 'credit' }, cardSource: 'customer', preDunning: { stoppedBecause: 'card_updated_by_customer' } });
});

it('takes the amount from invoice.upcoming, and on renewal moves the date on, starts a fresh period and declines the expired card', async () => {
  const { subscriptionId } = await subscriberWithExpiringCard();
  await planReminder(subscriptionId);
  world.sandbox.billing.subscriptions.emitUpcoming(ACCOUNT, subscriptionId);
  await world.settle();
  expect(await renewalOf(subscriptionId)).toMatchObject({ amountMinor: 3000, renewsAt: new Date('2027-04-01T09:00:00Z'), preDunning: { nextReminderAt: new Date('2027-03-02T09:00:00Z') } });

  world.clock.set(new Date('2027-04-01T09:00:00Z'));
  world.sandbox.billing.renew(ACCOUNT, subscriptionId);
  await world.settle();
  expect(world.sandbox.state.charges.at(-1)).toMatchObject({ outcome: 'declined', declineCode: 'expired_card' });
  const renewed = await renewalOf(subscriptionId);
  expect(renewed).toMatchObject({ renewsAt: new Date('2027-05-01T09:00:00Z'), status: 'past_due', lastPaidAt: null });
  expect(renewed.preDunning).toMatchObject({ forRenewalAt: new Date('2027-05-01T09:00:00Z'), sent: [], stoppedBecause: null, nextReminderAt: null });
});

it("records a scored renewal's failed charge as a known outcome, what the account's own risk model learns from", async () => {
  const { subscriptionId } = await subscriberWithExpiringCard();
  await world.container.renewalRisk.scoreNow(tenancy, { subscriptionId });
  const knownBefore = await world.container.renewalOutcomes.countKnown(tenancy);
  const { renewsAt } = await renewalOf(subscriptionId);

  world.clock.set(renewsAt!);
  world.sandbox.billing.renew(ACCOUNT, subscriptionId);
  await world.settle();

  const known = await world.container.renewalOutcomes.listKnown(tenancy, 100);
  expect(known.length).toBe(knownBefore + 1);
  expect(known.find((record) => record.subscriptionId === subscriptionId)).toMatchObject({ renewsAt, outcome: 'failed' });
});

it("counts the customer's dispute of a paid renewal on their renewals, new subscriptions included, and scores it as a reason", async () => {
  const customer = world.sandbox.billing.createCustomer(ACCOUNT, { email: 'dora@example.com', name: 'Dora Diaz', address: { country: 'US' } });
  const pm = world.sandbox.billing.createPaymentMethod(ACCOUNT, { brand: 'visa', last4: '4242', behaviour: { declines: [], then: 'succeed' }, expMonth: 9, expYear: 2031 });
  world.sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
  world.sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
  const subscription = world.sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: 2000, currency: 'usd' });
  world.sandbox.billing.renew(ACCOUNT, subscription.id as string);
  const paid = world.sandbox.state.charges.at(-1)!;
  expect(paid.outcome).toBe('succeeded');
  // A dispute comes days after the payment, once the renewal is known: a dispute event names no customer, so the
  // worker may handle it beside (not after) events of the same customer that arrived with it.
  await world.settle();

  const response = await fetch(`${world.sandbox.url}/_sandbox/payment_intents/${paid.paymentIntent}/dispute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'fraudulent' }) });
  const dispute = (await response.json()) as { id: string; created: number };
  await world.settle();
  const disputed = { disputeId: dispute.id, openedAt: new Date(dispute.created * 1000) };
  expect((await renewalOf(subscription.id as string)).customerDisputes).toEqual([disputed]);

  const second = world.sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: 900, currency: 'usd' });
  await world.settle();
  expect((await renewalOf(second.id as string)).customerDisputes).toEqual([disputed]);

  const [scored] = await world.container.renewalRisk.scoreNow(tenancy, { subscriptionId: second.id as string });
  expect(scored!.risk!.reasons).toContainEqual(expect.objectContaining({ code: 'disputes', text: 'The customer opened 1 dispute (chargebacks) before.' }));
});

it('catches a missed account update in the daily pass', async () => {
  const { subscriptionId, paymentMethodId } = await subscriberWithExpiringCard();
  await planReminder(subscriptionId);
  // The issuer's new expiry reaches Stripe, but its event never reaches us.
  const card = world.sandbox.billing.paymentMethod(ACCOUNT, paymentMethodId).card as Record<string, unknown>;
  Object.assign(card, { exp_month: 4, exp_year: 2029 });
  const refresh = createRenewalRefresh({ renewals: world.container.renewals, intake: world.container.renewalIntake, hasStripeKey: () => true, clock: world.clock, logger: pino({ level: 'silent' }) });
  world.clock.advance(25 * 60 * 60 * 1000);
  while ((await refresh.runBatch()) > 0);
  expect(await renewalOf(subscriptionId)).toMatchObject({ card: { expMonth: 4, expYear: 2029 }, preDunning: { stoppedBecause: 'card_updated_by_network' } });
});
