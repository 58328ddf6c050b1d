/**
 * Scheduler throughput: how many recovery actions per second 1 and 4 worker
 * processes complete against the Stripe sandbox, how many database writes
 * each action costs (counted on the wire, relay included), and, as the
 * baseline in the same run, how many bare claim-and-save cycles the database
 * itself allows.
 *
 * Each worker run times two batches of due cases with the same processes: the
 * first meets freshly started processes (V8 still compiling functions on their
 * first call and optimising the hot ones), the second the same processes warmed
 * up, as a worker that has run for a while is. Both are printed; the target is
 * judged on the second, because production workers run for days.
 *
 *   npm run bench:scheduler -- [--cases 200] [--rounds 3] [--trace] [--profile]
 *
 * `--trace` also prints the write commands of the first round's 1-worker run (its warmed-up batch) in order;
 * `--profile` prints every command of that batch (reads too) by count per action and time at the database.
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Collection } from 'mongoose';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases, startWorkerProcess } from '../test/support/dueCases';
import { claimAndSaveBaseline } from './claimAndSaveBaseline';
import { median, writeReport } from './report';
import { profileOf, startWriteCounter, type TimedCommand, type WriteCommand, type WriteCounter } from './writeCounter';

const ACCOUNT = 'acct_bench';
/** The 1-worker target: half of what the database allows a bare claim-and-save loop. */
const TARGET_RATIO_ONE_WORKER = 0.5;

type RunName = 'baseline' | '1 worker, fresh' | '1 worker, warmed up' | '4 workers, fresh' | '4 workers, warmed up';

interface RunFigures {
  /** Actions per second from the cases falling due to the last one done (for the baseline, its whole loop). */
  rate: number;
  /** Actions per second from the first claim to the last result saved: the work itself, without the worker's idle pause before it noticed the cases. */
  workingRate: number;
  writesPerAction: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' }, trace: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } } });
  const cases = Number(values.cases);
  const rounds = Number(values.rounds);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const directUri = process.env.MONGODB_URI ?? embedded!.uri;
  // Everything measured goes through the counter, the baseline too: the same path for every figure.
  const counter = await startWriteCounter(directUri, { timeCommands: values.profile });
  const sandbox = await startStripeSandbox();
  const results: Record<RunName, RunFigures[]> = { baseline: [], '1 worker, fresh': [], '1 worker, warmed up': [], '4 workers, fresh': [], '4 workers, warmed up': [] };
  let byKind = new Map<string, number>();

