import { createRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A live-mode merchant whose account email was never read before: when we give
 * up on their endpoint, the address comes from Stripe (the sandbox, through the
 * real SDK with the live key) and one email goes there. The URL is checked
 * again at every attempt, so one saved under looser rules is never called.
 */
const db = useTestDatabase();
let world: RecoveryWorld;

beforeAll(async () => {
  // NODE_ENV=development with a live key looks like a deployment: webhook URLs must be https and public.
  world = await createRecoveryWorld(db.connection, { start: new Date('2026-05-04T08:00:00Z'), livemode: true, env: { NODE_ENV: 'development' } });
});
afterAll(async () => {
  await world.stop();
});

it('disables a live endpoint after 3 days of failures and emails the address Stripe has for the account, once', async () => {
  world.sandbox.state.setAccountEmail('platform', 'owner@live-merchant.example');
  const webhooks = world.container.outboundWebhooks;
  const created = await webhooks.endpoints.create(SELF_HOSTED_ACCOUNT, true, { url: 'https://hooks.live-merchant.example/recovery', enabledEvents: ['*'] }, world.clock.now());
  if (!created.ok) throw new Error(created.refusal.message);
  // As if saved where loopback was allowed: a live deployment refuses it at every attempt, before any connection.
  await webhooks.endpointStore.update(SELF_HOSTED_ACCOUNT, true, created.value.endpoint.id, { url: 'http://127.0.0.1:9/recovery' });
  await webhooks.publisher.publish([{ id: 'evt_rec_live_1', object: 'event', type: 'recovery.case_opened', created: 1777881600, livemode: true, account: SELF_HOSTED_ACCOUNT, sequence: 1, data: { object: { id: 'case_live' } } }]);

  for (let step = 0; step < 40; step += 1) {
    await webhooks.deliveries.runDue(25);
    const [delivery] = (await webhooks.deliveryStore.listForEndpoint(SELF_HOSTED_ACCOUNT, true, created.value.endpoint.id, 1, null))!;
    if (!delivery!.nextAttemptAt || delivery!.status === 'abandoned') break;
    world.clock.set(delivery!.nextAttemptAt);
  }

  const [delivery] = (await webhooks.deliveryStore.listForEndpoint(SELF_HOSTED_ACCOUNT, true, created.value.endpoint.id, 1, null))!;
  expect(delivery).toMatchObject({ status: 'abandoned', attempts: expect.arrayContaining([{ at: expect.any(Date), statusCode: null, latencyMs: 0, error: 'url: must use https://' }]) });
  expect(await webhooks.endpointStore.find(SELF_HOSTED_ACCOUNT, true, created.value.endpoint.id)).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('no successful delivery in 3 days') });
  expect(world.postmark.state.emails.map((email) => [email.to, email.tag])).toEqual([['owner@live-merchant.example', 'webhook-endpoint-disabled']]);
}, 40_000);
