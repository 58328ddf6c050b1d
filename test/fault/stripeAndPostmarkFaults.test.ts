import { startPostmarkReceiver, type PostmarkReceiver } from '../../devservices/postmark-receiver/postmarkReceiver';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Stripe and Postmark misbehaving for a while, with the backend, the Stripe
 * sandbox and the Postmark receiver wired together on loopback and time moved
 * by hand. No case is lost, nothing is charged or emailed twice, and once the
 * service answers again every case finishes as it would have.
 */
// Each scenario plays hours of outage through the real worker; on a loaded CI machine that takes more than jest's 30 s default.
jest.setTimeout(120_000);

const db = useTestDatabase();
const DAY = 86_400_000;
const CASES = 8;
const STRIPE_TIMEOUT_SECONDS = 2;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;
const receivers: PostmarkReceiver[] = [];

beforeEach(async () => {
  // A short Stripe client timeout, so a held answer times out in seconds rather than the default 20.
  world = await freshRecoveryWorld(db.connection, { start, livemode: true, env: { STRIPE_TIMEOUT_SECONDS: String(STRIPE_TIMEOUT_SECONDS) }, alsoClear: ['customerContacts'] });
});
afterEach(async () => {
  await world.stop();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
});

const allCases = () => db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();

async function armStripeFault(fault: { mode: string; method?: string; count?: number; holdMs?: number }): Promise<void> {
  const response = await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  expect(response.status).toBe(204);
}
const clearStripeFault = () => fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
const stripeFault = () => fetch(`${world.sandbox.url}/_sandbox/faults`).then((response) => response.json() as Promise<{ applied: number }>);

/** `count` invoices whose renewal failed softly, each with a case whose first retry (which will succeed) is due now. */
async function casesDueForFirstRetry(count: number): Promise<string[]> {
  const invoiceIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    invoiceIds.push(world.sandbox.billing.renew('platform', subscriptionId).id as string);
  }
  await world.settle();
  await world.runDue();
  const planned = await allCases();
  expect(planned).toHaveLength(count);
  const due = planned.map((found) => found.nextActionAt as Date).sort((a, b) => b.getTime() - a.getTime())[0]!;
  world.clock.set(due);
  return invoiceIds;
}

/** Each invoice paid, charged by us exactly once, and never charged successfully twice by anyone. */
function expectEachInvoiceChargedOnce(invoiceIds: string[]): void {
  for (const invoiceId of invoiceIds) {
    expect(world.sandbox.billing.invoice('platform', invoiceId)).toMatchObject({ status: 'paid' });
    expect(world.ourCharges().filter((charge) => charge.invoice === invoiceId)).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
    expect(world.sandbox.state.charges.filter((charge) => charge.invoice === invoiceId && charge.outcome === 'succeeded')).toHaveLength(1);
  }
}

describe('Stripe failing while retries are due', () => {
  // Faults on every request stop a step at its first read; faults on charges only leave our attempt pending.
  it.each([
    ['answers 500 to every request', { mode: 'error_500' }, []],
    ['answers 429 rate limited to every request', { mode: 'rate_limit' }, []],
    ['answers 429 rate limited to every charge', { mode: 'rate_limit', method: 'POST' }, [expect.objectContaining({ number: 1, outcome: 'pending' })]],
  ])('keeps eight due cases active and rescheduled while Stripe %s, then retries each and charges every invoice once', async (_name, fault, attemptsDuring) => {
    const invoiceIds = await casesDueForFirstRetry(CASES);
    await armStripeFault(fault);

    // Two rounds of the outage: every case is put off, by a back-off that doubles.
    for (const [round, delayMs] of [[1, 60_000], [2, 120_000]] as const) {
      const attemptedAt = world.clock.now();
      await world.runDue();
      const during = await allCases();
      expect(during).toHaveLength(CASES);
      for (const found of during) {
        expect(found).toMatchObject({ status: 'active', actionFailures: round, ourAttempts: attemptsDuring });
        expect(found.nextActionAt).toEqual(new Date(attemptedAt.getTime() + delayMs));
      }
      world.clock.set(new Date(attemptedAt.getTime() + delayMs));
    }
    expect(world.ourCharges()).toHaveLength(0);
    expect((await stripeFault()).applied).toBeGreaterThanOrEqual(2 * CASES);

    await clearStripeFault();
    await world.runUntil(new Date(world.clock.now().getTime() + DAY));
    const after = await allCases();
    expect(after).toHaveLength(CASES);
    for (const found of after) {
      expect(found).toMatchObject({ status: 'recovered', actionFailures: 0, outcome: { recoveredBy: 'our_retry' }, ourAttempts: [expect.objectContaining({ number: 1, outcome: 'succeeded' })] });
    }
    expectEachInvoiceChargedOnce(invoiceIds);
  });

  it('charges each invoice once when Stripe carries out charges whose answers time out or are lost, asking again with the same key', async () => {
    const invoiceIds = await casesDueForFirstRetry(CASES);

    // One charge is made and its answer held past the client's timeout: the SDK asks again with the same key.
    await armStripeFault({ mode: 'lost_response', method: 'POST', count: 1 });
    const heldSince = Date.now();
    await world.container.retries.runNextDue();
    expect(Date.now() - heldSince).toBeGreaterThanOrEqual(STRIPE_TIMEOUT_SECONDS * 1000);
    await world.settle();
    expect(await stripeFault()).toMatchObject({ applied: 1 });
    expect((await allCases()).filter((found) => found.status !== 'active')).toEqual([
      expect.objectContaining({ status: 'recovered', outcome: expect.objectContaining({ recoveredBy: 'our_retry' }) }),
    ]);

    // The other seven charges are made too, but every answer is lost (the SDK's retries' too) and Stripe's events lag behind.
    world.sandbox.events.hold();
    await armStripeFault({ mode: 'lost_response', method: 'POST', holdMs: 0 });
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(CASES);
    expect((await stripeFault()).applied).toBeGreaterThanOrEqual(3 * (CASES - 1));
    const during = (await allCases()).filter((found) => found.status === 'active');
    expect(during).toHaveLength(CASES - 1);
    for (const found of during) {
      expect(found).toMatchObject({ actionFailures: 1, ourAttempts: [expect.objectContaining({ number: 1, outcome: 'pending' })] });
      expect((found.nextActionAt as Date).getTime()).toBeGreaterThan(world.clock.now().getTime());
    }

    // Stripe answers again: each pending attempt is asked once more with its key, and Stripe replays "paid".
    await clearStripeFault();
    await world.runUntil(new Date(world.clock.now().getTime() + DAY));
    for (const found of await allCases()) {
      expect(found).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'our_retry' }, ourAttempts: [expect.objectContaining({ number: 1, outcome: 'succeeded' })] });
    }
    expect(world.ourCharges()).toHaveLength(CASES);

    // The late events change nothing.
    world.sandbox.events.release();
    await world.settle();
    for (const found of await allCases()) expect(found).toMatchObject({ status: 'recovered', ourAttempts: [expect.objectContaining({ outcome: 'succeeded' })] });
    expectEachInvoiceChargedOnce(invoiceIds);
  }, 60_000);
});

