/**
 * Webhook intake, and what handling the events costs it. Signed
 * invoice.payment_failed events (each invoice declined twice, a second apart)
 * at a fixed concurrency (autocannon, loopback only) against a real web process
 * (ROLE=web), measured in one run against two baselines: a bare Koa endpoint
 * that only verifies the signature, and the database's raw insert rate at the
 * same concurrency. Per round:
 *
 *   1. intake alone (no worker): what the route costs, and a burst of events left waiting;
 *   2. one worker process (bench/eventWorker.ts: the real event job alone) drains that burst
 *      with nothing else running: the drain time;
 *   3. another burst of the same size is put in the inbox, and intake is measured again
 *      while one worker drains it: what handling takes away from intake (the worker has the
 *      default settings, so it pauses for intake while webhooks arrive: webhooks/intakeFirst.ts).
 *
 * Then the database writes one handled event costs, counted from the write
 * commands the driver sends (bench/handlingWrites.ts).
 *
 *   npm run bench:intake -- [--seconds 10] [--rounds 3] [--connections 32]
 *
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Connection } from 'mongoose';
import Stripe from 'stripe';
import { createAccountStore } from '../backend/src/accounts';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { TEST_SECRETS } from '../test/support/testSecrets';
import { freePort, peakResidentMb, startProcess, stopProcess, waitForHealthy, waitForOutput } from './benchProcesses';
import { BENCH_ACCOUNT, benchEvent, benchPayload, inboxEmpty, measureHandlingWrites } from './handlingWrites';
import { median, writeReport } from './report';

const SECRET = 'whsec_bench_intake';

interface Run {
  eventsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

interface Drain {
  events: number;
  seconds: number;
}

type RunName = 'bare Koa (verify only)' | 'database inserts' | 'intake alone' | 'intake while one worker drains';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' } } });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-intake-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const baseUri = process.env.MONGODB_URI ?? embedded!.uri;
  const results: Record<RunName, Run[]> = { 'bare Koa (verify only)': [], 'database inserts': [], 'intake alone': [], 'intake while one worker drains': [] };
  const drains = { alone: [] as Drain[], underLoad: [] as Drain[] };
  const memory = { web: [] as number[], worker: [] as number[] };
  const problems: string[] = [];
  let writes: Awaited<ReturnType<typeof measureHandlingWrites>>;
  let opening: Awaited<ReturnType<typeof measureHandlingWrites>>;

  try {
    for (let round = 1; round <= rounds; round += 1) {
      const barePort = await freePort();
      const bare = startProcess(['bench/bareKoaEndpoint.ts', String(barePort), SECRET], {});
      await waitForOutput(bare, 'listening');
      results['bare Koa (verify only)'].push(await load(`http://127.0.0.1:${barePort}/`, seconds, connections, `bare${round}`));
      await stopProcess(bare);

      results['database inserts'].push(await insertRate(baseUri, `bench_intake_inserts_${round}`, seconds, connections));

      const dbName = `bench_intake_${round}`;
      const uri = new URL(baseUri);
      uri.pathname = `/${dbName}`;
      const connection = await connectDatabase(uri.toString(), { dbName, patientMs: 120_000 });
      await connection.dropDatabase();
      // The bench account has installed the App, so its declines open cases.
      await createAccountStore(connection).applyInstallEvent(BENCH_ACCOUNT, false, { status: 'installed', source: 'app', at: new Date(), eventId: 'evt_bench_install' });
      const port = await freePort();
      const env = { ...TEST_SECRETS, MONGODB_URI: uri.toString(), STRIPE_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'development' };
      // Only the event job: the cases a burst opens would also keep a full worker busy planning retries and emails.
      const startWorker = async () => startProcess(['bench/eventWorker.ts'], env);
      const web = startProcess(['backend/src/main.ts'], { ...env, ROLE: 'web', PORT: String(port) });
      await waitForHealthy(port);
      const url = `http://127.0.0.1:${port}/api/webhooks/stripe`;

      results['intake alone'].push(await load(url, seconds, connections, `alone${round}`));
      const burst = await inboxSize(connection);
      const firstWorker = await startWorker();
      drains.alone.push(await drainOf(connection, burst, new Date()));
      memory.worker.push(peakResidentMb(firstWorker.pid!));
      await stopProcess(firstWorker);

      await seedBurst(connection, burst, `seed${round}`);
      const phaseStartedAt = new Date();
      const worker = await startWorker();
      await waitUntil(async () => await someEventLeased(connection));
      results['intake while one worker drains'].push(await load(url, seconds, connections, `drain${round}`));
      drains.underLoad.push(await drainOf(connection, burst, phaseStartedAt));
      memory.web.push(peakResidentMb(web.pid!));
      await Promise.all([stopProcess(web), stopProcess(worker)]);
      problems.push(...(await checkOutcome(connection)));
      await connection.dropDatabase();
      await connection.close();
      process.stderr.write(`round ${round}/${rounds} done\n`);
    }
    writes = await measureHandlingWrites(baseUri, 'bench_intake_writes', 200);
    opening = await measureHandlingWrites(baseUri, 'bench_intake_writes_one', 1);
  } finally {
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rateOf = (name: RunName) => median(results[name].map((run) => run.eventsPerSecond));
  const p99Of = (name: RunName) => median(results[name].map((run) => run.p99));
  const inserts = rateOf('database inserts');
  const row = (name: RunName) =>
    `| ${name} | ${rateOf(name).toFixed(0)} | ${median(results[name].map((run) => run.p50)).toFixed(1)} | ${p99Of(name).toFixed(1)} | ${results[name].reduce((sum, run) => sum + run.non2xx, 0)} | ${(rateOf(name) / inserts).toFixed(2)} |`;
  const drainRow = (name: string, runs: Drain[]) => {
    const events = median(runs.map((run) => run.events));
    const drainSeconds = median(runs.map((run) => run.seconds));
    return `| ${name} | ${events.toFixed(0)} | ${drainSeconds.toFixed(1)} | ${(events / drainSeconds).toFixed(0)} |`;
  };
  const whileDraining = rateOf('intake while one worker drains') / inserts;
  const drainSeconds = median(drains.alone.map((run) => run.seconds));
  const met = whileDraining >= 0.5 && p99Of('intake while one worker drains') < 100 && drainSeconds < 60 && problems.length === 0;
  writeReport('intake', [
    `## Webhook intake (concurrency ${connections}, ${seconds} s per run, median of ${rounds} rounds, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| run | events/s | p50 ms | p99 ms | non-2xx | ratio to raw inserts |',
    '|---|---|---|---|---|---|',
    row('bare Koa (verify only)'),
    row('database inserts'),
    row('intake alone'),
    row('intake while one worker drains'),
    '',
    '| drain by one worker | events | seconds | events handled/s |',
    '|---|---|---|---|',
    drainRow(`burst of ${seconds} s of intake, nothing else running`, drains.alone),
    drainRow(`a burst of that size plus ${seconds} s of intake arriving meanwhile`, drains.underLoad),
    '',
    `Writes per handled event (write commands the driver sent, ${writes.events} events, each invoice declined twice): ${(writes.handling / writes.events).toFixed(2)} handling, ${(writes.commands.length / writes.events).toFixed(2)} with the outbox relay.`,
    `One decline opening a case, in order: ${opening.commands.map((command) => `${command.name} ${command.collection}${command.statements > 1 ? ` ×${command.statements}` : ''}`).join(', ')} (the first ${opening.handling} handle it, the rest are the relay).`,
    '',
    `Peak resident memory (VmHWM, median): web ${median(memory.web).toFixed(0)} MB under both loads, worker ${median(memory.worker).toFixed(0)} MB draining.`,
    '',
    'Intake: signature check on the raw body, one insert of the event (unique by its id), 200. Database inserts: event-sized documents inserted by one client at the same concurrency, the ceiling the database sets for intake.',
    'Drain: from the worker\'s first handled event to its last, read from the events\' handledAt; every event must end handled and every invoice with one active case of two failures.',
    `Target (Lean scheduler, truthful figures): intake while a worker drains at least 0.5 of the raw insert rate with p99 under 100 ms, and a ${seconds} s burst drained in under a minute. ${met ? 'Met' : 'Not met'}: ${whileDraining.toFixed(2)} of raw inserts, p99 ${p99Of('intake while one worker drains').toFixed(0)} ms, drain ${drainSeconds.toFixed(1)} s.${problems.length ? ` Problems: ${problems.join('; ')}` : ''}`,
  ]);
}

/** Every invoice is declined twice, a second apart: the first opens its case, the second updates it. */
async function load(url: string, seconds: number, connections: number, tag: string): Promise<Run> {
  let sequence = 0;
  const startedAt = Date.now();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          sequence += 1;
          const pair = Math.ceil(sequence / 2);
          const attempt = sequence % 2 === 1 ? 1 : 2;
          const body = benchPayload(`evt_${tag}_${sequence}`, `in_${tag}_${pair}`, `cus_${tag}_${pair % 500}`, new Date(startedAt + (attempt - 1) * 1000), attempt);
          return { ...request, body, headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) } };
        },
      },
    ],
  });
  return { eventsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors + result.timeouts };
}

