/**
 * Outbound webhook throughput: how many deliveries per second one process
 * completes (claim, sign, POST to a local receiver answering 200, save the
 * attempt), against, as the baseline in the same run, how many bare
 * claim-and-save cycles of recovery cases the database allows (the
 * scheduler benchmark's baseline).
 *
 *   npm run bench:webhooks -- [--deliveries 500] [--rounds 3]
 *
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createSecretBox } from '../backend/src/accounts';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { createOutboundWebhooks, type OutboundEvent } from '../backend/src/outbound';
import { WEBHOOK_DELIVERY_BATCH } from '../backend/src/scheduler/recurringJobs';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { claimAndSaveBaseline } from './claimAndSaveBaseline';
import { median, writeReport } from './report';

const ACCOUNT = 'acct_bench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { deliveries: { type: 'string', default: '500' }, rounds: { type: 'string', default: '3' } } });
  const count = Number(values.deliveries);
  const rounds = Number(values.rounds);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const baseUri = process.env.MONGODB_URI ?? embedded!.uri;
  const sandbox = await startStripeSandbox();
  const receiver = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const results: Record<string, number[]> = { baseline: [], deliveries: [] };
  try {
    for (let round = 1; round <= rounds; round += 1) {
      results.baseline!.push(await claimAndSaveBaseline(baseUri, sandbox, { count: count, accountId: ACCOUNT, dbName: `bench_webhooks_baseline_${round}` }));
      results.deliveries!.push(await deliveryRun(baseUri, receiverUrl, count, round));
      process.stderr.write(`round ${round}/${rounds} done\n`);
    }
  } finally {
    receiver.close();
    await sandbox.stop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const baseline = median(results.baseline!);
  const deliveries = median(results.deliveries!);
  writeReport('webhooks', [
    `## Outbound webhook deliveries (${count} deliveries, median of ${rounds} rounds, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| run | per second (median) | rounds | ratio to database baseline |',
    '|---|---|---|---|',
    `| database claim-and-save (baseline) | ${baseline.toFixed(1)} | ${results.baseline!.map((rate) => rate.toFixed(1)).join(', ')} | 1.00 |`,
    `| webhook deliveries, 1 process | ${deliveries.toFixed(1)} | ${results.deliveries!.map((rate) => rate.toFixed(1)).join(', ')} | ${(deliveries / baseline).toFixed(2)} |`,
    '',
    `A delivery: claimed in batches of ${WEBHOOK_DELIVERY_BATCH} (leased), endpoint and event read, signed (HMAC-SHA256), POSTed to a local receiver answering 200, attempt saved.`,
    'Baseline: one process claiming each due recovery case and saving it back (two database writes, no HTTP), as in the scheduler benchmark.',
    `Target (issue 13): at least 0.5 of the baseline. ${deliveries / baseline >= 0.5 ? 'Met.' : 'Not met on this database.'}`,
  ]);
}

/** Publishes `count` events to one endpoint, then times the delivery job draining them. */
async function deliveryRun(baseUri: string, receiverUrl: string, count: number, round: number): Promise<number> {
  const connection = await connectDatabase(baseUri, { dbName: `bench_webhooks_${round}` });
  try {
    await connection.dropDatabase();
    await Promise.all(Object.values(connection.models).map((model) => model.init()));
    const webhooks = createOutboundWebhooks({
      connection,
      secrets: createSecretBox('bench-only-secrets-key-000000000000'),
      mailer: null,
      emailFrom: 'bench@localhost.test',
      accountEmailOf: async () => null,
      allowLocalUrls: true,
      clock: { now: () => new Date() },
      logger: pino({ level: 'silent' }),
      instanceId: 'bench',
      workerLeaseMs: 30_000,
      onQueued: () => undefined,
    });
    await Promise.all(Object.values(connection.models).map((model) => model.init()));
    const created = await webhooks.endpoints.create(ACCOUNT, false, { url: receiverUrl, enabledEvents: ['*'] }, new Date(Date.now() - 1000));
    if (!created.ok) throw new Error(created.refusal.message);
    const events: OutboundEvent[] = Array.from({ length: count }, (_, i) => ({ id: `evt_rec_bench_${round}_${i}`, object: 'event', type: 'recovery.retry_failed', created: Math.floor(Date.now() / 1000), livemode: false, account: ACCOUNT, sequence: i + 1, data: { object: { id: `case_${i}`, object: 'recovery_case', amountMinor: 4900, currency: 'usd' } } }));
    await webhooks.publisher.publish(events);
    const startedAt = process.hrtime.bigint();
    let done = 0;
    for (let taken = 1; taken > 0; done += taken) taken = await webhooks.deliveries.runDue(WEBHOOK_DELIVERY_BATCH);
    const rate = done / (Number(process.hrtime.bigint() - startedAt) / 1e9);
    const delivered = await connection.collection('webhookDeliveries').countDocuments({ status: 'succeeded' });
    if (delivered !== count) throw new Error(`only ${delivered} of ${count} deliveries succeeded`);
    return rate;
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}

void main();
