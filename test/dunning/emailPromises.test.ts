import request from 'supertest';
import { describeLocalDate } from '../../backend/src/retryPolicy';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/** Every email says what the plan will do, and the merchant's screens agree on why the payment failed. */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;
let get: (path: string) => request.Test;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true, alsoClear: ['apiKeys'] });
  const { key } = await world.container.apiKeys.create({ accountId: SELF_HOSTED_ACCOUNT, livemode: true, name: 'promises', scope: 'read', now: start });
  get = (path) => request(world.backend.server).get(path).set('authorization', `Bearer ${key}`);
});
afterEach(async () => {
  await world.stop();
});

const promisesRetry = (words: string) => /try (your payment|again|it again)/i.test(words);

describe('what the emails promise', () => {
  it('promises no retry while the case waits for a new card, and the case says the customer must act', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'lost_card' }], then: 'repeat_last' });
    const invoice = world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 4 * DAY));

    const emails = world.postmark.state.emails;
    expect(emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2']);
    for (const email of emails) {
      expect(promisesRetry(email.subject)).toBe(false);
      expect(promisesRetry(email.textBody!)).toBe(false);
    }
    const view = (await get(`/api/recovery/status?invoiceId=${invoice.id as string}`)).body;
    expect(view).toMatchObject({ declineBucket: 'never_retry', needsCustomerAction: true, nextAction: { kind: 'wait_for_new_payment_method' } });
  });

  it("promises the local date of the planned retry, in the customer's time zone", async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'repeat_last' }, { country: 'CA' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();

    const found = await db.connection.collection('recoveryCases').findOne({});
    expect(found!.plannedAction.kind).toBe('retry');
    const [email] = world.postmark.state.emails;
    expect(email!.textBody).toContain(`we will try again on ${describeLocalDate(found!.plannedAction.at as Date, 'America/Toronto')}`);
  });
});

describe('the decline bucket', () => {
  it('is the same in the payments list and the case view: the current one, with the opening one kept for stats', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }, { code: 'card_declined', decline_code: 'stolen_card' }], then: 'repeat_last' });
    const invoice = world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * DAY));
    expect(world.ourCharges().length).toBeGreaterThan(0);

    const view = (await get(`/api/recovery/status?invoiceId=${invoice.id as string}`)).body;
    const [row] = (await get('/api/dashboard/payments')).body.data;
    expect(view.declineBucket).toBe('never_retry');
    expect(row).toMatchObject({ id: view.id, declineBucket: 'never_retry', openingDeclineBucket: 'ambiguous' });
  });
});
