import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { Connection } from 'mongoose';
import type { StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import { createCaseStore, decideCaseFact } from '../../backend/src/recovery';
import { TEST_SECRETS } from './testSecrets';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `count` sandbox invoices whose first automatic attempt failed, each with a
 * recovery case that is due now (as if the merchant pressed "retry now"), and
 * whose next charge succeeds. The self-hosted account owns them.
 */
export async function seedDueCases(connection: Connection, sandbox: StripeSandbox, options: { count: number; accountId: string; now: Date }): Promise<string[]> {
  const cases = createCaseStore(connection);
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
  const invoiceIds: string[] = [];
  // The inserts go to the database a few dozen at a time rather than one by one (seeding 1,000 took half a minute).
  const inserting: Promise<unknown>[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const customer = sandbox.billing.createCustomer('platform', { email: `customer${i}@example.com`, address: { country: 'US' } });
    const pm = sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' } });
    sandbox.billing.attach('platform', pm.id as string, customer.id as string, null);
    sandbox.billing.updateCustomer('platform', customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
    const subscription = sandbox.billing.createSubscription('platform', { customer: customer.id as string, amount: 1000 + i, currency: 'usd' });
    const invoice = sandbox.billing.renew('platform', subscription.id as string, { nextAttemptInHours: null });
    const decision = decideCaseFact(
      null,
      {
        kind: 'payment_failed',
        eventId: `evt_seed_${i}`,
        occurredAt: new Date(options.now.getTime() - 60_000),
        target: { kind: 'invoice', invoiceId: invoice.id as string },
        amountMinor: invoice.amount_due as number,
        currency: 'usd',
        stripeCustomerId: customer.id as string,
        customerEmail: customer.email as string,
        customerName: null,
        subscriptionId: subscription.id as string,
        decline: { code: 'card_declined', declineCode: 'processing_error' },
        card: { paymentMethodId: pm.id as string, brand: 'visa', fingerprint: (pm.card as { fingerprint: string }).fingerprint },
        needsCustomerAction: false,
        stripeAttemptCount: 1,
        nextStripeRetryAt: null,
        hostedInvoiceUrl: null,
        attemptKey: null,
      },
      { accountId: options.accountId, livemode: false },
      false,
    );
    if (decision.kind !== 'open') throw new Error('seeding expected to open a case');
    inserting.push(cases.insert({ ...decision.case, customerCountry: 'US', nextActionAt: options.now, nextActionTrigger: 'manual' }));
    if (inserting.length >= 25) await Promise.all(inserting.splice(0));
    invoiceIds.push(invoice.id as string);
  }
  await Promise.all(inserting);
  return invoiceIds;
}

/** A worker process (ROLE=worker) as operators run it, against the given database and Stripe. */
export function startWorkerProcess(
  env: { mongodbUri: string; stripeApiBase: string; accountId: string; leaseSeconds?: number; logLevel?: string },
  onOutput?: (chunk: string) => void,
): ChildProcessWithoutNullStreams & { exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...TEST_SECRETS,
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      ROLE: 'worker',
      LOG_LEVEL: env.logLevel ?? 'warn',
      MONGODB_URI: env.mongodbUri,
      STRIPE_SECRET_KEY: 'sk_test_workers',
      STRIPE_API_BASE: env.stripeApiBase,
      STRIPE_ACCOUNT_ID: env.accountId,
      WORKER_LEASE_SECONDS: String(env.leaseSeconds ?? 60),
    },
  }) as ChildProcessWithoutNullStreams & { exited: Promise<number | null> };
  if (onOutput) child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  else child.stdout.resume();
  child.stderr.resume();
  child.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return child;
}
