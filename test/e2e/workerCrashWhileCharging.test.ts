import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases, startWorkerProcess } from '../support/dueCases';
import { waitFor } from '../support/serverProcesses';
import { useTestDatabase } from '../support/testDatabase';
import { keysPerAttemptViolations, payAfterPaidViolations, paidByPayRequest, payRequestsOf } from '../model/payRequestChecks';

/**
 * A real worker process sends a pay request; the sandbox holds it in flight;
 * the worker is killed (SIGKILL) while it is held; then the request is carried
 * out (Stripe charged, nobody heard the answer). The next worker must ask
 * again with the SAME idempotency key (Stripe replays its answer) and never
 * with a new key for that attempt. Counted at the sandbox's request log.
 */
const db = useTestDatabase();
const ACCOUNT = 'acct_held_crash';
let sandbox: StripeSandbox;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

async function armHold(): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'hold', method: 'POST', path: '/v1/invoices/*/pay', count: 1 }),
  });
  expect(response.status).toBe(204);
}

it('replays the same idempotency key after the worker is killed while its charge is held in flight', async () => {
  const [invoiceId] = await seedDueCases(db.connection, sandbox, { count: 1, accountId: ACCOUNT, now: new Date() });
  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  const env = { mongodbUri: uri.toString(), stripeApiBase: sandbox.url, accountId: ACCOUNT, leaseSeconds: 2 };
  await armHold();

  const first = startWorkerProcess(env);
  const [held] = await sandbox.held.waitFor(1, 60_000);
  expect(held).toMatchObject({ method: 'POST', path: `/v1/invoices/${invoiceId}/pay`, idempotencyKey: expect.stringMatching(/^recovery-.+-attempt-1$/) });
  first.kill('SIGKILL');
  await first.exited;
  // Carried out only now, after its sender died: the charge is made and its answer goes nowhere.
  expect(sandbox.held.release()).toBe(1);
  await waitFor(async () => (sandbox.state.requests.find((entry) => entry.seq === held!.seq)?.status != null ? true : undefined), 'the held request to be carried out');
  expect(sandbox.state.charges.filter((charge) => charge.invoice === invoiceId && charge.outcome === 'succeeded')).toHaveLength(1);

  const second = startWorkerProcess(env);
  try {
    await waitFor(
      async () => ((await db.connection.collection('recoveryCases').countDocuments({ accountId: ACCOUNT, status: 'active' })) === 0 ? true : undefined),
      'the next worker to close the case',
      60_000,
    );
  } finally {
    second.kill('SIGTERM');
    await second.exited;
  }

  const pays = payRequestsOf(sandbox.state.requests).filter((request) => request.invoiceId === invoiceId);
  expect(pays.map(({ key, replayed, status }) => ({ key, replayed, status }))).toEqual([
    { key: held!.idempotencyKey, replayed: false, status: 200 },
    { key: held!.idempotencyKey, replayed: true, status: 200 },
  ]);
  expect(keysPerAttemptViolations(sandbox.state.requests)).toEqual([]);
  expect(payAfterPaidViolations(sandbox.state.requests, paidByPayRequest(sandbox.state.requests))).toEqual([]);
  // Stripe's own first attempt (declined) and our one charge, made once although asked twice.
  expect(sandbox.state.charges.filter((charge) => charge.invoice === invoiceId).map((charge) => [charge.idempotencyKey, charge.outcome])).toEqual([
    [null, 'declined'],
    [held!.idempotencyKey, 'succeeded'],
  ]);
  expect(await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT })).toMatchObject({ status: 'recovered' });
}, 180_000);