/** Inserts of event-sized documents at the same concurrency, for `seconds`. */
async function insertRate(uri: string, dbName: string, seconds: number, connections: number): Promise<Run> {
  const connection = await connectDatabase(uri, { dbName, patientMs: 120_000 });
  const collection = connection.collection<Record<string, unknown> & { _id: string }>('stripeEvents');
  const payload = 'x'.repeat(1500);
  const latencies: number[] = [];
  let inserted = 0;
  const endsAt = Date.now() + seconds * 1000;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, lane) => {
      for (let index = 0; Date.now() < endsAt; index += 1) {
        const started = process.hrtime.bigint();
        await collection.insertOne({ _id: `evt_${lane}_${index}`, status: 'pending', leaseUntil: new Date(), payload, receivedAt: new Date() });
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        inserted += 1;
      }
    }),
  );
  const elapsed = (Date.now() - startedAt) / 1000;
  await connection.dropDatabase();
  await connection.close();
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: inserted / elapsed, p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, non2xx: 0 };
}

/**
 * Counted once per burst, never while a worker drains: on the dev database a count decodes every waiting
 * event (about a second of its CPU for 30,000), and polling with it took a core from the drain it timed.
 */
const inboxSize = (connection: Connection) => connection.collection('stripeEventInbox').countDocuments();
/** A worker has claimed a batch: its events' leases run into the future (a search of the leaseUntil index). */
const someEventLeased = async (connection: Connection) => Boolean(await connection.collection('stripeEventInbox').findOne({ leaseUntil: { $gt: new Date() } }, { projection: { _id: 1 } }));

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Waits for an empty inbox; the drain runs from the first to the last event handled since `since`. */
async function drainOf(connection: Connection, burst: number, since: Date): Promise<Drain> {
  await waitUntil(async () => await inboxEmpty(connection));
  const records = connection.collection<{ handledAt: Date }>('stripeEvents');
  const handled = { handledAt: { $gte: since } };
  const [first] = await records.find(handled).sort({ handledAt: 1 }).limit(1).toArray();
  const [last] = await records.find(handled).sort({ handledAt: -1 }).limit(1).toArray();
  if (!first || !last) throw new Error(`none of the ${burst} events was handled`);
  const span = { events: await records.countDocuments(handled), first: first.handledAt, last: last.handledAt };
  return { events: span.events, seconds: (span.last.getTime() - span.first.getTime()) / 1000 };
}

