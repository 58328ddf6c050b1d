import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../../backend/src/database';
import { freePort, healthy, startServer, waitFor, type RunningServer } from '../support/serverProcesses';
import { testDatabaseUri } from '../support/testDatabase';
import { TEST_SECRETS } from '../support/testSecrets';
import { invoice, signPayload, stripeEvent } from '../support/stripeEventBuilders';
import { localParts, timeZoneForCountry } from '../../backend/src/retryPolicy';

/** The real entry point as operators run it: one process, settings from the environment. */

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the backend process', () => {
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it('handles an event left pending by a crash, then drains and exits 0 on SIGTERM', async () => {
    const dbName = `e2e_${process.pid}_${Date.now()}`;
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${dbName}`;
    const connection = await connectDatabase(testDatabaseUri(), { dbName });
    try {
      const event = stripeEvent('invoice.payment_failed', invoice({ id: 'in_left_over' }), { account: 'acct_e2e' });
      const past = new Date(Date.now() - 60_000);
      // The account installed the App earlier: only installed accounts get cases.
      await connection.collection('accounts').insertOne({ accountId: 'acct_e2e', livemode: false, source: 'app', status: 'installed', installedAt: past, uninstalledAt: null });
      await connection.collection<Record<string, unknown> & { _id: string }>('stripeEventInbox').insertOne({
        _id: event.id as string,
        eventId: event.id, accountId: 'acct_e2e', livemode: false, isAppInstall: true, type: event.type, objectId: 'in_left_over',
        eventCreatedAt: past, payload: JSON.stringify(event), status: 'pending', attempts: 1, leaseOwner: 'crashed', leaseUntil: past,
        outcome: null, lastError: null, receivedAt: past, handledAt: null,
      });

      const port = await freePort();
      const server = startServer({ ...TEST_SECRETS, PORT: String(port), MONGODB_URI: uri.toString(), STRIPE_WEBHOOK_SECRET: 'whsec_e2e' });
      running.push(server);
      await waitFor(() => healthy(port), 'the server to answer /api/health');

      const found = await waitFor(
        async () => (await connection.collection('recoveryCases').findOne({ accountId: 'acct_e2e', caseKey: 'invoice:in_left_over' })) ?? undefined,
        'the left-over event to be handled',
      );
      expect(found).toMatchObject({ status: 'active' });

      const live = stripeEvent('invoice.payment_failed', invoice({ id: 'in_live' }));
      const payload = JSON.stringify(live);
      const response = await fetch(`http://127.0.0.1:${port}/api/webhooks/stripe`, {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': signPayload(payload, 'whsec_e2e'), 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('stopped cleanly');
      expect(await connection.collection('recoveryCases').countDocuments({ caseKey: 'invoice:in_live' })).toBe(1);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  }, 60_000);

  it('starts its embedded database when MONGODB_URI is unset and leaves nothing behind, even when killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-e2e-'));
    try {
      const port = await freePort();
      const server = startServer({ PORT: String(port), DATA_DIR: dataDir });
      running.push(server);
      await waitFor(() => healthy(port), 'the server on its embedded database');
      expect(server.output()).toContain('embedded dev database started');
      const children = execFileSync('pgrep', ['-P', String(server.child.pid)]).toString().trim().split('\n').map(Number);
      expect(children.length).toBeGreaterThan(0);

      server.child.kill('SIGKILL');
      await server.exited;
      await waitFor(async () => (children.every((pid) => !isAlive(pid)) ? true : undefined), 'the embedded database to exit', 10_000);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs on embedded defaults as npm start does with DEMO=off: a failed renewal at the sandbox brings a dunning email to the receiver', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-e2e-'));
    try {
      const port = await freePort();
      const server = startServer({ PORT: String(port), DATA_DIR: dataDir, DEMO: 'off' }, 'scripts/dev.ts');
      running.push(server);
      await waitFor(() => healthy(port), 'npm start on embedded defaults');
      const sandboxUrl = /Stripe sandbox \(instead of Stripe\): +(http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1]!;
      const receiverUrl = /Postmark receiver \(instead of Postmark\): (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1]!;

      const control = (route: string, body: object) =>
        fetch(`${sandboxUrl}/_sandbox${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id: string }>);
      // A customer somewhere it is daytime now, so the day-0 email goes out at once.
      const country = (['JP', 'IN', 'DE', 'GB', 'US', 'MX', 'AU', 'NZ'] as const).find((code) => {
        const hour = localParts(new Date(), timeZoneForCountry(code, 'UTC')).hour;
        return hour >= 10 && hour < 17;
      })!;
      // The sandbox is a test-mode account: only the account's own (Stripe-verified) address receives email.
      await control('/accounts', { email: 'alice@example.com' });
      const customer = await control('/customers', { email: 'alice@example.com', name: 'Alice Martin', address: { country } });
      await control('/payment_methods', { customer: customer.id, brand: 'visa', behaviour: { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' } });
      // The holdout keeps 10 % of failed payments from our emails by default, to measure the lift; this merchant turns
      // it off, as an operator would: a key minted with `npm run api-key` against the backend's database, then the settings API.
      const databaseUri = /"uri":"(mongodb:[^"]+)"/.exec(server.output())![1]!;
      const minted = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/apiKeys.ts', 'create', '--account', 'acct_self_hosted', '--mode', 'test', '--access', 'read_write'], {
        cwd: path.resolve(__dirname, '../..'),
        // The embedded database's own name for the backend's data (backend/src/server.ts).
        env: { PATH: process.env.PATH ?? '', MONGODB_URI: `${databaseUri}recovery`, ...TEST_SECRETS },
      }).toString();
      const key = /rk_recovery_[\w-]{20,}/.exec(minted)![0];
      // The account is created by its first Stripe event (the customer's, just sent): until then the settings wait.
      await waitFor(async () => {
        const saved = await fetch(`http://127.0.0.1:${port}/api/settings`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ holdoutShare: 0 }) });
        return saved.status === 200 ? true : undefined;
      }, 'the holdout turned off');
      const subscription = await control('/subscriptions', { customer: customer.id, amount: 4900, currency: 'usd' });
      await control(`/subscriptions/${subscription.id}/renew`, {});

      const [email] = await waitFor(async () => {
        const caught = (await (await fetch(`${receiverUrl}/_receiver/emails`)).json()) as Array<{ subject: string; to: string; textBody: string }>;
        return caught.length > 0 ? caught : undefined;
        // The email job may look before the first retry step has read the customer's country; it then looks again 30 s later.
      }, 'the first dunning email', 60_000).catch((error: Error) => {
        throw new Error(`${error.message}; the server said:\n${server.output().slice(-6000)}`);
      });
      expect(email).toMatchObject({ to: 'alice@example.com', subject: 'Your payment for our service did not go through' });
      expect(email!.textBody).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/update\\?token=`));
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses to start with invalid settings, naming each one', async () => {
    const server = startServer({ PORT: 'eighty', ROLE: 'everything' });
    running.push(server);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Invalid configuration:[\s\S]*PORT[\s\S]*ROLE/);
  }, 30_000);
});
