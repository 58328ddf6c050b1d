import { createTestApp } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * One card paying for two customers' subscriptions, both failing: two worker
 * processes (two containers on one database and one Stripe) each take one of
 * the cases at the same moment. A network rule counts every attempt on the
 * card, so a charge waits while another one on that card is under way.
 */
const db = useTestDatabase();
const start = new Date('2026-04-16T14:00:00Z');
const DAY = 86_400_000;
const SHARED_CARD = 'sharedcard000001';
let world: RecoveryWorld;
let otherWorker: Awaited<ReturnType<typeof createTestApp>>;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
  // Another worker process: its own container (instance id, lanes, memos) on the same database and the same Stripe.
  otherWorker = await createTestApp(db.connection, { clock: world.clock, env: { STRIPE_SECRET_KEY: 'sk_test_world', STRIPE_API_BASE: world.sandbox.url } });
});
afterEach(async () => {
  world.sandbox.held.release();
  await world.stop();
});

/** Holds the next Stripe request of this kind in flight until the test releases it. */
async function armHoldOfOne(method: 'GET' | 'POST', path: string): Promise<void> {
  const response = await fetch(`${world.sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'hold', method, path, count: 1 }),
  });
  expect(response.status).toBe(204);
}
const armHoldOfOneCharge = () => armHoldOfOne('POST', '/v1/invoices/*/pay');

/** Both customers' renewals declined by the shared card, and both cases due for their first retry now. */
async function twoCasesDueOnOneCard(then: Array<{ code: string; decline_code: string }> = []) {
  const declines = { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }, ...then], then: 'repeat_last' as const };
  const customers = [world.customerWithCard('platform', declines, { fingerprint: SHARED_CARD }), world.customerWithCard('platform', declines, { fingerprint: SHARED_CARD })];
  for (const customer of customers) world.sandbox.billing.renew('platform', customer.subscriptionId);
  await world.settle();
  await world.runDue();
  const cases = await db.connection.collection('recoveryCases').find({}).toArray();
  expect(cases).toHaveLength(2);
  const due = cases.map((found) => found.nextActionAt as Date).sort((a, b) => b.getTime() - a.getTime())[0]!;
  world.clock.set(due);
  return cases;
}

const chargesOnSharedCard = () => world.ourCharges().filter((charge) => charge.fingerprint === SHARED_CARD);

describe('one charge at a time per card, across worker processes', () => {
  it('a worker does not charge a card while another worker is charging it for another case, and charges it once that answer is in', async () => {
    await twoCasesDueOnOneCard();
    await armHoldOfOneCharge();

    // The first worker takes one case and its charge is held at Stripe, not answered yet.
    const first = world.container.retries.runNextDue();
    const [held] = await world.sandbox.held.waitFor(1);
    const charging = await db.connection.collection('recoveryCases').findOne({ 'ourAttempts.idempotencyKey': held!.idempotencyKey });
    // The other worker finds the other case due (the first is leased) while that charge is in flight.
    expect(await otherWorker.container.retries.runNextDue()).toBe(true);
    expect(world.sandbox.held.release()).toBe(1);
    await first;

    expect(chargesOnSharedCard()).toHaveLength(1);
    const waiting = await db.connection.collection('recoveryCases').findOne({ _id: { $ne: charging!._id } });
    // Nothing was sent to Stripe for it, so no attempt of it is left waiting for an answer.
    expect(waiting!.ourAttempts).toEqual([]);
    expect(waiting!.leaseOwner).toBeNull();
    expect((waiting!.nextActionAt as Date).getTime()).toBeGreaterThan(world.clock.now().getTime());
    expect((waiting!.timeline as Array<{ summary: string }>).at(-1)!.summary).toMatch(/another payment on this card is under way/i);

    // Once the first answer is in, the waiting case goes on with its plan, which reads that decline, and is charged in its turn.
    await world.runUntil(new Date(start.getTime() + 10 * DAY));
    const keys = chargesOnSharedCard().map((charge) => charge.idempotencyKey);
    expect(keys[0]).toBe(held!.idempotencyKey);
    expect(keys).toContain(`recovery-${String(waiting!._id)}-attempt-1`);
  });

  it("plans on the card's attempts as read after its claim: a decline answered while the step was on its way, here Visa's never-approve, stops the charge", async () => {
    const cases = await twoCasesDueOnOneCard([{ code: 'card_declined', decline_code: 'pickup_card' }]);
    // The step first reads its invoice at Stripe, before it claims: that read is held.
    await armHoldOfOne('GET', '/v1/invoices/*');
    const step = otherWorker.container.retries.runNextDue();
    const [held] = await world.sandbox.held.waitFor(1);
    const stepping = cases.find((found) => held!.path.endsWith((found.target as { invoiceId: string }).invoiceId))!;
    const other = cases.find((found) => found !== stepping)!;

    // Meanwhile Stripe's own retry of the other invoice is declined: the issuer says the card must be picked up.
    expect(() => world.sandbox.billing.payInvoice('platform', (other.target as { invoiceId: string }).invoiceId, {}, null, { automatic: true, nextAttemptInHours: null })).toThrow('Your card was declined.');
    await world.settle();
    expect(world.sandbox.held.release()).toBe(1);
    await step;

    // After its claim the step reads the card's attempts, sees that decline and plans again on it: no charge, a new card is needed.
    expect(chargesOnSharedCard()).toEqual([]);
    const waiting = await db.connection.collection('recoveryCases').findOne({ _id: stepping._id });
    expect(waiting!.ourAttempts).toEqual([]);
    expect(waiting!.chargingCardKey).toBeNull();
    expect(waiting!.leaseOwner).toBeNull();
    expect((waiting!.timeline as Array<{ kind: string; summary: string }>).at(-1)).toMatchObject({
      kind: 'retry_planned',
      summary: 'Waiting for a new payment method: card network rules forbid retrying this card.',
    });
  });
});
