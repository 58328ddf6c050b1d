import { ensureRawEventExpiryIndex, RAW_EVENT_TTL_INDEX } from '../../backend/src/privacy';
import { PURGE_RAW_EVENTS_JOB } from '../../backend/src/scheduler';
import { ManualClock } from '../support/recoveryWorld';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { workerJobNamed } from '../support/workerJobs';

/**
 * Stripe's raw events are kept RAW_EVENT_RETENTION_DAYS (30 by default) after
 * receipt: a TTL index where the database deletes by itself (MongoDB), and
 * the worker's purge job everywhere, since FerretDB 1.x does not.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-01T12:00:00Z');

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
});

describe('the expiry index on stripeEvents.receivedAt', () => {
  it('exists after start-up: a TTL of the retention where the database takes one, a plain index for the purge job where it refuses (FerretDB)', async () => {
    await createTestApp(db.connection, { env: { RAW_EVENT_RETENTION_DAYS: '30' } });
    const indexes = await db.connection.collection('stripeEvents').indexes();
    const onReceivedAt = indexes.filter((index) => JSON.stringify(index.key) === JSON.stringify({ receivedAt: 1 }));
    expect(onReceivedAt).toHaveLength(1);
    const kind = onReceivedAt[0]!.name === RAW_EVENT_TTL_INDEX ? 'ttl' : 'plain';
    // Asking again says the same, and a TTL index carries the retention in seconds.
    expect(await ensureRawEventExpiryIndex(db.connection, 30)).toBe(kind);
    const expected = kind === 'ttl' ? { name: RAW_EVENT_TTL_INDEX, expireAfterSeconds: 30 * 86_400 } : { name: 'receivedAt_1' };
    expect(onReceivedAt[0]).toMatchObject(expected);
  });

  it('follows a changed retention where the database keeps TTL indexes, and stays one index either way', async () => {
    const kind = await ensureRawEventExpiryIndex(db.connection, 7);
    const onReceivedAt = (await db.connection.collection('stripeEvents').indexes()).filter((index) => JSON.stringify(index.key) === JSON.stringify({ receivedAt: 1 }));
    expect(onReceivedAt).toHaveLength(1);
    if (kind === 'ttl') expect(onReceivedAt[0]!.expireAfterSeconds).toBe(7 * 86_400);
    else expect(onReceivedAt[0]!.expireAfterSeconds).toBeUndefined();
    await ensureRawEventExpiryIndex(db.connection, 30);
  });
});

describe(`the ${PURGE_RAW_EVENTS_JOB} job`, () => {
  it('deletes recorded events received more than the retention ago, and keeps newer ones, waiting ones and settlement markers', async () => {
    const clock = new ManualClock(start);
    const testApp = await createTestApp(db.connection, { clock, env: { RAW_EVENT_RETENTION_DAYS: '30' } });
    const old = stripeEvent('invoice.paid', invoice({ id: 'in_old', status: 'paid', customer_email: 'old@example.com' }));
    await testApp.deliver(old);
    clock.advance(20 * DAY);
    const recent = stripeEvent('invoice.payment_failed', invoice({ id: 'in_recent', customer_email: 'recent@example.com' }));
    await testApp.deliver(recent);
    clock.advance(11 * DAY);
    // Delivered without handling: it waits in the inbox, and waiting events never expire.
    await db.connection.collection('stripeEventInbox').insertOne({ _id: 'evt_waiting' as never, eventId: 'evt_waiting', receivedAt: start, payload: '{}' });

    const purge = workerJobNamed(testApp.container, PURGE_RAW_EVENTS_JOB);
    await purge.run();

    const kept = await db.connection.collection('stripeEvents').find({}).toArray();
    expect(kept.map((event) => event.eventId)).toEqual([recent.id]);
    expect(await db.connection.collection('stripeEventInbox').countDocuments({ _id: 'evt_waiting' as never })).toBe(1);
    // "This invoice was paid" outlives the payload: a late failure of in_old still opens nothing.
    expect(await testApp.container.stripeEvents.hasSettlement('acct_selfhosted_test', 'in_old')).toBe(true);

    clock.advance(20 * DAY);
    await purge.run();
    expect(await db.connection.collection('stripeEvents').countDocuments({})).toBe(0);
  });

  it('lets a re-delivery of a purged event change nothing: the case remembers the events it applied', async () => {
    const clock = new ManualClock(start);
    const testApp = await createTestApp(db.connection, { clock });
    const failed = stripeEvent('invoice.payment_failed', invoice({ id: 'in_again' }));
    await testApp.deliver(failed);
    const before = (await testApp.container.cases.findByKey('acct_selfhosted_test', false, 'invoice:in_again'))!;
    clock.advance(31 * DAY);
    await testApp.container.privacy.purgeExpiredRawEvents();
    expect(await db.connection.collection('stripeEvents').countDocuments({ eventId: failed.id })).toBe(0);

    await testApp.deliver(failed);
    const after = (await testApp.container.cases.findByKey('acct_selfhosted_test', false, 'invoice:in_again'))!;
    expect(after.failureCount).toBe(before.failureCount);
    expect(after.timeline.length).toBe(before.timeline.length);
  });
});
