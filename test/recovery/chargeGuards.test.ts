import pino from 'pino';
import request from 'supertest';
import type { BillingGateway } from '../../backend/src/recovery';
import { TEST_LINK_SECRET } from '../support/testSecrets';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate';
import { createRetryService } from '../../backend/src/recovery';
import { DEFAULT_RETRY_POLICY } from '../../backend/src/retryPolicy';
import type { CardBehaviour } from '../../devservices/stripe-sandbox/sandboxState';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';
import { dashboardUser } from '../support/caseBuilders';

/**
 * What happens while a worker holds a case, between its claim and its charge
 * or release: a pause, a cancellation or a canceled subscription stops the
 * charge; a merchant's "retry now" or a new card is not lost when the worker
 * gives the case back.
 */
const db = useTestDatabase();
const start = new Date('2026-04-16T14:00:00Z'); // Thursday, 10:00 in New York
let world: RecoveryWorld;
beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(() => world.stop());

const onlyCase = async () => {
  const doc = await db.connection.collection('recoveryCases').findOne({});
  return world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, String(doc!._id));
};

/**
 * A worker that runs `during` the first time it reads the invoice at Stripe (the step's first question,
 * before its claim) or the card ledger (while it plans, after its last read of the case).
 */
function workerHeldAt(moment: 'invoice_read' | 'ledger_read', during: () => Promise<void>) {
  const { cases, cardAttempts, accounts, recovery } = world.container;
  const billing = world.container.billingFor(false)!;
  let held = false;
  const hold = async () => {
    if (held) return;
    held = true;
    await during();
  };
  const gateway: BillingGateway = {
    ...billing,
    async fetchInvoice(account, invoiceId) {
      if (moment === 'invoice_read') await hold();
      return billing.fetchInvoice(account, invoiceId);
    },
  };
  const ledger: typeof cardAttempts = {
    ...cardAttempts,
    async recentFor(accountId, cardKey, now) {
      if (moment === 'ledger_read') await hold();
      return cardAttempts.recentFor(accountId, cardKey, now);
    },
  };
  return createRetryService({
    cases, cardAttempts: ledger, accounts, recovery, billingFor: () => gateway,
    policyFor: () => DEFAULT_RETRY_POLICY,
    clock: world.clock,
    logger: pino({ level: 'silent' }),
    instanceId: 'held-worker',
    leaseMs: 60_000,
  });
}

/** A failed renewal with its case open; `dueNow` moves the clock to its first planned retry. */
async function failedRenewal(behaviour: CardBehaviour, dueNow: boolean) {
  const customer = world.customerWithCard('platform', behaviour);
  world.sandbox.billing.renew('platform', customer.subscriptionId);
  await world.settle();
  await world.runDue();
  const found = (await onlyCase())!;
  if (dueNow) world.clock.set(found.nextActionAt!);
  return { ...customer, found };
}

