import request from 'supertest';
import { PERSONAL_DATA_MAP } from '../../backend/src/privacy';
import { createRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';
import { workerJobNamed } from '../support/workerJobs';
import { ERASE_LATE_ARRIVALS_JOB } from '../../backend/src/scheduler';
import { invoice, signPayload, stripeEvent } from '../support/stripeEventBuilders';
import { TEST_POSTMARK_WEBHOOK_PASSWORD, TEST_WEBHOOK_SECRET } from '../support/testApp';

/**
 * A customer Stripe deletes leaves no trace of their email address or name
 * anywhere in our database, while the merchant's figures stay as they were.
 * Everything runs for real: the sandbox sends signed webhooks to the app,
 * emails go through the Postmark receiver and its webhooks come back, the
 * merchant uses the API (an idempotent POST, an outbound webhook endpoint).
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z');
const ACCOUNT = 'acct_selfhosted_test';
const postmarkAuth = `Basic ${Buffer.from(`postmark:${TEST_POSTMARK_WEBHOOK_PASSWORD}`).toString('base64')}`;

const DELETED = { email: 'quentin.abernathy@example.org', name: 'Quentin Abernathy' };
const STAYING = { email: 'rosalind.fairweather@example.org', name: 'Rosalind Fairweather' };

let world: RecoveryWorld;

beforeEach(async () => {
  const collections = await db.connection.db!.listCollections().toArray();
  await Promise.all(collections.map((found) => db.connection.collection(found.name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

/** Every document of every collection, as JSON text, by collection. */
async function dumpDatabase(): Promise<Record<string, string>> {
  const collections = await db.connection.db!.listCollections().toArray();
  const dump: Record<string, string> = {};
  for (const { name } of collections) dump[name] = JSON.stringify(await db.connection.collection(name).find({}).toArray());
  return dump;
}

/** The collections whose dump contains `text`, ignoring case. */
function collectionsMentioning(dump: Record<string, string>, text: string): string[] {
  return Object.entries(dump)
    .filter(([, json]) => json.toLowerCase().includes(text.toLowerCase()))
    .map(([name]) => name);
}

/** A failing subscription customer with these details, whose renewal fails and gets the first two dunning emails. */
function failingCustomer(person: { email: string; name: string }) {
  const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
  world.sandbox.billing.updateCustomer('platform', customer.customerId, { email: person.email, name: person.name }, null);
  world.sandbox.billing.renew('platform', customer.subscriptionId);
  return customer;
}

async function merchantKey(): Promise<string> {
  const created = await world.container.apiKeys.create({ accountId: ACCOUNT, livemode: true, name: 'privacy test', scope: 'read_write', now: world.clock.now() });
  return created.key;
}

async function statsOf(key: string) {
  const response = await request(world.backend.server).get('/api/dashboard/stats').set('authorization', `Bearer ${key}`);
  expect(response.status).toBe(200);
  return response.body as Record<string, unknown>;
}

describe('customer.deleted from Stripe', () => {
  it('leaves neither the email address nor the name in any collection, and keeps amounts and outcomes', async () => {
    const key = await merchantKey();
    const endpoint = await request(world.backend.server).post('/api/webhook-endpoints').set('authorization', `Bearer ${key}`).send({ url: 'http://127.0.0.1:9/hooks', enabledEvents: ['*'] });
    expect(endpoint.status).toBe(201);

    const deleted = failingCustomer(DELETED);
    const staying = failingCustomer(STAYING);
    await world.runUntil(new Date(start.getTime() + 4 * DAY));
    const sent = world.postmark.state.emails.filter((email) => email.to === DELETED.email);
    expect(sent.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2']);

    // Postmark reports the delivery, an open, then a hard bounce of the address (a suppression by address).
    for (const record of [
      { RecordType: 'Delivery', MessageID: sent[0]!.messageId, Recipient: DELETED.email, DeliveredAt: world.clock.now().toISOString(), Metadata: sent[0]!.metadata },
      { RecordType: 'Open', MessageID: sent[0]!.messageId, Recipient: DELETED.email, ReceivedAt: world.clock.now().toISOString(), Metadata: sent[0]!.metadata },
      { RecordType: 'Bounce', Type: 'HardBounce', Inactive: true, MessageID: sent[1]!.messageId, Email: DELETED.email, Metadata: sent[1]!.metadata },
    ]) {
      const response = await request(world.backend.server).post('/api/webhooks/postmark').set('authorization', postmarkAuth).set('content-type', 'application/json').send(JSON.stringify(record));
      expect(response.status).toBe(200);
    }
    // The merchant pauses the case with an idempotency key: the answer is kept for replays.
    const [found] = await world.container.cases.listByCustomer(ACCOUNT, true, deleted.customerId, 1);
    const paused = await request(world.backend.server).post('/api/recovery/pause').set('authorization', `Bearer ${key}`).set('idempotency-key', 'pause-1').send({ caseId: found!.id });
    expect(paused.status).toBe(200);
    await world.settle();

    const before = await dumpDatabase();
    // The set-up reached every kind of place: otherwise a clean scan below would prove little.
    expect(collectionsMentioning(before, DELETED.email)).toEqual(expect.arrayContaining(['recoveryCases', 'renewals', 'stripeEvents', 'emailSuppressions']));
    expect(collectionsMentioning(before, DELETED.name)).toEqual(expect.arrayContaining(['recoveryCases', 'renewals', 'stripeEvents']));
    expect(collectionsMentioning(before, 'q***@example.org')).toEqual(expect.arrayContaining(['outboundEvents', 'idempotencyKeys']));
    const statsBefore = await statsOf(key);

    world.sandbox.billing.deleteCustomer('platform', deleted.customerId, null);
    await world.settle();

    const after = await dumpDatabase();
    expect(collectionsMentioning(after, DELETED.email)).toEqual([]);
    expect(collectionsMentioning(after, DELETED.name)).toEqual([]);
    expect(collectionsMentioning(after, 'q***@example.org')).toEqual([]);
    // Not even the first name the emails greeted them with.
    expect(collectionsMentioning(after, 'Quentin')).toEqual([]);
    // Every collection the scenario filled is in the privacy map: a new one must say what it holds.
    expect(Object.keys(after).filter((name) => !PERSONAL_DATA_MAP.some((entry) => entry.collection === name))).toEqual([]);
    // Another customer of the same merchant keeps everything.
    expect(collectionsMentioning(after, STAYING.email)).toEqual(expect.arrayContaining(['recoveryCases', 'renewals', 'stripeEvents']));
    expect(collectionsMentioning(after, STAYING.name)).toEqual(expect.arrayContaining(['recoveryCases', 'renewals']));

    // What the merchant counts stays: the case's amount, its outcome, its emails' fates; the dashboard's figures.
    const erased = (await world.container.cases.findById(ACCOUNT, true, found!.id))!;
    expect(erased).toMatchObject({ stripeCustomerId: deleted.customerId, amountMinor: 4900, currency: 'usd', customerEmail: null, customerName: null, status: 'churned' });
    expect(erased.outcome).toMatchObject({ status: 'churned', reason: 'subscription_canceled' });
    expect(erased.emails.map((email) => [email.status, email.opens, email.contentId])).toEqual([
      ['delivered', 1, null],
      ['bounced', 0, null],
    ]);
    // The churn the deletion caused moves a case out of the active ones; what failed, was recovered and was emailed stays.
    const statsAfter = await statsOf(key);
    const failedAmounts = (stats: Record<string, unknown>) => (stats.currencies as { currency: string; failedThisMonthMinor: number }[]).map(({ currency, failedThisMonthMinor }) => ({ currency, failedThisMonthMinor }));
    expect(statsAfter).toMatchObject({ failedThisMonth: 2, recoveredTotal: statsBefore.recoveredTotal, emails: statsBefore.emails });
    expect(statsBefore.failedThisMonth).toBe(2);
    expect(failedAmounts(statsAfter)).toEqual([{ currency: 'usd', failedThisMonthMinor: 9800 }]);
    const deletion = await db.connection.collection('stripeEvents').findOne({ type: 'customer.deleted' });
    expect(deletion).toMatchObject({ status: 'handled', outcome: expect.stringContaining(`customer ${deleted.customerId} erased`) });
    expect(staying.customerId).not.toBe(deleted.customerId);
  });

  it('changes nothing more when Stripe delivers the same customer.deleted again, or it is handled twice', async () => {
    const deleted = failingCustomer(DELETED);
    await world.runUntil(new Date(start.getTime() + DAY));
    world.sandbox.billing.deleteCustomer('platform', deleted.customerId, null);
    await world.settle();
    const once = await dumpDatabase();

    const event = world.sandbox.state.account('platform').events.find((candidate) => candidate.type === 'customer.deleted')!;
    const again = await request(world.backend.server)
      .post('/api/webhooks/stripe')
      .set('content-type', 'application/json')
      .set('stripe-signature', signPayload(JSON.stringify(event), TEST_WEBHOOK_SECRET))
      .send(JSON.stringify(event));
    expect(again.status).toBe(200);
    await world.settle();
    expect(await dumpDatabase()).toEqual(once);
    expect(collectionsMentioning(once, DELETED.email)).toEqual([]);

    // Handled a second time, as after a crash between handling and recording it: it erases nothing more than its own new copy.
    await db.connection.collection('stripeEvents').deleteOne({ _id: event.id as never });
    const redelivered = await request(world.backend.server).post('/api/webhooks/stripe').set('content-type', 'application/json').set('stripe-signature', signPayload(JSON.stringify(event), TEST_WEBHOOK_SECRET)).send(JSON.stringify(event));
    expect(redelivered.status).toBe(200);
    await world.settle();
    const twice = await dumpDatabase();
    const { stripeEvents: _records, ...rest } = twice;
    const { stripeEvents: _before, ...restBefore } = once;
    expect(rest).toEqual(restBefore);
    expect(await db.connection.collection('stripeEvents').findOne({ _id: event.id as never })).toMatchObject({ status: 'handled', outcome: `customer ${deleted.customerId} erased (stripeEventInbox 1)` });
    expect(collectionsMentioning(twice, DELETED.email)).toEqual([]);
  });

  it('erases what Stripe sends about the customer after the deletion, with the worker’s erase-late-customer-data job', async () => {
    const deleted = failingCustomer(DELETED);
    await world.runUntil(new Date(start.getTime() + DAY));
    world.sandbox.billing.deleteCustomer('platform', deleted.customerId, null);
    await world.settle();

    // A late event about the customer (say Stripe retried its delivery), carrying their address and name again.
    const [found] = await world.container.cases.listByCustomer(ACCOUNT, true, deleted.customerId, 1);
    const invoiceId = found!.target.kind === 'invoice' ? found!.target.invoiceId : '';
    const late = stripeEvent('invoice.voided', invoice({ id: invoiceId, customer: deleted.customerId, customer_email: DELETED.email, customer_name: DELETED.name, status: 'void' }), { livemode: true, created: Math.floor(world.clock.now().getTime() / 1000) });
    const delivered = await request(world.backend.server).post('/api/webhooks/stripe').set('content-type', 'application/json').set('stripe-signature', signPayload(JSON.stringify(late), TEST_WEBHOOK_SECRET)).send(JSON.stringify(late));
    expect(delivered.status).toBe(200);
    await world.settle();
    expect(collectionsMentioning(await dumpDatabase(), DELETED.email)).toEqual(['stripeEvents']);

    const job = workerJobNamed(world.container, ERASE_LATE_ARRIVALS_JOB);
    await job.run();
    const after = await dumpDatabase();
    expect(collectionsMentioning(after, DELETED.email)).toEqual([]);
    expect(collectionsMentioning(after, DELETED.name)).toEqual([]);

    // Once late deliveries can no longer come, the erasure is forgotten.
    world.clock.advance(5 * DAY);
    await job.run();
    expect(await db.connection.collection('erasedCustomers').countDocuments({})).toBe(0);
  });

  it('in test mode, erases the emails recorded instead of sent, and the merchant can no longer read them', async () => {
    await world.stop();
    world = await createRecoveryWorld(db.connection, { start, livemode: false });
    const deleted = failingCustomer(DELETED);
    await world.runUntil(new Date(start.getTime() + 4 * DAY));
    const [found] = await world.container.cases.listByCustomer(ACCOUNT, false, deleted.customerId, 1);
    expect(found!.emails.map((email) => email.delivery)).toEqual(['recorded_test_mode', 'recorded_test_mode']);
    const { key } = await world.container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'test mode', scope: 'read', now: world.clock.now() });
    const read = (index: number) => request(world.backend.server).get(`/api/recovery/emails/${found!.id}/${index}`).set('authorization', `Bearer ${key}`);
    expect([(await read(0)).body.to, (await read(1)).body.to]).toEqual([DELETED.email, DELETED.email]);

    world.sandbox.billing.deleteCustomer('platform', deleted.customerId, null);
    await world.settle();
    const after = await dumpDatabase();
    expect(collectionsMentioning(after, DELETED.email)).toEqual([]);
    expect(collectionsMentioning(after, DELETED.name)).toEqual([]);
    expect((await read(0)).status).toBe(404);
    const erased = (await world.container.cases.findById(ACCOUNT, false, found!.id))!;
    expect(erased.emails.map((email) => [email.delivery, email.contentId])).toEqual([
      ['recorded_test_mode', null],
      ['recorded_test_mode', null],
    ]);
    expect(await db.connection.collection('emailContents').countDocuments({ stripeCustomerId: deleted.customerId })).toBe(0);
  });
});
