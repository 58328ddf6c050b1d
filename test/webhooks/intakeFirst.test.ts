import pino from 'pino';
import { systemClock } from '../../backend/src/clock';
import type { RecoveryService } from '../../backend/src/recovery';
import { createStripeEventProcessor, pauseAfterBatch, type IntakeFirstPolicy } from '../../backend/src/webhooks';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { storedEvent } from '../support/storedEvents';

/**
 * Intake first: while webhooks keep arriving, a worker's event job handles a
 * share of the time and pauses the rest, so intake's inserts get the
 * database; it never pauses for events that waited too long, nor once
 * arrivals stop, nor when asked to drain at once.
 */
const db = useTestDatabase();
const POLICY: IntakeFirstPolicy = { handlingShare: 0.25, maxWaitMs: 60_000, maxPauseMs: 1_000 };
const NOW = new Date('2026-12-04T12:00:00Z');
const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('how long the event job pauses after a batch', () => {
  it('pauses three times as long as the batch took when handling may take a quarter of the time', () => {
    expect(pauseAfterBatch(POLICY, { tookMs: 40, oldestReceivedAt: secondsAgo(5) }, true, NOW)).toBe(120);
  });

  it('does not pause when no event arrived while the batch was handled', () => {
    expect(pauseAfterBatch(POLICY, { tookMs: 40, oldestReceivedAt: secondsAgo(5) }, false, NOW)).toBe(0);
  });

  it('does not pause once an event of the batch has waited a minute', () => {
    expect(pauseAfterBatch(POLICY, { tookMs: 40, oldestReceivedAt: secondsAgo(60) }, true, NOW)).toBe(0);
    expect(pauseAfterBatch(POLICY, { tookMs: 40, oldestReceivedAt: secondsAgo(59) }, true, NOW)).toBe(120);
  });

  it('never pauses when handling may take all of the time', () => {
    expect(pauseAfterBatch({ ...POLICY, handlingShare: 1 }, { tookMs: 40, oldestReceivedAt: secondsAgo(5) }, true, NOW)).toBe(0);
  });

  it('pauses at most maxPauseMs after a slow batch', () => {
    expect(pauseAfterBatch(POLICY, { tookMs: 2_000, oldestReceivedAt: secondsAgo(5) }, true, NOW)).toBe(1_000);
  });
});

describe('a worker sweeping the inbox while webhooks arrive', () => {
  beforeEach(async () => {
    await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
  });

  const decline = (n: number) => stripeEvent('invoice.payment_failed', invoice({ id: `in_intake_first_${n}`, customer: `cus_intake_first_${n}`, attempt_count: 1 }), { created: T0 });

  /**
   * A processor whose handling of the first batch takes at least 40 ms, during which (when `arriving`) a new
   * webhook is stored as intake would store it; every pause it asks for is recorded instead of waited.
   */
  async function sweeperWith(options: { arriving: boolean }) {
    const { container } = await createTestApp(db.connection);
    const pauses: number[] = [];
    let arrived = false;
    const recovery: RecoveryService = {
      ...container.recovery,
      async applyCaseFacts(facts) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        if (options.arriving && !arrived) {
          arrived = true;
          await container.stripeEvents.record(storedEvent(decline(99), new Date()));
        }
        return container.recovery.applyCaseFacts(facts);
      },
    };
    const processor = createStripeEventProcessor({
      events: container.stripeEvents,
      accounts: container.accounts,
      recovery,
      holdoutOf: async () => null,
      paymentLookupFor: () => null,
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      instanceId: 'intake-first',
      leaseMs: 60_000,
      concurrency: 8,
      intakeFirst: POLICY,
      pause: async (ms) => {
        pauses.push(ms);
      },
    });
    return { container, processor, pauses };
  }

  async function storeDeclines(container: Awaited<ReturnType<typeof createTestApp>>['container'], receivedAt: Date) {
    for (let n = 0; n < 3; n += 1) await container.stripeEvents.record(storedEvent(decline(n), receivedAt));
  }

  it('pauses once, three times the batch, after a batch during which a webhook arrived, then handles the new one', async () => {
    const { container, processor, pauses } = await sweeperWith({ arriving: true });
    await storeDeclines(container, new Date(Date.now() - 2_000));

    expect(await processor.sweep(100)).toBe(4);

    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThanOrEqual(120);
    expect(pauses[0]).toBeLessThanOrEqual(POLICY.maxPauseMs);
    expect((await container.stripeEvents.countByStatus()).handled).toBe(4);
  });

  it('does not pause when nothing arrived while it handled', async () => {
    const { container, processor, pauses } = await sweeperWith({ arriving: false });
    await storeDeclines(container, new Date(Date.now() - 2_000));

    expect(await processor.sweep(100)).toBe(3);

    expect(pauses).toEqual([]);
  });

  it('does not pause for events that have waited a minute, however busy intake is', async () => {
    const { container, processor, pauses } = await sweeperWith({ arriving: true });
    await storeDeclines(container, new Date(Date.now() - 61_000));

    expect(await processor.sweep(100)).toBe(4);

    expect(pauses).toEqual([]);
  });

  it('never pauses when asked to drain at once', async () => {
    const { container, processor, pauses } = await sweeperWith({ arriving: true });
    await storeDeclines(container, new Date(Date.now() - 2_000));

    await processor.drain();

    expect(pauses).toEqual([]);
    expect((await container.stripeEvents.countByStatus()).handled).toBe(4);
  });
});
