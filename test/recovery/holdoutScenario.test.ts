import request from 'supertest';
import { assignHoldoutGroup } from '../../backend/src/lift/holdout';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The holdout end to end, in live mode (emails really go to the Postmark
 * receiver): a control customer's failed renewal gets nothing from us over
 * its whole life, Stripe's own retry recovers it, and the case still follows
 * it to its end. A treated customer beside it shows the world would have acted.
 */
const db = useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2026-05-04T14:00:00Z');
const SALT = 'salt_scenario';
const declinedOnce = { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'succeed' as const };
let world: RecoveryWorld;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
  await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { holdoutShare: 0.5 }, start);
  await world.container.accounts.ensureHoldoutSalt(SELF_HOSTED_ACCOUNT, true, SALT);
});
afterEach(async () => {
  await world.stop();
});

/** A new subscription customer who falls in `group` for the account's salt (about one in two does at 50 %). */
function customerIn(group: 'treated' | 'control') {
  for (let tries = 0; tries < 40; tries += 1) {
    const customer = world.customerWithCard('platform', declinedOnce);
    if (assignHoldoutGroup({ salt: SALT, share: 0.5 }, customer.customerId) === group) return customer;
  }
  throw new Error(`no ${group} customer in 40 tries`);
}

const caseOf = (invoiceId: string) => world.container.cases.findByKey(SELF_HOSTED_ACCOUNT, true, `invoice:${invoiceId}`);
const emailOf = (customerId: string) => (world.sandbox.billing.customer('platform', customerId).email as string).toLowerCase();

describe('a failed payment in the holdout control group', () => {
  it("gets no charge, no Stripe write and no email from us over its whole life, while Stripe's own retry recovers it", async () => {
    const control = customerIn('control');
    const treated = customerIn('treated');
    const controlInvoice = world.sandbox.billing.renew('platform', control.subscriptionId, { nextAttemptInHours: 72 }).id as string;
    world.sandbox.billing.renew('platform', treated.subscriptionId, { nextAttemptInHours: 72 });
    await world.runUntil(new Date(start.getTime() + 72 * HOUR - 60_000));
    expect(await caseOf(controlInvoice)).toMatchObject({ group: 'control', status: 'active', ourAttempts: [], emails: [] });

    // Stripe's own scheduled retry: Stripe charges the card itself, no request of ours involved.
    world.clock.set(new Date(start.getTime() + 72 * HOUR));
    world.sandbox.billing.payInvoice('platform', controlInvoice, { off_session: true }, null, { automatic: true, nextAttemptInHours: 72 });
    await world.runUntil(new Date(start.getTime() + 30 * DAY));

    const found = (await caseOf(controlInvoice))!;
    expect(found).toMatchObject({ group: 'control', status: 'recovered', outcome: { recoveredBy: 'stripe_retry' }, ourAttempts: [], emails: [], confirmationDueAt: null });
    expect(found.timeline.map((entry) => entry.kind)).toContain('control_group');
    const controlIds = [controlInvoice, control.customerId, control.subscriptionId, control.paymentMethodId];
    const ourWrites = world.sandbox.state.requests.filter((logged) => logged.method !== 'GET' && controlIds.some((id) => logged.path.includes(id)));
    expect(ourWrites).toEqual([]);
    const charges = world.sandbox.state.charges.filter((charge) => charge.invoice === controlInvoice);
    expect(charges.map((charge) => [charge.outcome, charge.idempotencyKey])).toEqual([['declined', null], ['succeeded', null]]);
    expect(world.postmark.state.emails.filter((email) => email.to.toLowerCase() === emailOf(control.customerId))).toEqual([]);

    // The treated customer beside it got our emails: the quiet above is the holdout, not a world that does nothing.
    expect(world.postmark.state.emails.filter((email) => email.to.toLowerCase() === emailOf(treated.customerId)).length).toBeGreaterThan(0);
  });

  it('keeps its group when the merchant turns the holdout off mid-case; only new cases see the new setting', async () => {
    const control = customerIn('control');
    const invoiceId = world.sandbox.billing.renew('platform', control.subscriptionId, { nextAttemptInHours: 24 }).id as string;
    await world.runUntil(new Date(start.getTime() + HOUR));
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { holdoutShare: 0 }, world.clock.now());

    // Stripe's retry fails again: a new fact on the same case, under the new settings.
    world.clock.set(new Date(start.getTime() + 24 * HOUR));
    world.sandbox.state.behaviours.get(control.paymentMethodId)!.behaviour = { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'repeat_last' };
    expect(() => world.sandbox.billing.payInvoice('platform', invoiceId, { off_session: true }, null, { automatic: true, nextAttemptInHours: 72 })).toThrow();
    await world.runUntil(new Date(start.getTime() + 3 * DAY));
    expect(await caseOf(invoiceId)).toMatchObject({ group: 'control', stripeAttemptCount: 2, status: 'active', ourAttempts: [], emails: [] });

    // The same customer's next renewal opens a new case: the holdout is off now, so it is treated, outside the lift.
    const next = world.sandbox.billing.renew('platform', control.subscriptionId, { nextAttemptInHours: 72 }).id as string;
    await world.settle();
    expect(await caseOf(next)).toMatchObject({ group: 'treated', countsInLift: false });
  });

  it("refuses the merchant's retry, reminder, pause, cancel and card-update link with a 409 that says it is a control case", async () => {
    const control = customerIn('control');
    const invoiceId = world.sandbox.billing.renew('platform', control.subscriptionId).id as string;
    await world.runUntil(new Date(start.getTime() + HOUR));
    const caseId = (await caseOf(invoiceId))!.id;
    const { key } = await world.container.apiKeys.create({ accountId: SELF_HOSTED_ACCOUNT, livemode: true, name: 'holdout', scope: 'read_write', now: world.clock.now() });
    for (const action of ['retry', 'remind', 'pause', 'cancel', 'card-update-link']) {
      const response = await request(world.backend.server).post(`/api/recovery/${action}`).set('authorization', `Bearer ${key}`).send({ caseId });
      expect([action, response.status, response.body.error.code]).toEqual([action, 409, 'control_group']);
      expect(response.body.error.message).toMatch(/control group \(holdout\): we take no action/);
    }
    const shown = await request(world.backend.server).get(`/api/recovery/status?invoiceId=${invoiceId}`).set('authorization', `Bearer ${key}`);
    expect(shown.body).toMatchObject({ group: 'control', status: 'active', nextAction: { kind: 'none' } });
    expect(shown.body.nextAction.reason).toMatch(/^Control group: no action/);
  });
});
