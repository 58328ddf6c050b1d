import type { OutboundEvent } from '../../backend/src/outbound';
import { ManualClock } from '../support/recoveryWorld';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/** The webhook sink the outbox relay publishes to: what it stores and which deliveries it creates. */
const db = useTestDatabase();
const ACCOUNT = 'acct_publisher';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let clock: ManualClock;

beforeEach(async () => {
  await Promise.all(['webhookEndpoints', 'webhookDeliveries', 'outboundEvents'].map((name) => db.connection.collection(name).deleteMany({})));
  clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  testApp = await createTestApp(db.connection, { clock });
});

const webhooks = () => testApp.container.outboundWebhooks;
const event = (id: string, options: { livemode?: boolean; account?: string } = {}): OutboundEvent => ({ id, object: 'event', type: 'recovery.case_opened', created: 1772442000, livemode: options.livemode ?? false, account: options.account ?? ACCOUNT, sequence: 1, data: { object: { id: 'case_1' } } });
async function endpoint(livemode = false, url = 'https://hooks.example.com/recovery') {
  const created = await webhooks().endpoints.create(ACCOUNT, livemode, { url, enabledEvents: ['*'] }, clock.now());
  if (!created.ok) throw new Error(created.refusal.message);
  return created.value.endpoint;
}
const count = (collection: string) => db.connection.collection(collection).countDocuments({});

it('publishing the same events again creates nothing new, and an endpoint added in between does not receive them', async () => {
  const first = await endpoint();
  await webhooks().publisher.publish([event('evt_rec_a_1'), event('evt_rec_a_2')]);
  clock.advance(1000);
  await endpoint();
  await webhooks().publisher.publish([event('evt_rec_a_1'), event('evt_rec_a_2')]);
  expect(await count('outboundEvents')).toBe(2);
  const deliveries = await db.connection.collection('webhookDeliveries').find({}).toArray();
  expect(deliveries.map((delivery) => delivery.endpointId)).toEqual([first.id, first.id]);
});

it('stores nothing for an event no endpoint of its account and mode wants', async () => {
  await endpoint(true);
  await webhooks().publisher.publish([event('evt_rec_b_1'), event('evt_rec_b_2', { account: 'acct_other', livemode: true })]);
  expect(await count('outboundEvents')).toBe(0);
  expect(await count('webhookDeliveries')).toBe(0);
});

it('drops pending deliveries of a disabled or deleted endpoint without calling it', async () => {
  const disabled = await endpoint(false, 'https://disabled.example.com/h');
  const deleted = await endpoint(false, 'https://deleted.example.com/h');
  await webhooks().publisher.publish([event('evt_rec_c_1')]);
  await webhooks().endpoints.update(ACCOUNT, false, disabled.id, { status: 'disabled' });
  await webhooks().endpointStore.remove(ACCOUNT, false, deleted.id);
  expect(await webhooks().deliveries.runDue(25)).toBe(2);
  const deliveries = await db.connection.collection('webhookDeliveries').find({}).toArray();
  expect(deliveries.map((delivery) => [delivery.status, delivery.attempts?.length ?? 0])).toEqual([['abandoned', 0], ['abandoned', 0]]);
});
