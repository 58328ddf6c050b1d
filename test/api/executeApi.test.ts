import request from 'supertest';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * POST /api/recovery/execute against the Stripe sandbox: the payment is read
 * at Stripe in the caller's own account and mode, the case opens through the
 * payment_failed fact, Idempotency-Key replays or refuses, and a simulated
 * outcome ends the case through the real transitions without charging.
 */
const db = useTestDatabase();
const start = new Date('2026-05-04T14:00:00Z');
const OTHER_ACCOUNT = 'acct_integration_other';
let world: RecoveryWorld;

afterEach(async () => {
  await world.stop();
});

async function keyFor(accountId: string, livemode: boolean): Promise<string> {
  return (await world.container.apiKeys.create({ accountId, livemode, name: 'integration', scope: 'read_write', now: start })).key;
}

/**
 * A renewal whose first charge Stripe declined; its webhooks are stored but not handled, so only the API opens its case.
 * A connected account's first invoice installs the App first (its event handled): make it before any other invoice.
 */
async function failedInvoice(account: string, declineCode = 'insufficient_funds', amount = 4900): Promise<string> {
  const { subscriptionId } = world.customerWithCard(account, { declines: [{ code: 'card_declined', decline_code: declineCode }], then: 'repeat_last' }, { amount });
  if (account !== 'platform') await world.settle();
  const invoice = world.sandbox.billing.renew(account, subscriptionId);
  await world.sandbox.events.idle();
  return invoice.id as string;
}

const execute = (key: string, body: Record<string, unknown>, idempotencyKey?: string) => {
  const call = request(world.backend.server).post('/api/recovery/execute').set('authorization', `Bearer ${key}`);
  return (idempotencyKey ? call.set('idempotency-key', idempotencyKey) : call).send(body);
};
const casesOf = (accountId: string) => db.connection.collection('recoveryCases').find({ accountId }).toArray();

