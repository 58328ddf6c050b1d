import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createStripeEventStore, MAX_EVENT_ATTEMPTS, type StoredStripeEvent } from '../../backend/src/webhooks';
import { createTestApp, SELF_HOSTED_ACCOUNT, TEST_SECRETS } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';
import { invoice, paymentIntent, stripeEvent } from '../support/stripeEventBuilders';
import { storedEvent } from '../support/storedEvents';

/**
 * An event parked as failed after its last attempt is not lost: Stripe's
 * re-delivery (or a resend from the Dashboard) handles it again, and
 * `npm run events:retry` re-drives failed events after an outage.
 */
const db = useTestDatabase();
const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts'].map((name) => db.connection.collection(name).deleteMany({})));
});

/** An event that failed all its attempts (Stripe was down), as the processor records it. */
function failedEvent(event: Record<string, unknown>, receivedAt: Date, accountId = SELF_HOSTED_ACCOUNT): StoredStripeEvent {
  return storedEvent(event, receivedAt, { accountId, status: 'failed', attempts: MAX_EVENT_ATTEMPTS, lastError: 'connect ECONNREFUSED 127.0.0.1:443' });
}

describe('recordedAmong', () => {
  it("names the batch's events already recorded as handled or ignored, not those parked as failed, waiting or never seen", async () => {
    const events = createStripeEventStore(db.connection);
    const at = new Date('2026-05-02T08:00:00Z');
    const handled = stripeEvent('invoice.paid', invoice({ id: 'in_handled', status: 'paid' }));
    const ignored = stripeEvent('invoice.finalized', invoice({ id: 'in_ignored' }));
    const failed = stripeEvent('invoice.payment_failed', invoice({ id: 'in_parked' }));
    const waiting = stripeEvent('invoice.payment_failed', invoice({ id: 'in_waiting' }));
    await events.record(storedEvent(handled, at, { status: 'handled' }));
    await events.record(storedEvent(ignored, at, { status: 'ignored' }));
    await events.record(failedEvent(failed, at));
    await events.record(storedEvent(waiting, at));

    const ids = [handled, ignored, failed, waiting].map((event) => event.id as string);
    expect(await events.recordedAmong([...ids, 'evt_never_seen'])).toEqual(new Set([handled.id, ignored.id]));
    expect(await events.recordedAmong([])).toEqual(new Set());
  });
});

describe('an event parked as failed', () => {
  it('is handled again when Stripe re-delivers it: attempts start over and the earlier failure stays in its history', async () => {
    const testApp = await createTestApp(db.connection);
    const events = createStripeEventStore(db.connection);
    const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_failed_once' }));
    await events.record(failedEvent(event, new Date(Date.now() - 3_600_000)));

    const response = await testApp.deliver(event);
    expect(response.status).toBe(200);
    expect(await testApp.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_failed_once')).toMatchObject({ status: 'active' });
    const recorded = await events.find(event.id as string);
    expect(recorded).toMatchObject({ status: 'handled', attempts: 1 });
    expect(recorded!.earlierFailures).toEqual([expect.objectContaining({ attempts: MAX_EVENT_ATTEMPTS, lastError: 'connect ECONNREFUSED 127.0.0.1:443' })]);

    // Handled now: a further re-delivery is a duplicate again.
    await testApp.deliver(event);
    expect(await db.connection.collection('recoveryCases').countDocuments()).toBe(1);
    expect(await events.find(event.id as string)).toMatchObject({ status: 'handled', attempts: 1 });
  });

  it('is re-queued by `npm run events:retry -- --since …`, with --type and --account narrowing it, and then handled', async () => {
    const events = createStripeEventStore(db.connection);
    const since = new Date('2026-05-02T00:00:00Z');
    const before = stripeEvent('invoice.payment_failed', invoice({ id: 'in_before' }));
    const wanted = stripeEvent('invoice.payment_failed', invoice({ id: 'in_wanted' }));
    const otherType = stripeEvent('invoice.paid', invoice({ id: 'in_other_type', status: 'paid' }));
    const otherAccount = stripeEvent('invoice.payment_failed', invoice({ id: 'in_other_account' }));
    await events.record(failedEvent(before, new Date('2026-05-01T23:59:59Z')));
    await events.record(failedEvent(wanted, new Date('2026-05-02T08:00:00Z')));
    await events.record(failedEvent(otherType, new Date('2026-05-02T08:00:00Z')));
    await events.record(failedEvent(otherAccount, new Date('2026-05-02T08:00:00Z'), 'acct_someone_else'));

    const uri = new URL(db.uri);
    uri.pathname = `/${db.dbName}`;
    const { stdout } = await run('npm', ['run', '--silent', 'events:retry', '--', '--since', since.toISOString(), '--type', 'invoice.payment_failed', '--account', SELF_HOSTED_ACCOUNT], {
      cwd: ROOT,
      env: { ...TEST_SECRETS, PATH: process.env.PATH ?? '', MONGODB_URI: uri.toString(), LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain(wanted.id as string);
    expect(stdout).not.toContain(before.id as string);
    expect(stdout).not.toContain(otherType.id as string);
    expect(stdout).not.toContain(otherAccount.id as string);
    expect(stdout).toMatch(/^1 failed event re-queued/m);

    expect(await events.find(wanted.id as string)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await events.find(before.id as string)).toMatchObject({ status: 'failed' });
    const { container } = await createTestApp(db.connection);
    expect(await container.stripeEventProcessor.sweep(10)).toBe(1);
    expect(await events.find(wanted.id as string)).toMatchObject({ status: 'handled', earlierFailures: [expect.objectContaining({ attempts: MAX_EVENT_ATTEMPTS })] });
    expect(await container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_wanted')).toMatchObject({ status: 'active' });
  }, 60_000);
});

describe('the lease on an event being handled', () => {
  it('outlasts the slowest Stripe lookup (three tries of STRIPE_TIMEOUT_SECONDS), so no second instance takes it over mid-step', async () => {
    // A Stripe that holds every request until the test lets go.
    const held: Socket[] = [];
    const stripe = http.createServer((req) => held.push(req.socket));
    await new Promise<void>((resolve) => stripe.listen(0, '127.0.0.1', resolve));
    const now = new Date('2026-05-04T14:00:00Z');
    const { container } = await createTestApp(db.connection, {
      clock: { now: () => now },
      env: { STRIPE_SECRET_KEY: 'sk_test_slow', STRIPE_API_BASE: `http://127.0.0.1:${(stripe.address() as AddressInfo).port}`, STRIPE_TIMEOUT_SECONDS: '20' },
    });
    await container.stripeEvents.record({ ...failedEvent(stripeEvent('payment_intent.payment_failed', paymentIntent({ id: 'pi_slow' })), now), status: 'pending', attempts: 0, lastError: null });

    const sweeping = container.stripeEventProcessor.sweep(1);
    try {
      for (let waited = 0; held.length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(held).not.toHaveLength(0);
      const inbox = await db.connection.collection('stripeEventInbox').findOne({});
      expect(inbox!.leaseUntil.getTime() - now.getTime()).toBeGreaterThanOrEqual(3 * 20_000);
    } finally {
      // Let go: the lookup fails at once (connection closed, then refused) and the event waits for its next attempt.
      stripe.close();
      for (const socket of held) socket.destroy();
      await sweeping;
    }
  }, 60_000);
});