const softDecline: CardBehaviour = { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' };

describe('right before a charge', () => {
  it('an attempt whose last check could not be read (the database failed) is taken back, not left for a later step to replay as a charge', async () => {
    const { found } = await failedRenewal(softDecline, true);
    const { cases, cardAttempts, accounts, recovery } = world.container;
    const worker = createRetryService({
      cases: { ...cases, otherChargeInFlight: () => Promise.reject(new Error('database unavailable')) },
      cardAttempts, accounts, recovery, billingFor: () => world.container.billingFor(false),
      policyFor: () => DEFAULT_RETRY_POLICY,
      clock: world.clock,
      logger: pino({ level: 'silent' }),
      instanceId: 'failing-worker',
      leaseMs: 60_000,
    });
    expect(await worker.runNextDue()).toBe(true);
    expect(world.ourCharges()).toHaveLength(0);
    const after = (await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id))!;
    expect(after).toMatchObject({ status: 'active', ourAttempts: [], leaseOwner: null, actionFailures: 1 });
    expect(after.nextActionAt!.getTime()).toBeGreaterThan(world.clock.now().getTime());

    // The next step, with the database back, charges the card once.
    world.clock.set(after.nextActionAt!);
    expect(await world.container.retries.runNextDue()).toBe(true);
    expect(world.ourCharges()).toHaveLength(1);
  });

  it('a case paused while the worker is on its way to charging it is not charged', async () => {
    const { found } = await failedRenewal(softDecline, true);
    const worker = workerHeldAt('invoice_read', async () => {
      expect(await world.container.caseControls.pause(SELF_HOSTED_ACCOUNT, false, found.id, dashboardUser)).toMatchObject({ ok: true });
    });
    await worker.runNextDue();
    expect(world.ourCharges()).toHaveLength(0);
    expect(await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id)).toMatchObject({ status: 'active', ourAttempts: [] });
  });

  it('a case the merchant canceled while the worker is on its way to charging it is not charged', async () => {
    const { found } = await failedRenewal(softDecline, true);
    const worker = workerHeldAt('invoice_read', async () => {
      expect(await world.container.caseControls.cancel(SELF_HOSTED_ACCOUNT, false, found.id, dashboardUser)).toMatchObject({ ok: true });
    });
    await worker.runNextDue();
    expect(world.ourCharges()).toHaveLength(0);
    expect(await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id)).toMatchObject({ status: 'canceled' });
  });

  it('a case whose subscription was canceled at Stripe is not charged, even before the webhook arrives', async () => {
    const { found, subscriptionId } = await failedRenewal(softDecline, true);
    await fetch(`${world.sandbox.url}/_sandbox/deliveries/hold`, { method: 'POST' });
    world.sandbox.billing.cancelSubscription('platform', subscriptionId, null);
    await world.container.retries.runNextDue();
    expect(world.ourCharges()).toHaveLength(0);
    expect(await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id)).toMatchObject({ status: 'churned' });
  });

  it('reads the subscription with the invoice, in one request: a retry asks Stripe twice, the invoice and the charge', async () => {
    const { found } = await failedRenewal(softDecline, true);
    const before = world.sandbox.state.requests.length;
    await world.container.retries.runNextDue();
    expect(world.ourCharges()).toHaveLength(1);
    const invoiceId = (found.target as { invoiceId: string }).invoiceId;
    // Billing requests only: the payment's webhooks make the app read its account profile meanwhile.
    const billingAsked = world.sandbox.state.requests.slice(before).filter((asked) => /^\/v1\/(invoices|subscriptions)\//.test(asked.path));
    expect(billingAsked.map((asked) => `${asked.method} ${asked.path}`)).toEqual([`GET /v1/invoices/${invoiceId}`, `POST /v1/invoices/${invoiceId}/pay`]);
  });
});

describe('a request written while a worker holds the case', () => {
  it("keeps the merchant's retry-now: the worker's release does not put it back on the old plan", async () => {
    // An unexplained decline: the plan waits three days, so only the merchant's request can charge today.
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.settle();
    const found = (await onlyCase())!;
    const worker = workerHeldAt('ledger_read', async () => {
      expect(await world.container.retries.requestManualRetry(SELF_HOSTED_ACCOUNT, false, found.id, dashboardUser)).toEqual({ ok: true });
    });
    await worker.runNextDue();
    expect(world.ourCharges()).toHaveLength(0);
    expect(await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id)).toMatchObject({ nextActionTrigger: 'manual', nextActionAt: world.clock.now() });

    await world.runDue();
    expect(world.ourCharges()).toHaveLength(1);
  });

  it('keeps a new card the customer saved on the card-update page meanwhile', async () => {
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.settle();
    const found = (await onlyCase())!;
    let newCardId = '';
    const worker = workerHeldAt('ledger_read', async () => {
      const pm = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
      newCardId = pm.id as string;
      await fetch(`${world.sandbox.url}/_sandbox/deliveries/hold`, { method: 'POST' });
      world.sandbox.billing.attach('platform', newCardId, customer.customerId, null);
      world.sandbox.billing.updateCustomer('platform', customer.customerId, { invoice_settings: { default_payment_method: newCardId } }, null);
      const token = await issueLinkToken(
        { accountId: SELF_HOSTED_ACCOUNT, livemode: false, stripeCustomerId: customer.customerId, caseId: found.id },
        linkSigningKey(TEST_LINK_SECRET),
        world.clock.now(),
      );
      expect((await request(world.backend.server).get(`/update/done?token=${encodeURIComponent(token)}`)).status).toBe(200);
    });
    await worker.runNextDue();
    expect(await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id)).toMatchObject({ nextActionTrigger: 'new_payment_method', newPaymentMethodId: newCardId });

    // Stripe's webhooks about the same card arrive late: they charge nothing more.
    await fetch(`${world.sandbox.url}/_sandbox/deliveries/release`, { method: 'POST' });
    await world.settle();
    await world.runDue();
    expect(world.ourCharges()).toEqual([expect.objectContaining({ paymentMethod: newCardId, outcome: 'succeeded' })]);
  });
});
