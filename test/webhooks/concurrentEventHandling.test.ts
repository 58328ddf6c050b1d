import pino from 'pino';
import { systemClock } from '../../backend/src/clock';
import type { RecoveryService } from '../../backend/src/recovery';
import { createStripeEventProcessor, type StoredStripeEvent } from '../../backend/src/webhooks';
import { createTestApp, SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { invoice, stripeEvent, T0 } from '../support/stripeEventBuilders';
import { storedEvent } from '../support/storedEvents';

/**
 * One worker handles several events at once, and two workers may sweep the
 * same inbox: events of different customers run side by side, one
 * customer's events one after another in Stripe's order, and no event is
 * applied twice.
 */
const db = useTestDatabase();
const CUSTOMERS = 6;

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
});

/** A stored, due event; the later decline of each invoice is stored first, so arrival order is the reverse of Stripe's. */
function due(event: Record<string, unknown>, receivedAt: Date): StoredStripeEvent {
  return storedEvent(event, receivedAt);
}

/** Two declines per customer's invoice, a minute apart in Stripe's order, stored newest first. */
async function storeTwoDeclinesPerInvoice(record: (event: StoredStripeEvent) => Promise<unknown>): Promise<Map<string, string[]>> {
  const inStripeOrder = new Map<string, string[]>();
  const now = Date.now();
  for (let customer = 0; customer < CUSTOMERS; customer += 1) {
    const object = { id: `in_concurrent_${customer}`, customer: `cus_concurrent_${customer}` };
    const first = stripeEvent('invoice.payment_failed', invoice({ ...object, attempt_count: 1 }), { created: T0 });
    const second = stripeEvent('invoice.payment_failed', invoice({ ...object, attempt_count: 2 }), { created: T0 + 60 });
    // Received in the order stored (intake stamps each event as it arrives), the later decline first.
    await record(due(second, new Date(now - 2_000 + 2 * customer)));
    await record(due(first, new Date(now - 2_000 + 2 * customer + 1)));
    inStripeOrder.set(object.id, [first.id as string, second.id as string]);
  }
  return inStripeOrder;
}

/** The real recovery service, watched: which facts are being applied right now, and in what order they started. */
function watched(recovery: RecoveryService) {
  const inFlight = new Map<string, number>();
  const started: { invoiceId: string; eventId: string }[] = [];
  /** The events of each call about one case (and the kind of each fact about several), in order: one invoice's events handled in one batch are applied in one call. */
  const calls: string[][] = [];
  let mostAtOnce = 0;
  let sameInvoiceAtOnce = 0;
  const service: RecoveryService = {
    ...recovery,
    // Every fact of one call is about one case (the service refuses anything else): they start together.
    async applyCaseFacts(facts) {
      const invoiceIds = facts.map(({ fact }) => (fact.target.kind === 'invoice' ? fact.target.invoiceId : fact.target.paymentIntentId));
      const invoiceId = invoiceIds[0]!;
      facts.forEach(({ fact }, index) => started.push({ invoiceId: invoiceIds[index]!, eventId: fact.eventId }));
      calls.push(facts.map(({ fact }) => fact.eventId));
      inFlight.set(invoiceId, (inFlight.get(invoiceId) ?? 0) + 1);
      if (inFlight.get(invoiceId)! > 1) sameInvoiceAtOnce += 1;
      mostAtOnce = Math.max(mostAtOnce, [...inFlight.values()].reduce((sum, count) => sum + count, 0));
      try {
        return await recovery.applyCaseFacts(facts);
      } finally {
        inFlight.set(invoiceId, inFlight.get(invoiceId)! - 1);
      }
    },
    async applyGroupFact(tenant, fact) {
      calls.push([fact.kind]);
      return recovery.applyGroupFact(tenant, fact);
    },
  };
  return { service, started, calls, mostAtOnce: () => mostAtOnce, sameInvoiceAtOnce: () => sameInvoiceAtOnce };
}

async function processorFor(instanceId: string, concurrency: number, batchesInFlight = 1) {
  const { container } = await createTestApp(db.connection);
  const watch = watched(container.recovery);
  const processor = createStripeEventProcessor({
    events: container.stripeEvents,
    accounts: container.accounts,
    recovery: watch.service,
    holdoutOf: async () => null,
    paymentLookupFor: () => null,
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    instanceId,
    leaseMs: 60_000,
    concurrency,
    batchesInFlight,
  });
  return { container, processor, watch };
}

