/**
 * Scheduler throughput: how many recovery actions per second 1 and 4 worker
 * processes complete against the Stripe sandbox, and, as the baseline in the
 * same run, how many bare claim-and-save cycles the database itself allows.
 *
 *   npm run bench -- [--cases 200] [--rounds 3]
 *
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases, startWorkerProcess } from '../test/support/dueCases';
import { claimAndSaveBaseline } from './claimAndSaveBaseline';
import { median, writeReport } from './report';

const ACCOUNT = 'acct_bench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
  const cases = Number(values.cases);
  const rounds = Number(values.rounds);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const baseUri = process.env.MONGODB_URI ?? embedded!.uri;
  const sandbox = await startStripeSandbox();
  const results: Record<string, number[]> = { baseline: [], '1 worker': [], '4 workers': [] };

  try {
    for (let round = 1; round <= rounds; round += 1) {
      results.baseline!.push(await claimAndSaveBaseline(baseUri, sandbox, { count: cases, accountId: ACCOUNT, dbName: `bench_baseline_${round}` }));
      for (const workers of [1, 4]) {
        const rate = await workerRun(baseUri, sandbox, cases, workers, round);
        results[workers === 1 ? '1 worker' : '4 workers']!.push(rate);
      }
      process.stderr.write(`round ${round}/${rounds} done\n`);
    }
  } finally {
    await sandbox.stop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const baseline = median(results.baseline!);
  const rows = Object.entries(results).map(([name, rates]) => `| ${name} | ${median(rates).toFixed(1)} | ${rates.map((rate) => rate.toFixed(1)).join(', ')} | ${(median(rates) / baseline).toFixed(2)} |`);
  writeReport('scheduler', [
    `## Scheduler throughput (${cases} due cases, median of ${rounds} rounds, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| run | actions/s (median) | rounds | ratio to database baseline |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Baseline: one process claiming each due case and saving it back (two database writes, no Stripe call): the ceiling the database sets.',
    'An action: claim, re-read the invoice at Stripe, start the attempt (saved), charge (invoices.pay), record the ledger entry, save the result.',
    `Target (issue 3): at least 300 actions/s with 4 workers. ${median(results['4 workers']!) >= 300 ? 'Met.' : 'Not met on this database: see the ratio to the baseline.'}`,
  ]);
}

/** Seeds cases due later, starts the workers, then makes everything due at once and times the drain. */
async function workerRun(baseUri: string, sandbox: Awaited<ReturnType<typeof startStripeSandbox>>, count: number, workers: number, round: number): Promise<number> {
  const dbName = `bench_workers_${workers}_${round}`;
  const connection = await connectDatabase(baseUri, { dbName });
  await connection.dropDatabase();
  await seedDueCases(connection, sandbox, { count, accountId: ACCOUNT, now: new Date(Date.now() + 3_600_000) });
  const uri = new URL(baseUri);
  uri.pathname = `/${dbName}`;
  const processes = Array.from({ length: workers }, () => startWorkerProcess({ mongodbUri: uri.toString(), stripeApiBase: sandbox.url, accountId: ACCOUNT }));
  try {
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // start-up: tsx, connect, indexes
    const collection = connection.collection('recoveryCases');
    const startedAt = process.hrtime.bigint();
    await collection.updateMany({}, { $set: { nextActionAt: new Date() } });
    while ((await collection.countDocuments({ status: 'active' })) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    return count / (Number(process.hrtime.bigint() - startedAt) / 1e9);
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((child) => child.exited));
    await connection.dropDatabase();
    await connection.close();
  }
}

void main();
