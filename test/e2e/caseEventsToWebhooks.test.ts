import { createRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { createWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiverProcess';

/**
 * Real case changes (the Stripe sandbox declines, our retries, the plan
 * ending) go through the case outbox and its relay to the webhook publisher,
 * and arrive signed at a real receiver process, numbered per case.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-04-16T14:00:00Z');
let world: RecoveryWorld;
let receiver: WebhookReceiver;

beforeAll(async () => {
  world = await createRecoveryWorld(db.connection, { start });
  receiver = await createWebhookReceiver({ toleranceSeconds: 10 * 365 * 24 * 3600 });
});
afterAll(async () => {
  await world.stop();
  await receiver.dispose();
});

it('delivers the events of real recoveries to the merchant’s endpoint, signed and in per-case sequence', async () => {
  const created = await world.container.outboundWebhooks.endpoints.create(SELF_HOSTED_ACCOUNT, false, { url: receiver.url, enabledEvents: ['*'] }, world.clock.now());
  if (!created.ok) throw new Error(created.refusal.message);
  await receiver.setSecrets({ current: created.value.secret });
  await receiver.start();

  const recovered = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }, { code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
  const blocked = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'stolen_card' }], then: 'repeat_last' });
  world.sandbox.billing.renew('platform', recovered.subscriptionId);
  world.sandbox.billing.renew('platform', blocked.subscriptionId);
  await world.runUntil(new Date(start.getTime() + 30 * DAY));
  for (let runs = 0; runs < 20 && (await world.container.outboundWebhooks.deliveries.runDue(25)) > 0; runs += 1);

  const received = receiver.received();
  expect(received.length).toBeGreaterThan(0);
  expect(received.every((entry) => entry.validFor.includes('current') && entry.account === SELF_HOSTED_ACCOUNT && entry.livemode === false)).toBe(true);
  const byCase = new Map<string, Array<{ sequence: number | null; type: string | null }>>();
  for (const entry of received) {
    const caseId = /^evt_rec_([a-f0-9]{24})_\d+$/.exec(entry.eventId ?? '')![1]!;
    byCase.set(caseId, [...(byCase.get(caseId) ?? []), { sequence: entry.sequence, type: entry.type }]);
  }
  const stories = [...byCase.values()].map((events) => events.sort((a, b) => a.sequence! - b.sequence!));
  for (const events of stories) expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
  expect(stories.map((events) => events.map((event) => event.type))).toEqual(
    expect.arrayContaining([
      ['recovery.case_opened', 'recovery.retry_failed', 'recovery.succeeded'],
      ['recovery.case_opened', 'recovery.blocked', 'recovery.failed'],
    ]),
  );
}, 60_000);
