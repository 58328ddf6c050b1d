import { startPostmarkReceiver, type PostmarkReceiver } from '../../devservices/postmark-receiver/postmarkReceiver';
import { RECOVERY_EVENT_TYPES, type OutboundEvent, type OutboundEventType } from '../../backend/src/outbound';
import { ManualClock } from '../support/recoveryWorld';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { createWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiverProcess';

/**
 * Events published through the webhook sink reach a real receiver process on
 * loopback, which checks every signature with verifyRecoveryWebhook. Time is
 * the manual clock: two hours of downtime or three days of failures take
 * seconds. The receiver's tolerance is wide because signing times are simulated.
 */
const db = useTestDatabase();
const ACCOUNT = 'acct_webhook_scenarios';
const START = new Date('2026-03-02T09:00:00Z');
let clock: ManualClock;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let receiver: WebhookReceiver;
let postmark: PostmarkReceiver;

beforeEach(async () => {
  await Promise.all(['webhookEndpoints', 'webhookDeliveries', 'outboundEvents', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
  clock = new ManualClock(START);
  postmark = await startPostmarkReceiver({ now: () => clock.now() });
  testApp = await createTestApp(db.connection, { clock, env: { POSTMARK_SERVER_TOKEN: 'server-token-test', POSTMARK_API_BASE: postmark.url } });
  receiver = await createWebhookReceiver({ toleranceSeconds: 10 * 365 * 24 * 3600 });
});
afterEach(async () => {
  await receiver.dispose();
  await postmark.stop();
});

const webhooks = () => testApp.container.outboundWebhooks;
let counter = 0;
function event(type: OutboundEventType, options: { account?: string; sequence?: number } = {}): OutboundEvent {
  counter += 1;
  return { id: `evt_rec_scenario_${counter}`, object: 'event', type, created: Math.floor(clock.now().getTime() / 1000), livemode: false, account: options.account ?? ACCOUNT, sequence: options.sequence ?? counter, data: { object: { id: 'case_1', object: 'recovery_case' } } };
}
async function endpoint(enabledEvents: string[] = ['*'], path = '') {
  const created = await webhooks().endpoints.create(ACCOUNT, false, { url: `${receiver.url}${path}`, enabledEvents }, clock.now());
  if (!created.ok) throw new Error(created.refusal.message);
  return created.value;
}
/** Runs the delivery job until nothing is due now. */
async function deliverDue(): Promise<void> {
  for (let runs = 0; runs < 100 && (await webhooks().deliveries.runDue(25)) > 0; runs += 1);
}
const deliveries = () => db.connection.collection('webhookDeliveries').find({}).toArray();
/** Moves the clock to the earliest next attempt and runs it; false when nothing waits. */
async function runNextRetry(): Promise<boolean> {
  const waiting = (await deliveries()).filter((delivery) => delivery.nextAttemptAt && ['pending', 'failed'].includes(delivery.status));
  const next = waiting.map((delivery) => delivery.nextAttemptAt as Date).sort((a, b) => a.getTime() - b.getTime())[0];
  if (!next) return false;
  clock.set(next);
  await deliverDue();
  return true;
}

it('delivers each published event once, signed, to every endpoint subscribed to its type, and a second publish creates nothing', async () => {
  const all = await endpoint(['*'], '/all');
  await endpoint(['recovery.succeeded'], '/succeeded');
  await receiver.setSecrets({ all: all.secret });
  await receiver.start();
  const events = RECOVERY_EVENT_TYPES.map((type) => event(type));
  await webhooks().publisher.publish([...events, event('recovery.succeeded', { account: 'acct_someone_else' })]);
  await webhooks().publisher.publish(events);
  await deliverDue();

  const received = receiver.received();
  const toAll = received.filter((entry) => entry.path === '/hooks/recovery/all');
  expect(toAll.map((entry) => entry.type)).toEqual(expect.arrayContaining([...RECOVERY_EVENT_TYPES]));
  expect(toAll).toHaveLength(RECOVERY_EVENT_TYPES.length);
  expect(toAll.every((entry) => entry.validFor.includes('all') && entry.status === 200 && entry.headerEventId === entry.eventId && entry.account === ACCOUNT)).toBe(true);
  expect(received.filter((entry) => entry.path === '/hooks/recovery/succeeded').map((entry) => entry.type)).toEqual(['recovery.succeeded']);
  expect(await db.connection.collection('webhookDeliveries').countDocuments({})).toBe(RECOVERY_EVENT_TYPES.length + 1);
  const [logged] = (await webhooks().deliveryStore.listForEndpoint(ACCOUNT, false, all.endpoint.id, 1, null))!;
  expect(logged).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200, error: null, latencyMs: expect.any(Number) }], nextAttemptAt: null });
}, 40_000);

