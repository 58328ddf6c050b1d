import { beginAttempt } from '../../backend/src/recovery';
import { paydayCalendarFor, paydayNameOf, localParts } from '../../backend/src/retryPolicy';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Whole recoveries against the Stripe sandbox: Stripe's first attempt fails,
 * webhooks open the case, and the worker retries as the plan says, with time
 * moved forward by hand.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-04-16T14:00:00Z'); // Thursday, 10:00 in New York
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start });
});
afterEach(async () => {
  await world.stop();
});

const casesOf = (accountId: string) => db.connection.collection('recoveryCases').find({ accountId }).toArray();

/** A soft decline whose first retry (which will succeed) is due now. */
async function caseDueForFirstRetry(): Promise<void> {
  const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
  world.sandbox.billing.renew('platform', subscriptionId);
  await world.settle();
  await world.runDue();
  const [planned] = await casesOf(SELF_HOSTED_ACCOUNT);
  world.clock.set(planned!.nextActionAt as Date);
}

describe('smart retries against the Stripe sandbox', () => {
  it("takes Stripe's report of our own declined retry as already known: the decline shows once on the timeline and once in the card ledger", async () => {
    const { subscriptionId, fingerprint } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }, { code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    const [planned] = await casesOf(SELF_HOSTED_ACCOUNT);
    world.clock.set(planned!.nextActionAt as Date);

    // The retry saves Stripe's answer (the decline, the ledger entry) before its webhooks are handled.
    expect(await world.container.retries.runNextDue()).toBe(true);
    await world.settle();

    const [found] = await casesOf(SELF_HOSTED_ACCOUNT);
    const retryKey = (found!.ourAttempts as { idempotencyKey: string }[])[0]!.idempotencyKey;
    const reports = await db.connection.collection('stripeEvents').find({ type: 'payment_intent.payment_failed' }).toArray();
    const reportOfOurs = reports.find((event) => JSON.parse(event.payload as string).request?.idempotency_key === retryKey);
    expect(reportOfOurs).toMatchObject({ status: 'handled', outcome: 'ignored: our own retry, whose decline is already recorded' });
    const declines = (found!.timeline as { kind: string; summary: string }[]).filter((entry) => entry.kind !== 'retry_planned' && entry.summary.includes('processing_error'));
    // Stripe's own attempt (its payment intent's report), then our retry; no third line repeating our retry's decline.
    expect(declines.map((entry) => entry.kind)).toEqual(['payment_failed', 'retry_attempted']);
    const ledger = await db.connection.collection('cardAttempts').find({ cardKey: `fp:${fingerprint}` }).toArray();
    expect(ledger.map((attempt) => attempt.source).sort()).toEqual(['ours', 'stripe']);
  });

  it('never retries a hard decline, and ends the case when the window closes', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'stolen_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 30 * DAY));
    expect(world.ourCharges()).toHaveLength(0);
    const [found] = await casesOf(SELF_HOSTED_ACCOUNT);
    expect(found).toMatchObject({ status: 'exhausted', decline: { declineCode: 'stolen_card' } });
    expect(found!.timeline.map((entry: { summary: string }) => entry.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining('Waiting for a new payment method: the issuer will not approve this card again')]),
    );
  });

  it('retries insufficient funds on paydays (and the morning after) at 09:00 customer time until the money is there', async () => {
    // The card only has money on the 1st.
    const { subscriptionId } = world.customerWithCard('platform', { declines: [], then: 'succeed', succeedOnDaysOfMonth: [1] });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 30 * DAY));

    const attempts = world.ourCharges().map((charge) => new Date(charge.at));
    // US pay moments: Fridays 17 and 24 April (weekly and biweekly pay), Thursday 30 April (the last business day), Friday 1 May;
    // after a declined Friday, the Saturday morning too (attempts to spare, issue 18).
    expect(attempts.map((at) => at.toISOString())).toEqual([
      '2026-04-17T13:00:00.000Z',
      '2026-04-18T13:00:00.000Z',
      '2026-04-24T13:00:00.000Z',
      '2026-04-25T13:00:00.000Z',
      '2026-04-30T13:00:00.000Z',
      '2026-05-01T13:00:00.000Z',
    ]);
    for (const at of attempts) {
      const [local, dayBefore] = [localParts(at, 'America/New_York'), localParts(new Date(at.getTime() - DAY), 'America/New_York')];
      expect(local.hour).toBe(9);
      const isPayday = (day: typeof local) => paydayNameOf(day.year, day.month, day.day, paydayCalendarFor('US', {})) !== null;
      expect(isPayday(local) || isPayday(dayBefore)).toBe(true);
    }
    const [found] = await casesOf(SELF_HOSTED_ACCOUNT);
    expect(found).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'our_retry' } });
  });

  it('never retries after Mastercard advice 03, and waits as advice 27 says otherwise', async () => {
    const never = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'try_again_later', network_advice_code: '03' }], then: 'repeat_last' }, { brand: 'mastercard' });
    const wait = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'try_again_later', network_advice_code: '27' }], then: 'succeed' }, { brand: 'mastercard' });
    world.sandbox.billing.renew('platform', never.subscriptionId);
    world.sandbox.billing.renew('platform', wait.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 25 * DAY));
    const charges = world.ourCharges();
    expect(charges.filter((charge) => charge.fingerprint === never.fingerprint)).toHaveLength(0);
    const waited = charges.filter((charge) => charge.fingerprint === wait.fingerprint);
    expect(waited).toHaveLength(1);
    expect(new Date(waited[0]!.at).getTime()).toBeGreaterThanOrEqual(start.getTime() + 4 * DAY);
    expect(waited[0]!.outcome).toBe('succeeded');
  });

  it('charges a new card within the same minute, making it the default where Stripe uses it, and pays every open invoice', async () => {
    const account = 'acct_appinstall1';
    const customer = world.customerWithCard(account, { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' }, { subscriptionDefault: true });
    const second = world.sandbox.billing.createSubscription(account, { customer: customer.customerId, amount: 1500, currency: 'usd' });
    const firstInvoice = world.sandbox.billing.renew(account, customer.subscriptionId);
    const secondInvoice = world.sandbox.billing.renew(account, second.id as string);
    await world.runUntil(new Date(start.getTime() + DAY));
    expect(world.ourCharges()).toHaveLength(0);

    // The customer goes through the Billing Portal and saves a working card.
    const updatedAt = world.clock.now();
    const session = await fetch(`${world.sandbox.url}/v1/billing_portal/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_world', 'stripe-account': account, 'content-type': 'application/x-www-form-urlencoded' },
      body: `customer=${customer.customerId}&return_url=https://shop.example/back`,
    }).then((response) => response.json() as Promise<{ url: string }>);
    await fetch(session.url, { method: 'POST', body: 'card=visa', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    await world.settle();
    await world.runDue();

    for (const invoice of [firstInvoice, secondInvoice]) {
      expect(world.sandbox.billing.invoice(account, invoice.id as string)).toMatchObject({ status: 'paid' });
    }
    const cases = await casesOf(account);
    expect(cases).toHaveLength(2);
    for (const found of cases) expect(found).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'card_update' } });
    const newCard = world.ourCharges().map((charge) => charge.paymentMethod);
    expect(new Set(newCard).size).toBe(1);
    expect(newCard[0]).not.toBe(customer.paymentMethodId);
    // The subscription had its own default, which wins over the customer's: it now names the new card.
    expect(world.sandbox.billing.subscription(account, customer.subscriptionId).default_payment_method).toBe(newCard[0]);
    for (const charge of world.ourCharges()) expect(new Date(charge.at).getTime() - updatedAt.getTime()).toBeLessThan(60_000);
  });

  it('replays an attempt left pending by a crash with the same idempotency key, so the card is charged once', async () => {
    await caseDueForFirstRetry();

    // A worker claims the case, starts attempt #1, charges it at Stripe, and dies before recording the answer.
    const claimed = (await world.container.cases.claimDue('doomed-worker', world.clock.now(), 60_000))!;
    const started = beginAttempt(claimed, 'schedule', null, world.clock.now());
    await world.container.cases.replaceIfUnchanged(started.case);
    await world.container.billingFor(false)!.payInvoice({ accountId: SELF_HOSTED_ACCOUNT, isAppInstall: false }, (claimed.target as { invoiceId: string }).invoiceId, {
      paymentMethodId: null,
      idempotencyKey: started.attempt.idempotencyKey,
    });
    expect(world.ourCharges()).toHaveLength(1);

    // Its lease runs out; another worker takes the case and asks Stripe again with the same key.
    world.clock.advance(61_000);
    await world.settle();
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(1);
    const [after] = await casesOf(SELF_HOSTED_ACCOUNT);
    expect(after).toMatchObject({ status: 'recovered', outcome: { recoveredBy: 'our_retry' } });
    expect(after!.ourAttempts).toEqual([expect.objectContaining({ number: 1, outcome: 'succeeded' })]);
  });

  it('keeps the case active through a Stripe outage and retries once Stripe answers, without charging twice', async () => {
    await caseDueForFirstRetry();

    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'error_500', count: 1000 }) });
    await world.runDue();
    const [during] = await casesOf(SELF_HOSTED_ACCOUNT);
    expect(during).toMatchObject({ status: 'active', actionFailures: 1 });
    expect((during!.nextActionAt as Date).getTime()).toBeGreaterThan(world.clock.now().getTime());

    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    await world.runUntil(new Date(world.clock.now().getTime() + DAY));
    const [after] = await casesOf(SELF_HOSTED_ACCOUNT);
    expect(after).toMatchObject({ status: 'recovered', actionFailures: 0 });
    expect(world.ourCharges()).toHaveLength(1);
  });
});
