import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { startPostmarkReceiver } from '../../devservices/postmark-receiver/postmarkReceiver';
import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import type { CardBehaviour } from '../../devservices/stripe-sandbox/sandboxState';
import type { RetryPolicy } from '../../backend/src/retryPolicy';
import { createTestApp, TEST_WEBHOOK_SECRET } from './testApp';

/** A clock tests move by hand; the backend and the sandbox both read it. */
export class ManualClock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    if (at > this.current) this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * The backend and the Stripe sandbox wired together on loopback: the sandbox
 * sends signed webhooks to the backend's real HTTP endpoint, the backend calls
 * the sandbox through the official SDK, and the worker's steps run when told.
 */
export async function createRecoveryWorld(connection: Connection, options: { start: Date; env?: Record<string, string>; retryPolicy?: RetryPolicy; livemode?: boolean }) {
  // Test mode unless asked: a live-mode world is a real merchant's live account (live key, live events).
  const livemode = options.livemode ?? false;
  const clock = new ManualClock(options.start);
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox: StripeSandbox = await startStripeSandbox({ webhook: { url: `${backendUrl}/api/webhooks/stripe`, secret: TEST_WEBHOOK_SECRET }, now: () => clock.now(), livemode });
  const postmark = await startPostmarkReceiver({ now: () => clock.now() });
  const backend = await createTestApp(connection, {
    clock,
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    env: { STRIPE_SECRET_KEY: livemode ? 'sk_live_world' : 'sk_test_world', STRIPE_API_BASE: sandbox.url, PUBLIC_URL: backendUrl, POSTMARK_SERVER_TOKEN: 'server-token-test', POSTMARK_API_BASE: postmark.url, ...options.env },
  });
  handler = backend.app.callback();
  const { container } = backend;

  /**
   * Waits until every webhook is delivered and handled, and the case outboxes are relayed (events, stats).
   * Handling an event can call Stripe, which sends more: rounds go on until one finds nothing to handle
   * (rather than a fixed three, two of which were usually empty database reads).
   */
  async function settle(): Promise<void> {
    for (let round = 0; round < 100; round += 1) {
      await sandbox.events.idle();
      const handled = await container.stripeEventProcessor.sweep(100);
      // A full batch may have left more behind; the next round sweeps again either way.
      if (handled === 0) break;
    }
    await container.outboxRelay.drain();
  }

  /** Runs every due recovery action and email, as the worker's jobs would. */
  async function runDue(): Promise<number> {
    let ran = 0;
    for (let busy = true; busy && ran < 10_000; ) {
      busy = false;
      while (ran < 10_000 && (await container.retries.runNextDue())) {
        ran += 1;
        busy = true;
        await settle();
      }
      while (ran < 10_000 && (await container.dunning.runNextDue())) {
        ran += 1;
        busy = true;
      }
    }
    await container.outboxRelay.drain();
    return ran;
  }

  /** Moves the clock to each next action in turn, until none is left or `until` passes. */
  async function runUntil(until: Date): Promise<void> {
    await settle();
    await runDue();
    for (let step = 0; step < 500; step += 1) {
      const due = await connection.collection('recoveryCases').find({ status: 'active' }).toArray();
      const times = due.flatMap((found) => [found.nextActionAt, found.nextEmailAt]).filter((at): at is Date => at instanceof Date);
      const at = times.sort((a, b) => a.getTime() - b.getTime())[0];
      if (!at || at > until) break;
      clock.set(at);
      await runDue();
    }
    clock.set(until);
  }

  let customers = 0;
  const installed = new Set<string>();
  /**
   * A subscription customer whose card answers as scripted; renewing it makes Stripe's first attempt.
   * `fingerprint`: the same card as another customer's (one card paying for two customers), not a new one.
   * A connected account's first customer installs the App on it first (Stripe's signed authorized event).
   */
  function customerWithCard(account: string, behaviour: CardBehaviour, options: { brand?: string; fingerprint?: string; country?: string; amount?: number; subscriptionDefault?: boolean; preferredLocales?: string[] } = {}) {
    if (account !== 'platform' && !installed.has(account)) {
      installed.add(account);
      sandbox.billing.authorizeApp(account);
    }
    customers += 1;
    const customer = sandbox.billing.createCustomer(account, { email: `customer${customers}@example.com`, name: 'Alice Martin', address: { country: options.country ?? 'US' }, ...(options.preferredLocales ? { preferred_locales: options.preferredLocales } : {}) });
    const pm = sandbox.billing.createPaymentMethod(account, { brand: options.brand ?? 'visa', ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}), behaviour });
    sandbox.billing.attach(account, pm.id as string, customer.id as string, null);
    sandbox.billing.updateCustomer(account, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
    const subscription = sandbox.billing.createSubscription(account, {
      customer: customer.id as string,
      amount: options.amount ?? 4900,
      currency: 'usd',
      default_payment_method: options.subscriptionDefault ? (pm.id as string) : null,
    });
    return { customerId: customer.id as string, paymentMethodId: pm.id as string, subscriptionId: subscription.id as string, fingerprint: (pm.card as { fingerprint: string }).fingerprint };
  }

  return {
    clock,
    sandbox,
    postmark,
    backend,
    container,
    settle,
    runDue,
    runUntil,
    customerWithCard,
    /** Our own charge attempts (idempotency keys we set), oldest first. */
    ourCharges: () => sandbox.state.charges.filter((charge) => charge.idempotencyKey?.startsWith('recovery-')),
    stop: async () => {
      await sandbox.stop();
      await postmark.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export type RecoveryWorld = Awaited<ReturnType<typeof createRecoveryWorld>>;

/** What a world's backend writes per test: emptied first, so each test starts with no merchant, case, event or card history. */
const PER_TEST_COLLECTIONS = ['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts', 'renewals', 'emailSuppressions'];

/** A new world on an emptied database, for a beforeEach; stop it in the afterEach. `alsoClear`: what a file's tests write besides. */
export async function freshRecoveryWorld(connection: Connection, options: Parameters<typeof createRecoveryWorld>[1] & { alsoClear?: string[] }): Promise<RecoveryWorld> {
  const { alsoClear = [], ...worldOptions } = options;
  await Promise.all([...PER_TEST_COLLECTIONS, ...alsoClear].map((name) => connection.collection(name).deleteMany({})));
  return createRecoveryWorld(connection, worldOptions);
}