describe('POST /api/recovery/execute in test mode', () => {
  let key: string;
  beforeEach(async () => {
    world = await freshRecoveryWorld(db.connection, { start });
    await db.connection.collection('idempotencyKeys').deleteMany({});
    key = await keyFor(SELF_HOSTED_ACCOUNT, false);
  });

  it("opens the case with Stripe's amount and decline even when the body's metadata and decline code say otherwise, then answers it again with 200", async () => {
    const invoiceId = await failedInvoice('platform', 'insufficient_funds', 4900);
    const opened = await execute(key, { invoiceId, originalDeclineCode: 'stolen_card', metadata: { amountMinor: '1', currency: 'jpy', crm_id: 'A-17' } });
    expect(opened.status).toBe(201);
    expect(opened.body.case).toMatchObject({ invoiceId, amountMinor: 4900, currency: 'usd', status: 'active', decline: { declineCode: 'insufficient_funds' }, metadata: { crm_id: 'A-17', amountMinor: '1' } });
    expect(opened.body.plan).toMatchObject({ nextAction: 'retry', source: 'preview', reason: expect.stringContaining('insufficient funds') });

    const again = await execute(key, { invoiceId });
    expect(again.status).toBe(200);
    expect(again.body.case.id).toBe(opened.body.case.id);
    expect(await casesOf(SELF_HOSTED_ACCOUNT)).toHaveLength(1);
  });

  it('refuses an amount in the body, naming it, and opens nothing', async () => {
    const invoiceId = await failedInvoice('platform');
    const response = await execute(key, { invoiceId, amount: 1 });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/amount/);
    expect(await casesOf(SELF_HOSTED_ACCOUNT)).toHaveLength(0);
  });

  it('answers 409 for an invoice Stripe says is paid, and 400 for both or neither id', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [], then: 'succeed' });
    const paid = world.sandbox.billing.renew('platform', subscriptionId);
    expect((await execute(key, { invoiceId: paid.id })).body.error).toMatchObject({ code: 'payment_already_paid' });
    expect((await execute(key, { invoiceId: paid.id, paymentIntentId: 'pi_1' })).status).toBe(400);
    expect((await execute(key, {})).status).toBe(400);
    expect(await casesOf(SELF_HOSTED_ACCOUNT)).toHaveLength(0);
  });

  it("opens a one-time payment's case from its declined PaymentIntent", async () => {
    const { customerId, paymentMethodId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'do_not_honor' }], then: 'repeat_last' });
    const intent = (await (
      await fetch(`${world.sandbox.url}/_sandbox/payment_intents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 1250, currency: 'eur', customer: customerId, payment_method: paymentMethodId, confirm: true, setup_future_usage: 'off_session' }) })
    ).json()) as { id: string };
    const response = await execute(key, { paymentIntentId: intent.id });
    expect(response.status).toBe(201);
    expect(response.body.case).toMatchObject({ paymentIntentId: intent.id, invoiceId: null, amountMinor: 1250, currency: 'eur', decline: { declineCode: 'do_not_honor' } });
  });

  it('answers 404 for an invoice of another account, whichever account asks', async () => {
    const theirs = await failedInvoice(OTHER_ACCOUNT);
    const ours = await failedInvoice('platform');
    const otherKey = await keyFor(OTHER_ACCOUNT, false);
    expect((await execute(key, { invoiceId: theirs })).status).toBe(404);
    expect((await execute(otherKey, { invoiceId: ours })).body.error).toMatchObject({ code: 'no_such_payment', param: 'invoiceId' });
    expect(await db.connection.collection('recoveryCases').countDocuments({})).toBe(0);
  });

  it('ten concurrent calls with one Idempotency-Key open exactly one case; the others replay the same answer or answer 409', async () => {
    const invoiceId = await failedInvoice('platform');
    const answers = await Promise.all(Array.from({ length: 10 }, () => execute(key, { invoiceId, metadata: { order: '42' } }, 'execute-once')));
    expect(await casesOf(SELF_HOSTED_ACCOUNT)).toHaveLength(1);
    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(created.length + refused.length).toBe(10);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of created) expect(answer.body).toEqual(created[0]!.body);
    for (const answer of refused) expect(answer.body.error).toMatchObject({ code: 'idempotency_error', message: expect.stringContaining('still running') });
    const replay = await execute(key, { metadata: { order: '42' }, invoiceId }, 'execute-once');
    expect([replay.status, replay.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(replay.body).toEqual(created[0]!.body);
  });

  it('the same Idempotency-Key with a different body answers 409 idempotency_error and opens nothing more', async () => {
    const first = await failedInvoice('platform');
    const second = await failedInvoice('platform');
    expect((await execute(key, { invoiceId: first }, 'key-1')).status).toBe(201);
    const reused = await execute(key, { invoiceId: second }, 'key-1');
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_error', param: 'Idempotency-Key', message: expect.stringContaining('different request') });
    expect(await casesOf(SELF_HOSTED_ACCOUNT)).toHaveLength(1);
  });

  it('keeps no answer when Stripe fails (5xx): the same key runs again once Stripe is back', async () => {
    const invoiceId = await failedInvoice('platform');
    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'error_500', count: 20 }) });
    expect((await execute(key, { invoiceId }, 'during-outage')).status).toBeGreaterThanOrEqual(500);
    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    const after = await execute(key, { invoiceId }, 'during-outage');
    expect([after.status, after.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });

  it.each([
    ['succeeded', { status: 'recovered', outcome: { status: 'recovered' } }],
    ['failed', { status: 'exhausted', outcome: { status: 'exhausted', reason: 'plan_ended' } }],
    ['blocked', { status: 'active', declineBucket: 'never_retry', needsCustomerAction: true, nextAction: { kind: 'wait_for_new_payment_method' } }],
  ] as const)('simulateOutcome %s ends the case as named, says so on the timeline and charges nothing', async (simulateOutcome, expected) => {
    const invoiceId = await failedInvoice('platform');
    const chargesBefore = world.sandbox.state.charges.length;
    const response = await execute(key, { invoiceId, simulateOutcome });
    expect(response.status).toBe(201);
    expect(response.body.case).toMatchObject(expected);
    expect(response.body.case.timeline.map((entry: { summary: string }) => entry.summary)).toContainEqual(expect.stringContaining(`simulating the outcome "${simulateOutcome}"`));
    expect(world.sandbox.state.charges).toHaveLength(chargesBefore);
    expect(world.sandbox.state.requests.filter((logged) => logged.method === 'POST')).toEqual([]);
  });

  it.each([
    ['succeeded', ['recovery.case_opened', 'recovery.succeeded']],
    ['failed', ['recovery.case_opened', 'recovery.failed']],
    ['blocked', ['recovery.case_opened', 'recovery.blocked']],
  ] as const)("simulateOutcome %s sends the merchant's endpoints the real events, numbered in order", async (simulateOutcome, types) => {
    const endpoint = await request(world.backend.server)
      .post('/api/webhook-endpoints')
      .set('authorization', `Bearer ${key}`)
      .send({ url: 'http://127.0.0.1:9/receiver', enabledEvents: ['*'] });
    expect(endpoint.status).toBe(201);
    const invoiceId = await failedInvoice('platform');
    const response = await execute(key, { invoiceId, simulateOutcome });
    await world.settle();
    const stored = await db.connection.collection('outboundEvents').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();
    const sent = stored
      .map((found) => JSON.parse(found.body as string) as { type: string; sequence: number; livemode: boolean; data: { object: { id: string } } })
      .filter((event) => event.data.object.id === response.body.case.id)
      .sort((a, b) => a.sequence - b.sequence);
    // Blocking a case also asks for the merchant's attention; the rest follow one another in sequence.
    expect(sent.map((event) => event.type).filter((type) => type !== 'recovery.needs_attention')).toEqual(types);
    expect(sent.map((event) => event.sequence)).toEqual(sent.map((_, index) => index + 1));
    expect(sent.every((event) => event.livemode === false)).toBe(true);
  });

  it('refuses simulateOutcome from a live-mode caller with a 400 naming it, before reading Stripe', async () => {
    const invoiceId = await failedInvoice('platform');
    const liveKey = await keyFor(SELF_HOSTED_ACCOUNT, true);
    const requestsBefore = world.sandbox.state.requests.length;
    const response = await execute(liveKey, { invoiceId, simulateOutcome: 'succeeded' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ param: 'simulateOutcome', message: expect.stringContaining('simulateOutcome') });
    expect(world.sandbox.state.requests).toHaveLength(requestsBefore);
    expect(await db.connection.collection('recoveryCases').countDocuments({})).toBe(0);
  });
});

describe('POST /api/recovery/retry by invoiceId', () => {
  beforeEach(async () => {
    world = await freshRecoveryWorld(db.connection, { start });
  });

  it("schedules a retry of the invoice's case, and answers 404 for an invoice with no case", async () => {
    const key = await keyFor(SELF_HOSTED_ACCOUNT, false);
    const invoiceId = await failedInvoice('platform');
    const caseId = (await execute(key, { invoiceId })).body.case.id as string;
    const retry = (body: Record<string, unknown>) => request(world.backend.server).post('/api/recovery/retry').set('authorization', `Bearer ${key}`).send(body);
    expect((await retry({ invoiceId })).body).toEqual({ caseId, retry: 'scheduled' });
    expect((await retry({ invoiceId: 'in_nothing' })).body.error).toMatchObject({ code: 'no_recovery_case', param: 'invoiceId' });
    expect((await retry({ invoiceId, caseId })).status).toBe(400);
  });
});

describe('POST /api/recovery/execute across modes', () => {
  beforeEach(async () => {
    // One deployment serving both modes: live key for live, test key for test, against a live-mode Stripe.
    world = await freshRecoveryWorld(db.connection, { start, livemode: true, env: { STRIPE_TEST_SECRET_KEY: 'sk_test_world' } });
  });

  it("answers 404 to a test-mode caller naming a live invoice, and opens the live case for a live caller", async () => {
    const invoiceId = await failedInvoice('platform');
    const testKey = await keyFor(SELF_HOSTED_ACCOUNT, false);
    expect((await execute(testKey, { invoiceId })).body.error).toMatchObject({ code: 'no_such_payment' });
    expect(await db.connection.collection('recoveryCases').countDocuments({})).toBe(0);
    const liveKey = await keyFor(SELF_HOSTED_ACCOUNT, true);
    const live = await execute(liveKey, { invoiceId });
    expect([live.status, live.body.case?.livemode]).toEqual([201, true]);
  });
});
