import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases, startWorkerProcess } from '../support/dueCases';
import { waitFor } from '../support/serverProcesses';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Worker processes are killed with SIGKILL at moments spread over the run
 * while many cases are due, each time while the victim holds a case (between
 * its claim and its release). Every case must still get its retry, and no
 * attempt may be charged twice: a crashed worker's lease runs out, and the
 * next worker asks Stripe again with the same idempotency key, which Stripe
 * answers from its memory instead of charging.
 */
const db = useTestDatabase();
let sandbox: StripeSandbox;
// CRASH_TEST_CASES changes the size. 400 keep the workers busy well past the eight kills, the only part
// that is about crashes (1,000 took minutes more on a loaded 2-core machine, the rest handled with no kill).
const CASES = Number(process.env.CRASH_TEST_CASES ?? 400);
const KILLS = 8;
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
  const recoveryCases = db.connection.collection('recoveryCases');
  const remaining = () => recoveryCases.countDocuments({ accountId: ACCOUNT, status: 'active' });
  /** A live worker holding a case right now (its pid is in the case's lease owner), or 'none left' once every case is done. */
  const workerHoldingACase = async () => {
    if ((await remaining()) === 0) return 'none left' as const;
    const leased = await recoveryCases.find({ accountId: ACCOUNT, leaseUntil: { $gt: new Date() } }, { projection: { leaseOwner: 1 } }).toArray();
    return workers.find((worker) => leased.some((found) => String(found.leaseOwner).includes(`:${worker.pid}:`)));
  };
  const startedAt = Date.now();
  let kills = 0;
  // A deterministic sequence of pauses between kills (no Math.random in tests): 250–1,150 ms.
  const delays = Array.from({ length: KILLS }, (_, i) => 250 + ((i * 7919) % 900));
  for (const delay of delays) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const victim = await waitFor(workerHoldingACase, 'a worker holding a case', 120_000);
    if (victim === 'none left') break;
    victim.kill('SIGKILL');
    await victim.exited;
    kills += 1;
    workers.splice(workers.indexOf(victim), 1, startWorkerProcess(env));
  }
  const killedFor = Date.now() - startedAt;
  // The survivors finish the rest; how long that takes depends on the machine, not on what is checked:
  // give up only when no case has been done for a minute (a stuck worker), not after a fixed total.
  for (let left = await remaining(), lastProgressAt = Date.now(); left > 0 && Date.now() - lastProgressAt < 60_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await remaining();
    if (now < left) lastProgressAt = Date.now();
    left = now;
  }
  for (const worker of workers) worker.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
  process.stderr.write(`worker crash test: ${kills} SIGKILLs of workers holding a case in ${killedFor} ms, ${CASES} cases done after ${Date.now() - startedAt} ms\n`);

  expect(kills).toBeGreaterThanOrEqual(5);
  expect(await remaining()).toBe(0);
  expect(await recoveryCases.countDocuments({ accountId: ACCOUNT, status: 'recovered' })).toBe(CASES);

  const ours = sandbox.state.charges.filter((charge) => charge.idempotencyKey?.startsWith('recovery-'));
  const keys = ours.map((charge) => charge.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  const paidInvoices = ours.filter((charge) => charge.outcome === 'succeeded').map((charge) => charge.invoice);
  expect(paidInvoices).toHaveLength(CASES);
  expect(new Set(paidInvoices)).toEqual(new Set(invoiceIds));
}, 900_000);