describe('Postmark failing while dunning steps are due', () => {
  /** Starts the outage; its end gives back the receiver that answers from then on. */
  async function postmarkOutage(kind: 'error_500' | 'unreachable'): Promise<() => Promise<PostmarkReceiver>> {
    if (kind === 'error_500') {
      world.postmark.state.setFault('error_500', 1_000_000);
      return async () => {
        world.postmark.state.clearFault();
        return world.postmark;
      };
    }
    await world.postmark.stop();
    return async () => {
      const receiver = await startPostmarkReceiver({ port: world.postmark.port, now: () => world.clock.now() });
      receivers.push(receiver);
      return receiver;
    };
  }

  it.each([
    ['answers 500', 'error_500'],
    ['is unreachable', 'unreachable'],
  ] as const)('sends each due step of eight cases exactly once, after Postmark %s for two hours', async (_name, kind) => {
    for (let i = 0; i < CASES; i += 1) {
      const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
      world.sandbox.billing.renew('platform', subscriptionId);
    }
    const endOutage = await postmarkOutage(kind);
    const outageEndsAt = new Date(start.getTime() + 2 * 3_600_000);
    await world.runUntil(outageEndsAt);

    const during = await allCases();
    expect(during).toHaveLength(CASES);
    for (const found of during) {
      expect(found).toMatchObject({ status: 'active', dunningStepsDone: [], emails: [] });
      expect((found.nextEmailAt as Date).getTime()).toBeGreaterThan(outageEndsAt.getTime() - 5 * 60_000);
    }
    expect(world.postmark.state.emails).toHaveLength(0);

    const receiver = await endOutage();
    await world.runUntil(new Date(start.getTime() + 20 * DAY));
    const byCase = new Map<string, string[]>();
    for (const email of receiver.state.emails) byCase.set(email.metadata.caseId!, [...(byCase.get(email.metadata.caseId!) ?? []), email.tag!]);
    expect([...byCase.keys()].sort()).toEqual(during.map((found) => String(found._id)).sort());
    for (const tags of byCase.values()) expect(tags).toEqual(['dunning-step-1', 'dunning-step-2', 'dunning-step-3', 'dunning-step-4']);
    const firstSteps = receiver.state.emails.filter((email) => email.tag === 'dunning-step-1');
    for (const email of firstSteps) expect(email.receivedAt.getTime()).toBeGreaterThanOrEqual(outageEndsAt.getTime());
  });
});

describe('one invoice’s failure, payment and cancellation, each delivered ten times', () => {
  // The payment wins: a case the failure opened ends recovered, and a failure handled after the payment opens nothing.
  const recovered = [
    expect.objectContaining({ status: 'recovered', failureCount: 1, outcome: { status: 'recovered', recoveredBy: 'customer_payment', at: new Date((T0 + 600) * 1000) } }),
  ];
  it.each([
    ['failed, paid, canceled', 'one recovered case', recovered],
    ['failed, canceled, paid', 'one recovered case', recovered],
    ['canceled, failed, paid', 'one recovered case', recovered],
    ['paid, failed, canceled', 'no case', []],
    ['paid, canceled, failed', 'no case', []],
    ['canceled, paid, failed', 'no case', []],
  ])('first delivered in the order %s, ends with %s', async (order, _outcome, expected) => {
    const events: Record<string, Record<string, unknown>> = {
      failed: stripeEvent('invoice.payment_failed', invoice({ id: 'in_1' }), { created: T0 }),
      paid: stripeEvent('invoice.paid', invoice({ id: 'in_1', status: 'paid', amount_remaining: 0 }), { created: T0 + 600 }),
      canceled: stripeEvent('customer.subscription.deleted', { id: 'sub_alice', object: 'subscription', customer: 'cus_alice', status: 'canceled' }, { created: T0 + 1200 }),
    };
    // Ten rounds of the same order: Stripe's re-deliveries of each event also arrive after the later events.
    for (let round = 0; round < 10; round += 1) {
      for (const name of order.split(', ')) expect((await world.backend.deliver(events[name]!)).status).toBe(200);
    }

    expect(await db.connection.collection('stripeEvents').countDocuments()).toBe(3);
    const cases = await allCases();
    expect(cases).toEqual(expected);
    for (const found of cases) expect(new Set(found.appliedEventIds).size).toBe(found.appliedEventIds.length);
  });
});
