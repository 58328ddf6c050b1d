import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The worker's retry job runs several steps at once (RECOVERY_ACTION_CONCURRENCY, 8 by default) from one due
 * read: each due case is still charged once, and a customer's two cases, which share a card, both get their retry.
 */
const db = useTestDatabase();
const start = new Date('2026-04-16T14:00:00Z'); // Thursday, 10:00 in New York
let world: RecoveryWorld;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(async () => {
  await world.stop();
});

const softDeclineOnce = { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' as const };

it('charges every due case exactly once when the lanes take them side by side, and in test mode records each thank-you without sending it', async () => {
  const invoiceIds: string[] = [];
  for (let i = 0; i < 6; i += 1) {
    const { subscriptionId } = world.customerWithCard('platform', softDeclineOnce);
    invoiceIds.push(world.sandbox.billing.renew('platform', subscriptionId).id as string);
  }
  // One customer with two subscriptions on one card: two cases the lanes must not take at the same time.
  // Its card declines both renewals (the card's script is shared), then pays.
  const shared = world.customerWithCard('platform', { ...softDeclineOnce, declines: [...softDeclineOnce.declines, ...softDeclineOnce.declines] });
  const second = world.sandbox.billing.createSubscription('platform', { customer: shared.customerId, amount: 1900, currency: 'usd', default_payment_method: null });
  invoiceIds.push(world.sandbox.billing.renew('platform', shared.subscriptionId).id as string);
  invoiceIds.push(world.sandbox.billing.renew('platform', second.id as string).id as string);
  await world.settle();
  await world.runDue(); // each case's first step plans its first retry

  const planned = await db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();
  expect(planned).toHaveLength(8);
  world.clock.set(new Date(Math.max(...planned.map((found) => (found.nextActionAt as Date).getTime()))));
  expect(await world.container.retries.runDue(50)).toBe(8);
  await world.settle();

  const chargesPerInvoice = invoiceIds.map((invoiceId) => world.ourCharges().filter((charge) => charge.invoice === invoiceId).length);
  expect(chargesPerInvoice).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  const after = await db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();
  expect(after.map((found) => found.status)).toEqual(Array(8).fill('recovered'));
  // The thank-you goes out with each step's release; in test mode it is recorded, never sent to the customer.
  expect(after.map((found) => (found.emails as Array<{ kind: string; delivery?: string }>).filter((email) => email.kind === 'confirmation').map((email) => email.delivery))).toEqual(Array(8).fill(['recorded_test_mode']));
  expect(world.postmark.state.emails).toEqual([]);
  expect(await world.container.retries.runDue(50)).toBe(0);
});