describe('handling Stripe events several at a time', () => {
  it("applies different customers' events at once and one invoice's events one after another, in Stripe's order", async () => {
    const { container, processor, watch } = await processorFor('instance-a', 8);
    const inStripeOrder = await storeTwoDeclinesPerInvoice((event) => container.stripeEvents.record(event));

    expect(await processor.sweep(100)).toBe(CUSTOMERS * 2);

    expect(watch.mostAtOnce()).toBeGreaterThan(1);
    expect(watch.sameInvoiceAtOnce()).toBe(0);
    for (const [invoiceId, eventIds] of inStripeOrder) {
      expect(watch.started.filter((start) => start.invoiceId === invoiceId).map((start) => start.eventId)).toEqual(eventIds);
      // Both declines were in one batch: one read and one write of the case, standing for two saves.
      expect(watch.calls).toContainEqual(eventIds);
      expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, `invoice:${invoiceId}`)).toMatchObject({ status: 'active', failureCount: 2, stripeAttemptCount: 2, appliedEventIds: eventIds, revision: 1 });
    }
    expect(await db.connection.collection('stripeEvents').countDocuments({ status: 'handled' })).toBe(CUSTOMERS * 2);
    expect(await db.connection.collection('stripeEventInbox').countDocuments()).toBe(0);
  });

  it("keeps one customer's events one after another when they are claimed in different batches handled at the same time", async () => {
    // Batches of one event, three in flight: each invoice's two declines are claimed in two batches.
    const { container, processor, watch } = await processorFor('instance-a', 1, 3);
    const inStripeOrder = await storeTwoDeclinesPerInvoice((event) => container.stripeEvents.record(event));

    expect(await processor.sweep(100)).toBe(CUSTOMERS * 2);

    expect(watch.mostAtOnce()).toBeGreaterThan(1);
    expect(watch.sameInvoiceAtOnce()).toBe(0);
    expect(watch.calls).toHaveLength(CUSTOMERS * 2);
    for (const [invoiceId, eventIds] of inStripeOrder) {
      expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, `invoice:${invoiceId}`)).toMatchObject({ status: 'active', failureCount: 2, stripeAttemptCount: 2 });
      expect(new Set(watch.started.filter((start) => start.invoiceId === invoiceId).map((start) => start.eventId))).toEqual(new Set(eventIds));
    }
    expect(await db.connection.collection('stripeEvents').countDocuments({ status: 'handled' })).toBe(CUSTOMERS * 2);
    expect(await db.connection.collection('stripeEventInbox').countDocuments()).toBe(0);
  });

  it('handles a batch with an uninstall alone when batches overlap, so a decline claimed after it opens nothing', async () => {
    const account = 'acct_overlapping_batches';
    const { container, processor } = await processorFor('instance-a', 1, 3);
    await container.accounts.applyInstallEvent(account, false, { status: 'installed', source: 'app', at: new Date((T0 - 60) * 1000), eventId: 'evt_install_overlap' });
    const appEvent = (event: Record<string, unknown>, receivedAt: Date) => storedEvent(event, receivedAt, { accountId: account, isAppInstall: true });
    const before = stripeEvent('invoice.payment_failed', invoice({ id: 'in_before_uninstall', customer: 'cus_before' }), { account, created: T0 });
    const uninstall = stripeEvent('account.application.deauthorized', { id: 'ca_app', object: 'application' }, { account, created: T0 + 1 });
    const after = stripeEvent('invoice.payment_failed', invoice({ id: 'in_after_uninstall', customer: 'cus_after' }), { account, created: T0 + 2 });
    const now = Date.now();
    // Batches of one event, three in flight: each event is claimed in its own batch, in this order.
    for (const [index, event] of [before, uninstall, after].entries()) await container.stripeEvents.record(appEvent(event, new Date(now - 1_000 + index)));

    expect(await processor.sweep(100)).toBe(3);

    expect(await container.cases.findByKey(account, false, 'invoice:in_before_uninstall')).toMatchObject({ status: 'canceled' });
    expect(await container.cases.findByKey(account, false, 'invoice:in_after_uninstall')).toBeNull();
    expect(await db.connection.collection('stripeEvents').findOne({ _id: after.id as never })).toMatchObject({ status: 'ignored', outcome: 'account has uninstalled the app' });
  });

  it('applies each event once when two workers sweep the same inbox at the same time', async () => {
    const first = await processorFor('instance-a', 4);
    const second = await processorFor('instance-b', 4);
    const inStripeOrder = await storeTwoDeclinesPerInvoice((event) => first.container.stripeEvents.record(event));

    const [takenByFirst, takenBySecond] = await Promise.all([first.processor.sweep(100), second.processor.sweep(100)]);

    expect(takenByFirst + takenBySecond).toBe(CUSTOMERS * 2);
    const applied = [...first.watch.started, ...second.watch.started].map((start) => start.eventId);
    expect(applied.sort()).toEqual([...inStripeOrder.values()].flat().sort());
    for (const [invoiceId] of inStripeOrder) {
      expect(await first.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, `invoice:${invoiceId}`)).toMatchObject({ failureCount: 2 });
    }
    expect(await db.connection.collection('stripeEvents').countDocuments({ status: 'handled' })).toBe(CUSTOMERS * 2);
  });

  it('drops a re-delivered copy of an event handled before, in the same batch as new ones, without applying it again', async () => {
    const { container, processor, watch } = await processorFor('instance-a', 8);
    const decline = stripeEvent('invoice.payment_failed', invoice({ id: 'in_redelivered', customer: 'cus_redelivered' }), { created: T0 });
    await container.stripeEvents.record(due(decline, new Date()));
    await processor.sweep(100);
    const other = stripeEvent('invoice.payment_failed', invoice({ id: 'in_new', customer: 'cus_new' }), { created: T0 });
    await container.stripeEvents.record(due(decline, new Date()));
    await container.stripeEvents.record(due(other, new Date()));

    expect(await processor.sweep(100)).toBe(2);

    expect(watch.started.map((start) => start.eventId)).toEqual([decline.id, other.id]);
    expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_redelivered')).toMatchObject({ failureCount: 1 });
    expect(await db.connection.collection('stripeEventInbox').countDocuments()).toBe(0);
  });

  it("applies an event about something else that comes between two of one invoice's events in its place, not after both", async () => {
    const { container, processor, watch } = await processorFor('instance-a', 8);
    const object = { id: 'in_between', customer: 'cus_between', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_between' } } };
    const first = stripeEvent('invoice.payment_failed', invoice({ ...object, attempt_count: 1 }), { created: T0 });
    const canceled = stripeEvent('customer.subscription.deleted', { id: 'sub_between', object: 'subscription', customer: 'cus_between', status: 'canceled' }, { created: T0 + 30 });
    const second = stripeEvent('invoice.payment_failed', invoice({ ...object, attempt_count: 2 }), { created: T0 + 60 });
    const now = Date.now();
    for (const [index, event] of [first, canceled, second].entries()) await container.stripeEvents.record(due(event, new Date(now - 1_000 + index)));

    expect(await processor.sweep(100)).toBe(3);

    expect(watch.calls).toEqual([[first.id], ['subscription_canceled'], [second.id]]);
    expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_between')).toMatchObject({ status: 'churned', failureCount: 1 });
  });

  it("tries every event of one invoice again when applying them together fails, and records none of them as handled", async () => {
    const { container, processor } = await processorFor('instance-a', 8);
    await storeTwoDeclinesPerInvoice((event) => container.stripeEvents.record(event));
    jest.spyOn(container.cases, 'insert').mockRejectedValueOnce(new Error('write failed'));

    await processor.sweep(100);

    const failed = await db.connection.collection('stripeEventInbox').find({ lastError: 'write failed' }).toArray();
    expect(failed).toHaveLength(2);
    expect(new Set(failed.map((event) => event.objectId))).toEqual(new Set([failed[0]!.objectId]));
    expect(await db.connection.collection('stripeEvents').countDocuments({ status: 'handled' })).toBe(CUSTOMERS * 2 - 2);
  });
});
