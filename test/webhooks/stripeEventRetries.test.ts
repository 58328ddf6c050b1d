import { useTestDatabase } from '../support/testDatabase';
import { createTestApp, SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { startStripeMock, STRIPE_MOCK_START_MS, type LocalService } from '../support/localServices';
import { invoice, paymentIntent, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { storedEvent } from '../support/storedEvents';
import { createStripeEventStore, nextEventAttemptAt, MAX_EVENT_ATTEMPTS, type StoredStripeEvent } from '../../backend/src/webhooks';

const db = useTestDatabase();
let stripeMock: LocalService;

beforeAll(async () => {
  stripeMock = await startStripeMock();
}, STRIPE_MOCK_START_MS);
afterAll(async () => {
  await stripeMock?.stop();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
});

/** An event stored by an instance that crashed before handling it: still pending, lease run out. */
function leftOverEvent(event: Record<string, unknown>, now: Date): StoredStripeEvent {
  return storedEvent(event, new Date(now.getTime() - 60_000), { attempts: 1, leaseOwner: 'crashed-instance', leaseUntil: new Date(now.getTime() - 1000) });
}

describe('events stored but not handled', () => {
  it('left pending in the record by a version before the inbox are taken over and handled once', async () => {
    const { container } = await createTestApp(db.connection);
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_older_version' }));
    const { eventId, ...stored } = leftOverEvent(event, new Date());
    await db.connection.collection<Record<string, unknown> & { _id: string }>('stripeEvents').insertOne({ _id: eventId, eventId, ...stored });

    expect(await container.stripeEventProcessor.sweep(10)).toBe(1);
    expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_older_version')).toMatchObject({ status: 'active', failureCount: 1 });
    expect(await db.connection.collection('stripeEvents').find({}).toArray()).toEqual([expect.objectContaining({ _id: eventId, status: 'handled' })]);
    expect(await db.connection.collection('stripeEventInbox').countDocuments()).toBe(0);
  });

  it('are handled by the next sweep after a crash between store and handle', async () => {
    const { container } = await createTestApp(db.connection);
    const events = createStripeEventStore(db.connection);
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_crash' }));
    await events.record(leftOverEvent(event, new Date()));

    expect(await container.stripeEventProcessor.sweep(10)).toBe(1);
    expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_crash')).toMatchObject({ status: 'active' });
    expect(await events.find(event.id as string)).toMatchObject({ status: 'handled', attempts: 2 });
  });

  it('are left alone while another instance still holds their lease', async () => {
    const { container } = await createTestApp(db.connection);
    const events = createStripeEventStore(db.connection);
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_busy' }));
    await events.record({ ...leftOverEvent(event, new Date()), leaseUntil: new Date(Date.now() + 60_000) });
    expect(await container.stripeEventProcessor.sweep(10)).toBe(0);
  });

  it('are retried later when handling fails (Stripe unreachable), then handled once Stripe answers', async () => {
    // The first instance's Stripe client points at a closed port.
    const broken = await createTestApp(db.connection, { env: { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_BASE: 'http://127.0.0.1:9' } });
    const event = stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_current_shape' }), { created: T0 });
    const response = await broken.deliver(event);
    expect(response.status).toBe(200);
    const events = createStripeEventStore(db.connection);
    const afterFailure = await events.find(event.id as string);
    expect(afterFailure).toMatchObject({ status: 'pending', leaseOwner: null });
    expect(afterFailure!.lastError).toBeTruthy();
    expect(afterFailure!.leaseUntil.getTime()).toBeGreaterThan(Date.now());

    // Later, an instance that reaches Stripe (stripe-mock: the real API's request contract) sweeps it.
    const later = new Date(afterFailure!.leaseUntil.getTime() + 1);
    const healthy = await createTestApp(db.connection, { env: { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_BASE: stripeMock.url }, clock: { now: () => later } });
    expect(await healthy.container.stripeEventProcessor.sweep(10)).toBe(1);
    // lastError in the expectation puts the reason of a failed second attempt in the test's output.
    expect(await events.find(event.id as string)).toMatchObject({ status: 'handled', lastError: null });
    // stripe-mock links every payment to its fixture invoice id "invoice": the case is opened on it.
    expect(await healthy.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:invoice')).toMatchObject({ status: 'active', decline: { declineCode: 'insufficient_funds' } });
  }, 60_000);
});

describe('nextEventAttemptAt', () => {
  const now = new Date('2026-05-01T12:00:00Z');
  it.each([
    [1, '2026-05-01T12:00:05.000Z'],
    [2, '2026-05-01T12:00:10.000Z'],
    [4, '2026-05-01T12:00:40.000Z'],
    [11, '2026-05-01T13:00:00.000Z'],
  ])('after attempt %i retries at %s', (attempts, expected) => {
    expect(nextEventAttemptAt(attempts, now).toISOString()).toBe(expected);
  });
});

it('parks an event as failed, for a person to look at, after its last allowed attempt', async () => {
  const broken = await createTestApp(db.connection, { env: { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_BASE: 'http://127.0.0.1:9' } });
  const events = createStripeEventStore(db.connection);
  const event = stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_hopeless' }));
  await events.record({ ...leftOverEvent(event, new Date()), attempts: MAX_EVENT_ATTEMPTS - 1 });
  expect(await broken.container.stripeEventProcessor.sweep(10)).toBe(1);
  expect(await events.find(event.id as string)).toMatchObject({ status: 'failed', attempts: MAX_EVENT_ATTEMPTS });
  expect(await broken.container.stripeEventProcessor.sweep(10)).toBe(0);
}, 60_000);