it('keeps trying while the receiver is down for two hours, then delivers every event', async () => {
  const created = await endpoint();
  await receiver.setSecrets({ current: created.secret });
  const events = [event('recovery.case_opened'), event('recovery.retry_failed'), event('recovery.blocked'), event('recovery.succeeded')];
  await webhooks().publisher.publish(events);
  for (let minute = 0; minute <= 120; minute += 5) {
    clock.set(new Date(START.getTime() + minute * 60_000));
    await deliverDue();
  }
  const whileDown = await deliveries();
  expect(whileDown.every((delivery) => delivery.status === 'failed' && delivery.attempts.length >= 6)).toBe(true);
  expect(whileDown[0]!.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });

  await receiver.start();
  for (let steps = 0; steps < 10 && (await runNextRetry()); steps += 1);
  const received = receiver.received();
  expect(new Set(received.map((entry) => entry.eventId))).toEqual(new Set(events.map((sent) => sent.id)));
  expect(received.every((entry) => entry.validFor.includes('current'))).toBe(true);
  expect((await deliveries()).every((delivery) => delivery.status === 'succeeded')).toBe(true);
  // Back within the next back-off step after two hours: at most 2 h 8 min after it came back.
  expect(clock.now().getTime() - START.getTime()).toBeLessThanOrEqual((120 + 128) * 60_000);
}, 40_000);

it('signs with both secrets during a rotation overlap and with only the new one after it', async () => {
  const created = await endpoint();
  const rotated = await webhooks().endpoints.rotateSecret(ACCOUNT, false, created.endpoint.id, 1, clock.now());
  if (!rotated.ok) throw new Error(rotated.refusal.message);
  await receiver.setSecrets({ old: created.secret, new: rotated.value.secret });
  await receiver.start();
  await webhooks().publisher.publish([event('recovery.case_opened')]);
  await deliverDue();
  clock.advance(61 * 60_000);
  await webhooks().publisher.publish([event('recovery.succeeded')]);
  await deliverDue();

  expect(receiver.received().map(({ type, signatures, validFor }) => ({ type, signatures, validFor }))).toEqual([
    { type: 'recovery.case_opened', signatures: 2, validFor: ['old', 'new'] },
    { type: 'recovery.succeeded', signatures: 1, validFor: ['new'] },
  ]);
}, 40_000);

it('abandons after 3 days of failures, disables the endpoint with a reason and emails the merchant once', async () => {
  await testApp.container.accounts.ensureRecord(ACCOUNT, false, clock.now());
  await testApp.container.accounts.noteStripeAccountEmail(ACCOUNT, false, 'owner@merchant.example', clock.now());
  const created = await endpoint();
  await receiver.setSecrets({ current: created.secret });
  await receiver.start();
  await receiver.forceStatus(500);
  await webhooks().publisher.publish([event('recovery.case_opened'), event('recovery.failed')]);
  await deliverDue();
  for (let steps = 0; steps < 40 && (await runNextRetry()); steps += 1);

  const abandoned = await deliveries();
  expect(abandoned.map((delivery) => delivery.status)).toEqual(['abandoned', 'abandoned']);
  expect(abandoned[0]!.attempts.length).toBe(15);
  expect(abandoned[0]!.attempts.at(-1)).toMatchObject({ statusCode: 500, error: 'HTTP 500' });
  expect(clock.now().getTime() - START.getTime()).toBeLessThanOrEqual(72 * 3_600_000);
  const disabled = (await webhooks().endpointStore.find(ACCOUNT, false, created.endpoint.id))!;
  expect(disabled).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('no successful delivery in 3 days') });
  const emails = postmark.state.emails.filter((email) => email.tag === 'webhook-endpoint-disabled');
  expect(emails.map((email) => [email.to, email.subject])).toEqual([['owner@merchant.example', `Your webhook endpoint ${created.endpoint.url} was disabled`]]);

  await webhooks().publisher.publish([event('recovery.succeeded')]);
  expect(await db.connection.collection('webhookDeliveries').countDocuments({})).toBe(2);
}, 40_000);
