import { startStripeSandbox, type StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import { createCaseStore } from '../../backend/src/recovery';
import { createRollupStore, rebuildAccountRollups } from '../../backend/src/stats';
import { seedDueCases, startWorkerProcess } from '../support/dueCases';
import { waitFor } from '../support/serverProcesses';
import { useTestDatabase } from '../support/testDatabase';

/**
 * A worker process is SIGKILLed while cases it saved still hold their events
 * and stats deltas in their outboxes (saved, not yet relayed). A new worker
 * relays them: the dashboard rollups end equal to a recount from the cases,
 * and every event reaches the sink (here the webhook publisher's debug lines) at
 * least once, each case's in sequence order.
 */
const db = useTestDatabase();
let sandbox: StripeSandbox;
const CASES = 30;
const ACCOUNT = 'acct_outbox_crash';

beforeAll(async () => {
  sandbox = await startStripeSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

interface LoggedEvent {
  eventId: string;
  type: string;
  sequence: number;
  caseId: string;
}

it('loses no event and no stats delta when the worker dies between a case save and its relay', async () => {
  await seedDueCases(db.connection, sandbox, { count: CASES, accountId: ACCOUNT, now: new Date() });
  const rollups = createRollupStore(db.connection);
  const cases = createCaseStore(db.connection);
  const recount = () => rebuildAccountRollups({ rollups, casesOf: (account, mode) => cases.streamAll(account, mode, {}) }, ACCOUNT, false);
  // The seeded cases were written directly: start from rollups that match them.
  await recount();

  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  const env = { mongodbUri: uri.toString(), stripeApiBase: sandbox.url, accountId: ACCOUNT, leaseSeconds: 2, logLevel: 'debug' };
  const published: LoggedEvent[] = [];
  let buffered = '';
  const collect = (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"outbound event')) published.push(JSON.parse(line) as LoggedEvent);
  };
  const recoveryCases = db.connection.collection('recoveryCases');
  const savedNotRelayed = () => recoveryCases.countDocuments({ accountId: ACCOUNT, status: 'recovered', outboxDueAt: { $ne: null } });

  const first = startWorkerProcess(env, collect);
  await waitFor(async () => ((await savedNotRelayed()) > 0 ? true : undefined), 'a recovered case whose outbox is not relayed yet', 20_000);
  first.kill('SIGKILL');
  await first.exited;
  const pendingAtCrash = await savedNotRelayed();
  expect(pendingAtCrash).toBeGreaterThan(0);

  const second = startWorkerProcess(env, collect);
  try {
    await waitFor(
      async () => ((await recoveryCases.countDocuments({ accountId: ACCOUNT, $or: [{ status: 'active' }, { outboxDueAt: { $ne: null } }] })) === 0 ? true : undefined),
      'every case recovered and relayed',
      25_000,
    );
  } finally {
    second.kill('SIGKILL');
    await second.exited;
  }

  expect(await recount()).toEqual([]);
  const stored = await rollups.readCells(ACCOUNT, false);
  expect(stored.find((cell) => cell.day === 'all' && cell.counter === 'recovered')?.value).toBe(CASES);

  const finalCases = await recoveryCases.find({ accountId: ACCOUNT }).toArray();
  for (const found of finalCases) {
    const ofCase = published.filter((event) => event.caseId === String(found._id));
    const firstArrivals = ofCase.filter((event, index) => ofCase.findIndex((other) => other.eventId === event.eventId) === index);
    const expected = Array.from({ length: found.eventSequence as number }, (_, index) => index + 1);
    expect(firstArrivals.map((event) => event.sequence)).toEqual(expected);
    expect(firstArrivals.map((event) => event.type)).toContain('recovery.succeeded');
  }
}, 60_000);
