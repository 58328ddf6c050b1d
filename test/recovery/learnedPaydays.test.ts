import { localParts } from '../../backend/src/retryPolicy';
import { ALL_TIME } from '../../backend/src/stats';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * An account's recovered payments teach the plan its customers' paydays: the
 * all-time rollup counters (fed by each recovered case's outbox) are read by
 * the retry step, and insufficient funds are tried on the learned days too.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-04-18T14:00:00Z'); // Saturday, 10:00 in New York; the next US pay moment is Friday 24 April
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts', 'recoveryRollups'].map((name) => db.connection.collection(name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start });
});
afterEach(async () => {
  await world.stop();
});

/** The account's history: `payments` recovered payments, `thursdays` of them on Thursdays, the rest spread over the other business days. */
async function seedRecoveredPayments(payments: number, thursdays: number): Promise<void> {
  const counters: Record<string, number> = {};
  for (let index = 0; index < payments; index += 1) {
    const weekday = index < thursdays ? 4 : [1, 2, 3, 5][index % 4]!;
    counters[`paid:weekday:${weekday}`] = (counters[`paid:weekday:${weekday}`] ?? 0) + 1;
    const day = `paid:dom:${String(1 + (index % 28)).padStart(2, '0')}`;
    counters[day] = (counters[day] ?? 0) + 1;
  }
  await world.container.rollups.apply(SELF_HOSTED_ACCOUNT, false, [{ day: ALL_TIME, currency: 'usd', counters: { failed: payments, ...counters } }]);
}

/** Opens an insufficient-funds case and returns when its first retry is planned, New York time. */
async function firstInsufficientFundsRetry(): Promise<{ weekday: number; day: number; hour: number; reason: string }> {
  const { subscriptionId } = world.customerWithCard('platform', { declines: [], then: 'succeed', succeedOnDaysOfMonth: [1] });
  world.sandbox.billing.renew('platform', subscriptionId);
  await world.runUntil(new Date(start.getTime() + DAY));
  const [found] = await db.connection.collection('recoveryCases').find({ accountId: SELF_HOSTED_ACCOUNT }).toArray();
  expect(found).toMatchObject({ status: 'active', decline: { declineCode: 'insufficient_funds' } });
  const local = localParts(found!.nextActionAt as Date, 'America/New_York');
  return { weekday: local.weekday, day: local.day, hour: local.hour, reason: found!.plannedAction?.reason ?? '' };
}

describe("an account's learned paydays", () => {
  it('aims insufficient-funds retries at Thursdays when 100+ recovered payments show a Thursday habit', async () => {
    await seedRecoveredPayments(150, 75);
    expect(await firstInsufficientFundsRetry()).toMatchObject({ weekday: 4, day: 23, hour: 9 });
  });

  it('learns nothing from fewer than 100 recovered payments: the country calendar alone (Friday 24 April)', async () => {
    await seedRecoveredPayments(99, 80);
    expect(await firstInsufficientFundsRetry()).toMatchObject({ weekday: 5, day: 24, hour: 9 });
  });
});
