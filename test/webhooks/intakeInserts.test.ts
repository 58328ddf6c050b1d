import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { createStripeEventStore, type StoredStripeEvent } from '../../backend/src/webhooks/stripeEventStore';
import { testDatabaseUri } from '../support/testDatabase';

/**
 * Intake's inserts on the real dev database, watched on the wire: webhooks
 * arriving together share an insert command, and each still learns whether
 * its own event was new.
 */
const dbName = `test_${randomBytes(6).toString('hex')}`;
let connection: Connection;
const inserts: CommandStartedEvent[] = [];
const AT = new Date('2026-06-01T09:00:00Z');

beforeAll(async () => {
  connection = mongoose.createConnection(testDatabaseUri(), { dbName, monitorCommands: true, bufferCommands: false });
  await connection.asPromise();
  connection.getClient().on('commandStarted', (event) => {
    if (event.commandName === 'insert') inserts.push(event);
  });
});
afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});
beforeEach(async () => {
  await Promise.all(['stripeEvents', 'stripeEventInbox'].map((name) => connection.collection(name).deleteMany({})));
  inserts.length = 0;
});

const waiting = (eventId: string): StoredStripeEvent => ({
  eventId, accountId: 'acct_intake', livemode: true, isAppInstall: true, type: 'invoice.payment_failed', objectId: `in_${eventId}`,
  eventCreatedAt: AT, payload: `{"id":"${eventId}"}`, status: 'pending', attempts: 0, leaseOwner: null, leaseUntil: AT,
  outcome: null, lastError: null, receivedAt: AT, handledAt: null,
});
const ignored = (eventId: string): StoredStripeEvent => ({ ...waiting(eventId), type: 'customer.created', objectId: null, status: 'ignored', outcome: 'event type customer.created is not used', handledAt: AT });
const insertsInto = (collection: string) => inserts.filter((sent) => sent.command.insert === collection);

it('stores webhooks that arrive together in a few insert commands, each event once, and tells each caller whether its event was new', async () => {
  const events = createStripeEventStore(connection);
  expect(await events.record(waiting('evt_known'))).toBe('stored');
  inserts.length = 0;

  const burst = Array.from({ length: 30 }, (_, n) => waiting(`evt_burst_${n}`));
  // Stripe re-sends an event it already has from us, and sends a new one twice at once.
  const results = await Promise.all([...burst, waiting('evt_known'), waiting('evt_twice'), waiting('evt_twice')].map((event) => events.record(event)));

  expect(results.slice(0, 30)).toEqual(Array(30).fill('stored'));
  expect(results[30]).toBe('duplicate');
  expect(results.slice(31).sort()).toEqual(['duplicate', 'stored']);
  expect(await connection.collection('stripeEventInbox').countDocuments()).toBe(32);
  // The first goes out alone; those that came while it was in flight go in the next command.
  expect(insertsInto('stripeEventInbox').length).toBeLessThanOrEqual(3);
  expect(insertsInto('stripeEventInbox').flatMap((sent) => sent.command.documents as { _id: string }[]).map((doc) => doc._id)).toHaveLength(33);
});

it('sends a lone webhook at once, in an insert of its own, into the record when its type is not used', async () => {
  const events = createStripeEventStore(connection);
  expect(await events.record(ignored('evt_ignored'))).toBe('stored');
  expect(await events.record(waiting('evt_alone'))).toBe('stored');
  expect(insertsInto('stripeEvents').map((sent) => (sent.command.documents as { _id: string }[]).map((doc) => doc._id))).toEqual([['evt_ignored']]);
  expect(insertsInto('stripeEventInbox').map((sent) => (sent.command.documents as { _id: string }[]).map((doc) => doc._id))).toEqual([['evt_alone']]);
  expect(await connection.collection('stripeEvents').findOne({ _id: 'evt_ignored' as never })).toMatchObject({ status: 'ignored', type: 'customer.created' });
});

it('answers every caller with the error when the insert cannot be sent, and stores none of them', async () => {
  const events = createStripeEventStore(connection);
  await connection.close();
  try {
    const results = await Promise.allSettled([waiting('evt_down_1'), waiting('evt_down_2')].map((event) => events.record(event)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  } finally {
    connection = mongoose.createConnection(testDatabaseUri(), { dbName, monitorCommands: true, bufferCommands: false });
    await connection.asPromise();
  }
  expect(await connection.collection('stripeEventInbox').countDocuments({ _id: { $in: ['evt_down_1', 'evt_down_2'] } as never })).toBe(0);
});

it('takes a finished batch out of the inbox with one delete statement, leaving an event another worker claimed since', async () => {
  const events = createStripeEventStore(connection);
  for (const eventId of ['evt_a', 'evt_b', 'evt_c']) await events.record(waiting(eventId));
  const claimed = await events.claimBatch('worker-1', new Date(AT.getTime() + 1000), 60_000, 10);
  expect(claimed).toHaveLength(3);
  // worker-1's lease on evt_c ran out and worker-2 holds it now: worker-1's finish must not take it away.
  await connection.collection('stripeEventInbox').updateOne({ _id: 'evt_c' as never }, { $set: { leaseOwner: 'worker-2#0000' } });
  const deletes: CommandStartedEvent[] = [];
  const watch = (event: CommandStartedEvent) => event.commandName === 'delete' && deletes.push(event);
  connection.getClient().on('commandStarted', watch);

  await events.finishAll(claimed.map((event) => ({ event, status: 'handled', outcome: 'done', at: AT })), []);

  connection.getClient().off('commandStarted', watch);
  // One delete statement for the batch, not one per event (each a query and a transaction of its own on the dev database).
  expect(deletes.flatMap((sent) => sent.command.deletes as unknown[])).toHaveLength(1);
  expect((await connection.collection('stripeEventInbox').find({}).toArray()).map((doc) => doc._id)).toEqual(['evt_c']);
});
