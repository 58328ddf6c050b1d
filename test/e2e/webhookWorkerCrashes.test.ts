import type { OutboundEvent } from '../../backend/src/outbound';
import { startServer, waitFor, type RunningServer } from '../support/serverProcesses';
import { createTestApp, TEST_SECRETS } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { createWebhookReceiver } from '../support/webhookReceiverProcess';

/**
 * Worker processes (ROLE=worker) deliver webhooks to a real receiver process
 * that answers slowly. Again and again, a worker is killed with SIGKILL at a
 * moment it holds deliveries in flight (its lease is in the database) while
 * events keep being published. Every event must still arrive, signed, at
 * least once; what arrives twice is the same event, so receivers dedupe by id.
 */
const db = useTestDatabase();
const ACCOUNT = 'acct_webhook_crashes';
const BATCHES = 5;
const PER_BATCH = 15;

function eventsOfBatch(batch: number): OutboundEvent[] {
  return Array.from({ length: PER_BATCH }, (_, i) => ({
    id: `evt_rec_crash_${batch}_${i}`,
    object: 'event' as const,
    type: 'recovery.retry_failed' as const,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    account: ACCOUNT,
    // Case i's events are numbered by batch: 1, 2, 3…
    sequence: batch + 1,
    data: { object: { id: `case_${i}`, object: 'recovery_case' } },
  }));
}

it('delivers every event at least once while workers are killed with deliveries in flight', async () => {
  const testApp = await createTestApp(db.connection);
  const receiver = await createWebhookReceiver({ delayMs: 800 });
  const created = await testApp.container.outboundWebhooks.endpoints.create(ACCOUNT, false, { url: receiver.url, enabledEvents: ['*'] }, new Date());
  if (!created.ok) throw new Error(created.refusal.message);
  await receiver.setSecrets({ current: created.value.secret });
  await receiver.start();

  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  const env = { ...TEST_SECRETS, NODE_ENV: 'test', ROLE: 'worker', LOG_LEVEL: 'warn', MONGODB_URI: uri.toString(), WORKER_LEASE_SECONDS: '2', STRIPE_ACCOUNT_ID: ACCOUNT };
  const workers: RunningServer[] = [startServer(env), startServer(env)];
  const deliveries = db.connection.collection('webhookDeliveries');
  /** A worker whose request the receiver is holding right now: it leases (pid in the lease owner) a delivery the receiver got. */
  const workerInFlight = async () => {
    const leased = await deliveries.find({ leaseUntil: { $gt: new Date() } }, { projection: { leaseOwner: 1, eventId: 1 } }).toArray();
    const arrived = new Set(receiver.received().map((entry) => entry.eventId));
    const held = leased.filter((delivery) => arrived.has(delivery.eventId as string));
    return workers.find((worker) => held.some((delivery) => String(delivery.leaseOwner).includes(`:${worker.child.pid}:`)));
  };
  const published: OutboundEvent[] = [];
  let kills = 0;
  let received: ReturnType<typeof receiver.received> = [];
  try {
    for (let batch = 0; batch < BATCHES; batch += 1) {
      const events = eventsOfBatch(batch);
      await testApp.container.outboundWebhooks.publisher.publish(events);
      published.push(...events);
      const victim = await waitFor(workerInFlight, 'a worker with deliveries in flight', 15_000);
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills += 1;
      workers.splice(workers.indexOf(victim), 1, startServer(env));
    }
    await waitFor(async () => ((await deliveries.countDocuments({ status: { $ne: 'succeeded' } })) === 0 ? true : undefined), 'every delivery to succeed', 20_000);
    received = receiver.received();
  } finally {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await receiver.dispose();
  }

  expect(kills).toBe(BATCHES);
  expect(received.every((entry) => entry.validFor.includes('current') && entry.status === 200)).toBe(true);
  const byId = new Map(received.map((entry) => [entry.eventId, entry]));
  expect([...byId.keys()].sort()).toEqual(published.map((event) => event.id).sort());
  // Killed mid-request: the receiver got it, the worker never recorded it, the next worker sent it again (once per kill at least).
  expect(received.length - byId.size).toBeGreaterThanOrEqual(kills);
  for (const entry of received) expect(entry.sequence).toBe(byId.get(entry.eventId)!.sequence);
}, 60_000);
