/**
 * Recounts every account's dashboard rollups from its recovery cases, corrects
 * any counter that drifted, and prints what it corrected (or "no drift").
 * Safe while workers run: deltas still waiting in case outboxes are counted
 * once, and corrections are increments.
 *
 *   npm run rollups:rebuild [-- --account acct_… …]
 *
 * Reads the backend's settings (MONGODB_URI and the rest) like the backend does.
 */
import { parseArgs } from 'node:util';
import { createCaseStore } from '../backend/src/recovery';
import { createRollupStore, rebuildAccountRollups, type RollupDrift } from '../backend/src/stats';
import { connectOperatorDatabase } from './operatorDatabase';

const USAGE = 'usage: npm run rollups:rebuild [-- --account <acct_…>]…';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { account: { type: 'string', multiple: true }, help: { type: 'boolean' } } });
  if (values.help) fail(USAGE);
  const connection = await connectOperatorDatabase(fail);
  try {
    const cases = createCaseStore(connection);
    const rollups = createRollupStore(connection);
    // Accounts with cases or with rollups: counters left without any case are drift too.
    const accountIds = values.account ?? [
      ...new Set([...(await connection.collection('recoveryCases').distinct('accountId')), ...(await connection.collection('recoveryRollups').distinct('accountId'))].map(String)),
    ].sort();
    const drift: RollupDrift[] = [];
    for (const accountId of accountIds) {
      for (const livemode of [false, true]) {
        drift.push(...(await rebuildAccountRollups({ rollups, casesOf: (account, mode) => cases.streamAll(account, mode, {}) }, accountId, livemode)));
      }
    }
    process.stdout.write(formatDrift(drift, accountIds.length));
  } finally {
    await connection.close();
  }
}

function formatDrift(drift: RollupDrift[], accounts: number): string {
  const checked = `${accounts} account${accounts === 1 ? '' : 's'} checked`;
  if (drift.length === 0) return `no drift (${checked})\n`;
  const rows = [['account', 'mode', 'currency', 'day', 'counter', 'was', 'now'], ...drift.map((cell) => [cell.accountId, cell.livemode ? 'live' : 'test', cell.currency, cell.day, cell.counter, String(cell.was), String(cell.now)])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd());
  return `${lines.join('\n')}\n${drift.length} counter${drift.length === 1 ? '' : 's'} corrected (${checked})\n`;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`rollups:rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
