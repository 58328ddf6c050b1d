import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestApp } from '../support/testApp';
import { at, failure } from '../support/caseBuilders';
import { TEST_SECRETS } from '../support/testSecrets';
import { useTestDatabase } from '../support/testDatabase';

/** `npm run rollups:rebuild` as an operator runs it, against the test database. */
const db = useTestDatabase();
const run = promisify(execFile);
let testApp: Awaited<ReturnType<typeof createTestApp>>;

const rebuild = async (...args: string[]) => {
  const uri = new URL(db.uri);
  uri.pathname = `/${db.dbName}`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/rebuildRollups.ts', ...args], {
    cwd: path.resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...TEST_SECRETS, MONGODB_URI: uri.toString() },
  });
  return stdout;
};
const allTime = async (accountId: string) =>
  Object.fromEntries((await testApp.container.rollups.readCells(accountId, false)).filter((cell) => cell.day === 'all' && cell.currency === 'usd').map((cell) => [cell.counter, cell.value]));

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { clock: { now: () => at(3) } });
  for (const [accountId, invoiceId] of [['acct_rebuild_a', 'in_a1'], ['acct_rebuild_a', 'in_a2'], ['acct_rebuild_b', 'in_b1']] as const) {
    await testApp.container.recovery.applyCaseFact({ accountId, livemode: false }, failure({ eventId: `evt_${invoiceId}`, target: { kind: 'invoice', invoiceId } }), false);
  }
  await testApp.container.outboxRelay.drain();
}, 30_000);

it('reports no drift on a database whose rollups match the cases', async () => {
  expect(await rebuild()).toBe('no drift (2 accounts checked)\n');
}, 30_000);

it('corrects drift introduced by hand and prints each counter it corrected', async () => {
  // A lost increment on one account, a stray one on the other.
  await db.connection.collection('recoveryRollups').updateOne({ _id: 'acct_rebuild_a|test|usd|all' as never }, { $inc: { 'counters.failed': -1, 'counters.active': -1 } });
  await db.connection.collection('recoveryRollups').updateOne({ _id: 'acct_rebuild_b|test|usd|2026-05' as never }, { $inc: { 'days.01.failedMinor': 100 } });

  const onlyA = await rebuild('--account', 'acct_rebuild_a');
  expect(onlyA.split('\n').map((line) => line.split(/\s+/).join(' '))).toEqual([
    'account mode currency day counter was now',
    'acct_rebuild_a test usd all active 1 2',
    'acct_rebuild_a test usd all failed 1 2',
    '2 counters corrected (1 account checked)',
    '',
  ]);
  expect(await allTime('acct_rebuild_a')).toMatchObject({ failed: 2, active: 2 });

  expect(await rebuild()).toMatch(/acct_rebuild_b\s+test\s+usd\s+2026-05-01\s+failedMinor\s+5000\s+4900\n1 counter corrected \(2 accounts checked\)/);
  expect(await rebuild()).toBe('no drift (2 accounts checked)\n');
}, 60_000);