  try {
    // The baseline runs in this process: one run first, not counted, warms it up as the workers' first batch warms them.
    await claimAndSaveBaseline(counter.uriFor(''), sandbox, { count: cases, accountId: ACCOUNT, dbName: 'bench_baseline_warm_up' });
    for (let round = 1; round <= rounds; round += 1) {
      // The baseline brackets each 1-worker run, once before and once after: on this machine its rate moves by
      // half within minutes, and the ratio compares the worker with the database of the same moment.
      const measureBaseline = async (when: string) => {
        counter.reset();
        const rate = await claimAndSaveBaseline(counter.uriFor(''), sandbox, { count: cases, accountId: ACCOUNT, dbName: `bench_baseline_${round}_${when}` });
        // The baseline's seeding writes too: count only its cycles (a claim and a save each, plus the final empty claim).
        // Its loop starts with its first claim, so both of its rates are one.
        results.baseline.push({ rate, workingRate: rate, writesPerAction: countCycles(counter.seen(), cases) });
      };
      await measureBaseline('before');
      for (const workers of [1, 4]) {
        const { fresh, warmedUp } = await workerRun(directUri, counter, sandbox, cases, workers, round);
        const name = workers === 1 ? '1 worker' : '4 workers';
        results[`${name}, fresh`].push(fresh.run);
        results[`${name}, warmed up`].push(warmedUp.run);
        if (workers === 1 && round === 1) {
          byKind = tally(warmedUp.writes);
          if (values.trace) process.stderr.write(`${warmedUp.writes.slice(0, 60).map((write) => `${write.command} ${write.collection}`).join('\n')}\n`);
          if (values.profile) process.stderr.write(profileOf(warmedUp.timed, cases, warmedUp.seconds));
        }
        if (workers === 1) await measureBaseline('after');
      }
      process.stderr.write(`round ${round}/${rounds} done\n`);
    }
  } finally {
    await sandbox.stop();
    await counter.stop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const baseline = median(results.baseline.map((figures) => figures.rate));
  const ratioOf = (name: RunName) => median(results[name].map((figures) => figures.workingRate)) / baseline;
  const oneWorker = ratioOf('1 worker, warmed up');
  const rows = Object.entries(results).map(([name, runs]) => {
    const rates = runs.map((figures) => figures.workingRate);
    const fromDue = median(runs.map((figures) => figures.rate));
    const writes = median(runs.map((figures) => figures.writesPerAction));
    return `| ${name} | ${writes.toFixed(2)} | ${median(rates).toFixed(1)} | ${rates.map((rate) => rate.toFixed(1)).join(', ')} | ${(median(rates) / baseline).toFixed(2)} | ${fromDue.toFixed(1)} (${(fromDue / baseline).toFixed(2)}) |`;
  });
  writeReport('scheduler', [
    `## Scheduler throughput (${cases} due cases, median of ${rounds} rounds, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| run | database writes per action (counted) | actions/s, first claim to last save (median) | rounds | ratio to database baseline | actions/s from falling due (ratio) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Write commands per action, 1 worker warmed up, first round: ${[...byKind].map(([kind, count]) => `${kind} ${(count / cases).toFixed(2)}`).join(', ')}.`,
    '',
    'Baseline: one process claiming each due case and saving it back (no Stripe call): the ceiling the database sets; measured just before and just after each 1-worker run (two per round), the median of all taken.',
    "Each worker run times two batches of due cases with the same processes: the first right after they start (V8 still compiling and optimising the code), the second once they are warmed up, as a worker that has run for a while is.",
    "Workers' actions/s run from the first attempt started to the last one finished (read from the cases, as the intake drain is timed from its first to its last handled event); the last column runs from the moment the cases fell due, so it also holds the idle pause (up to a second) before a worker's next look for due work.",
    'An action: claim (starting the attempt), re-read the invoice at Stripe, charge (invoices.pay), save the result with its plan and card-ledger entry; the outbox relay then counts it in the stats.',
    'Writes are counted on the wire by a proxy in front of the database (insert, update, delete, findAndModify commands), from the moment the cases fall due until every case and outbox is done.',
    `Target: 1 worker, warmed up, at least ${TARGET_RATIO_ONE_WORKER} × the baseline: ${oneWorker >= TARGET_RATIO_ONE_WORKER ? 'met' : 'not met'} (${oneWorker.toFixed(2)}; freshly started, ${ratioOf('1 worker, fresh').toFixed(2)}).`,
  ]);
}

/** Writes per claim-and-save cycle: the writes after seeding (the cycles' claims start once seeding's inserts end). */
function countCycles(writes: WriteCommand[], cycles: number): number {
  const firstClaim = writes.findIndex((write) => write.command === 'findAndModify');
  return firstClaim < 0 ? 0 : (writes.length - firstClaim) / cycles;
}

/** From the first attempt started to the last one finished, as the workers stamped them on these invoices' cases. */
async function workingSeconds(collection: Collection, invoiceIds: string[]): Promise<number> {
  const cases = await collection.find({ 'target.invoiceId': { $in: invoiceIds } }, { projection: { ourAttempts: 1 } }).toArray();
  const attempts = cases.flatMap((found) => (found.ourAttempts ?? []) as { startedAt: Date; finishedAt: Date | null }[]);
  const first = Math.min(...attempts.map((attempt) => attempt.startedAt.getTime()));
  const last = Math.max(...attempts.map((attempt) => attempt.finishedAt?.getTime() ?? Number.NaN));
  if (!Number.isFinite(first) || !Number.isFinite(last) || last <= first) throw new Error('the cases carry no finished attempts to time the run by');
  return (last - first) / 1000;
}

function tally(writes: WriteCommand[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const write of writes) counts.set(`${write.command} ${write.collection}`, (counts.get(`${write.command} ${write.collection}`) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

interface BatchFigures {
  run: RunFigures;
  writes: WriteCommand[];
  timed: TimedCommand[];
  seconds: number;
}

/**
 * Seeds two batches of cases due later and starts the workers; then makes the first batch due at once and times
 * its drain, and once it is done, the second.
 */
async function workerRun(
  directUri: string,
  counter: WriteCounter,
  sandbox: Awaited<ReturnType<typeof startStripeSandbox>>,
  count: number,
  workers: number,
  round: number,
): Promise<{ fresh: BatchFigures; warmedUp: BatchFigures }> {
  const dbName = `bench_workers_${workers}_${round}`;
  // The bench's own set-up and polling go to the database directly: only the workers' writes are counted.
  const connection = await connectDatabase(directUri, { dbName });
  await connection.dropDatabase();
  const firstDueAt = new Date(Date.now() + 3_600_000);
  const secondDueAt = new Date(firstDueAt.getTime() + 3_600_000);
  const firstBatch = await seedDueCases(connection, sandbox, { count, accountId: ACCOUNT, now: firstDueAt });
  const secondBatch = await seedDueCases(connection, sandbox, { count, accountId: ACCOUNT, now: secondDueAt });
  const processes = Array.from({ length: workers }, () => startWorkerProcess({ mongodbUri: counter.uriFor(dbName), stripeApiBase: sandbox.url, accountId: ACCOUNT }));
  // A worker that dies (a bad flag, a crash at start-up) would leave the cases due for ever: the run stops with its exit code.
  let died: string | null = null;
  for (const child of processes) void child.exited.then((code) => (died ??= `a worker process exited (code ${code}) before the cases were done`));
  const collection = connection.collection('recoveryCases');
  // findOne, not a count: on the dev database a count decodes every case, and polling with it slows what is measured.
  const waitUntilNone = async (filter: Record<string, unknown>) => {
    while (await collection.findOne(filter, { projection: { _id: 1 } })) {
      if (died) throw new Error(died);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const timeBatch = async (dueAt: Date, invoiceIds: string[]): Promise<BatchFigures> => {
    counter.reset();
    const startedAt = process.hrtime.bigint();
    await collection.updateMany({ nextActionAt: dueAt }, { $set: { nextActionAt: new Date() } });
    // The other batch is due an hour or more later: any case due before this batch's hour is this batch's.
    await waitUntilNone({ status: 'active', nextActionAt: { $lt: new Date(dueAt.getTime() + 1_800_000) } });
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const rate = count / seconds;
    const workingRate = count / (await workingSeconds(collection, invoiceIds));
    // The relay's and the thank-you emails' writes belong to the actions: count until every outbox is empty and every email sent.
    await waitUntilNone({ outboxDueAt: { $ne: null } });
    await waitUntilNone({ confirmationDueAt: { $lte: new Date(Date.now() + 3_600_000) } });
    const writes = counter.seen();
    return { run: { rate, workingRate, writesPerAction: writes.length / count }, writes, timed: counter.timed(), seconds };
  };
  try {
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // start-up: tsx, connect, indexes
    const fresh = await timeBatch(firstDueAt, firstBatch);
    const warmedUp = await timeBatch(secondDueAt, secondBatch);
    return { fresh, warmedUp };
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((child) => child.exited));
    await connection.dropDatabase();
    await connection.close();
  }
}

void main();