/** The same events intake would have stored, written straight into the inbox: a burst waiting for the worker. */
async function seedBurst(connection: Connection, size: number, tag: string): Promise<void> {
  const now = new Date();
  const inbox = connection.collection<Record<string, unknown> & { _id: string }>('stripeEventInbox');
  for (let start = 0; start < size; start += 1000) {
    const events = Array.from({ length: Math.min(1000, size - start) }, (_, offset) => {
      const sequence = start + offset + 1;
      const pair = Math.ceil(sequence / 2);
      const attempt = sequence % 2 === 1 ? 1 : 2;
      const event = benchEvent(`evt_${tag}_${sequence}`, `in_${tag}_${pair}`, `cus_${tag}_${pair % 500}`, new Date(now.getTime() + (attempt - 1) * 1000), attempt);
      return { _id: event.eventId, ...event };
    });
    await inbox.insertMany(events);
  }
}

/** Every event handled, none failed, and each invoice's case active with both declines applied (or one, for a burst's odd last event). */
async function checkOutcome(connection: Connection): Promise<string[]> {
  const problems: string[] = [];
  const failed = await connection.collection('stripeEvents').countDocuments({ status: { $ne: 'handled' } });
  if (failed > 0) problems.push(`${failed} events not handled`);
  const wrong = await connection.collection('recoveryCases').countDocuments({ $or: [{ status: { $ne: 'active' } }, { failureCount: { $gt: 2 } }] });
  if (wrong > 0) problems.push(`${wrong} cases in a wrong state`);
  return problems;
}

void main();
