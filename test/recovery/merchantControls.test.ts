import { DEFAULT_RETRY_POLICY } from '../../backend/src/retryPolicy';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';
import { dashboardUser } from '../support/caseBuilders';

const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-04-16T14:00:00Z');
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

afterEach(async () => {
  await world.stop();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
});

const onlyCase = async () => (await db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray())[0]!;

describe("the merchant's end action", () => {
  it.each([
    ['cancel_subscription', (subscription: { status: unknown }) => expect(subscription.status).toBe('canceled')],
    ['mark_uncollectible', () => undefined],
  ] as const)('runs %s once when the window ends without payment', async (endAction, check) => {
    world = await createRecoveryWorld(db.connection, { start, retryPolicy: { ...DEFAULT_RETRY_POLICY, windowDays: 5, endAction } });
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'repeat_last' });
    const invoice = world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * DAY));
    const found = await onlyCase();
    expect(found).toMatchObject({ status: 'exhausted', outcome: { reason: 'plan_ended' } });
    expect(found.timeline.map((entry: { kind: string }) => entry.kind)).toContain('end_action');
    check(world.sandbox.billing.subscription('platform', subscriptionId) as { status: unknown });
    if (endAction === 'mark_uncollectible') expect(world.sandbox.billing.invoice('platform', invoice.id as string).status).toBe('uncollectible');
  });
});

describe('retry now, from the merchant', () => {
  beforeEach(async () => {
    world = await createRecoveryWorld(db.connection, { start });
  });

  it('charges at once instead of at the planned time, then cools down for an hour', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }, { code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    const planned = await onlyCase();
    expect((planned.nextActionAt as Date).getTime()).toBeGreaterThan(world.clock.now().getTime());

    expect(await world.container.retries.requestManualRetry(SELF_HOSTED_ACCOUNT, false, String(planned._id), dashboardUser)).toEqual({ ok: true });
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(1);
    expect(new Date(world.ourCharges()[0]!.at)).toEqual(world.clock.now());

    const again = await world.container.retries.requestManualRetry(SELF_HOSTED_ACCOUNT, false, String(planned._id), dashboardUser);
    expect(again).toEqual({ ok: false, reason: 'cooling_down', retryAfter: new Date(world.clock.now().getTime() + 3_600_000) });
  });

  it('is refused with the network rule as the reason when the card may not be retried', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'stolen_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    const found = await onlyCase();
    expect(await world.container.retries.requestManualRetry(SELF_HOSTED_ACCOUNT, false, String(found._id), dashboardUser)).toEqual({ ok: true });
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(0);
    const after = await onlyCase();
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'retry_refused', summary: expect.stringContaining('Visa forbids any reattempt') });
  });

  it.each([
    ['a Mastercard declined as lost', 'mastercard', 'lost_card'],
    ['an expired Mastercard', 'mastercard', 'expired_card'],
  ])('is refused for %s (the card must change; Mastercard sets no network rule here), and nothing is charged', async (_name, brand, code) => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: code }], then: 'repeat_last' }, { brand });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    const found = await onlyCase();
    expect(await world.container.retries.requestManualRetry(SELF_HOSTED_ACCOUNT, false, String(found._id), dashboardUser)).toEqual({ ok: true });
    await world.runDue();
    expect(world.ourCharges()).toHaveLength(0);
    const after = await onlyCase();
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'retry_refused', summary: expect.stringContaining('needs a new card') });
    expect(after.plannedAction).toMatchObject({ kind: 'wait_for_new_payment_method' });
  });

  it("answers not found for another account's case", async () => {
    expect(await world.container.retries.requestManualRetry('acct_other', false, '0123456789abcdef01234567', dashboardUser)).toEqual({ ok: false, reason: 'not_found' });
  });
});
