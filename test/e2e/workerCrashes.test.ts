import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases, startWorkerProcess } from '../support/dueCases';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Worker processes are killed with SIGKILL at moments spread over the run
 * while many cases are due. Every case must still get its retry, and no attempt may be
 * charged twice: a crashed worker's lease runs out, and the next worker asks
 * Stripe again with the same idempotency key, which Stripe answers from its
 * memory instead of charging.
 */
const db = useTestDatabase();
let sandbox: StripeSandbox;
// CRASH_TEST_CASES changes the size (about 85 s for 1,000 on the dev database).
const CASES = Number(process.env.CRASH_TEST_CASES ?? 1000);
const ACCOUNT = 'acct_crash_test';

beforeAll(async () => {
  sandbox = await startStripeSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

it('gives every due case its retry exactly once while workers keep being killed', async () => {
  const invoiceIds = await seedDueCases(db.connection, sandbox, { count: CASES, accountId: ACCOUNT, now: new Date() });
  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  const env = { mongodbUri: uri.toString(), stripeApiBase: sandbox.url, accountId: ACCOUNT, leaseSeconds: 2 };

  const workers = [startWorkerProcess(env), startWorkerProcess(env), startWorkerProcess(env)];
  const remaining = () => db.connection.collection('recoveryCases').countDocuments({ accountId: ACCOUNT, status: 'active' });
  let kills = 0;
  // A deterministic sequence of kill delays (no Math.random in tests): 250–1,150 ms apart.
  const delays = Array.from({ length: 200 }, (_, i) => 250 + ((i * 7919) % 900));
  const deadline = Date.now() + 150_000;
  for (const delay of delays) {
    if ((await remaining()) === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (kills < 8) {
      const victim = workers.shift()!;
      victim.kill('SIGKILL');
      await victim.exited;
      kills += 1;
      workers.push(startWorkerProcess(env));
    }
  }
  // The survivors finish the rest; how long that takes depends on the machine, not on what is checked.
  const drainDeadline = Date.now() + 300_000;
  while ((await remaining()) > 0 && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 500));
  for (const worker of workers) worker.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));

  expect(kills).toBeGreaterThanOrEqual(5);
  expect(await remaining()).toBe(0);
  expect(await db.connection.collection('recoveryCases').countDocuments({ accountId: ACCOUNT, status: 'recovered' })).toBe(CASES);

  const ours = sandbox.state.charges.filter((charge) => charge.idempotencyKey?.startsWith('recovery-'));
  const keys = ours.map((charge) => charge.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  const paidInvoices = ours.filter((charge) => charge.outcome === 'succeeded').map((charge) => charge.invoice);
  expect(paidInvoices).toHaveLength(CASES);
  expect(new Set(paidInvoices)).toEqual(new Set(invoiceIds));
}, 900_000);
