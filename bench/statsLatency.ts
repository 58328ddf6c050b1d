/**
 * Stats endpoint latency as one merchant's history grows: 10k, 100k and 1M
 * recovery cases (a year of failures with the real-world decline mix, most
 * recovered, some lost, the last three weeks' still active). Measured over
 * HTTP on loopback with an API key, against two baselines in the same run:
 * an authenticated endpoint that reads one small document (GET /api/settings),
 * and what the dashboard would cost without rollups (counting the account's
 * recovered cases, measured up to --scan-up-to cases).
 *
 *   npm run bench:stats -- [--sizes 10000,100000,1000000] [--requests 200] [--scan-up-to 100000]
 *
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import pino from 'pino';
import { createApp } from '../backend/src/app';
import { loadConfig } from '../backend/src/config';
import { createContainer, ensureIndexes } from '../backend/src/container';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { applyPlan, decideCaseFact, recordEmailEvent, recordEmailSent, type RecoveryCase } from '../backend/src/recovery';
import { rollupIncrements, type RollupIncrement } from '../backend/src/stats';
import { declineAt, seededRandom } from '../devservices/declineMix';
import { percentile, writeReport } from './report';

const ACCOUNT = 'acct_bench_stats';
const DAY_MS = 86_400_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, requests: { type: 'string', default: '200' }, 'scan-up-to': { type: 'string', default: '100000' } } });
  const sizes = values.sizes.split(',').map(Number);
  const requests = Number(values.requests);
  const scanUpTo = Number(values['scan-up-to']);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-stats-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const connection = await connectDatabase(process.env.MONGODB_URI ?? embedded!.uri, { dbName: 'bench_stats', patientMs: 600_000 });
  const rows: string[] = [];
  try {
    await connection.dropDatabase();
    const config = loadConfig({ NODE_ENV: 'test', MERCHANT_RATE_LIMIT_PER_MINUTE: '1000000' });
    const container = createContainer({ config, logger: pino({ level: 'silent' }), connection });
    await ensureIndexes(connection);
    const server = http.createServer(createApp(container).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { key } = await container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'bench', scope: 'read', now: new Date() });

    const now = new Date();
    const random = seededRandom(42);
    let seeded = 0;
    for (const size of sizes) {
      const seedStarted = Date.now();
      const merged = new Map<string, RollupIncrement>();
      while (seeded < size) {
        const batch = Math.min(2000, size - seeded);
        await seedCases(connection, merged, seeded, batch, now, random);
        seeded += batch;
      }
      await container.rollups.apply(ACCOUNT, false, [...merged.values()]);
      process.stderr.write(`${size} cases seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s\n`);

      const stats = await timeRequests(`${base}/api/dashboard/stats`, key, requests);
      const baseline = await timeRequests(`${base}/api/settings`, key, requests);
      let scan = 'not measured';
      if (size <= scanUpTo) {
        const started = process.hrtime.bigint();
        await connection.collection('recoveryCases').countDocuments({ accountId: ACCOUNT, livemode: false, status: 'recovered' });
        scan = `${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`;
      }
      const statsP95 = percentile(stats, 95);
      const baselineP95 = percentile(baseline, 95);
      rows.push(`| ${size.toLocaleString('en-US')} | ${percentile(stats, 50).toFixed(1)} | ${statsP95.toFixed(1)} | ${percentile(stats, 99).toFixed(1)} | ${baselineP95.toFixed(1)} | ${(statsP95 / baselineP95).toFixed(2)} | ${scan} |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    }
    await new Promise((resolve) => server.close(resolve));
  } finally {
    await connection.dropDatabase();
    await connection.close();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  writeReport('stats', [
    `## Stats endpoint latency (one account, ${requests} sequential requests per size after 10 warm-up, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| cases | stats p50 ms | stats p95 ms | stats p99 ms | baseline p95 ms | p95 ratio to baseline | without rollups: one count over the cases |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Baseline: GET /api/settings over the same HTTP path and API key, one small document read. The stats read the month\'s and the trend\'s rollup documents (at most ~31 days × currencies, plus the all-time ones), so their cost does not follow the number of cases.',
    'Target (issue 5): p95 under 100 ms at 1M cases, and near-flat growth.',
  ]);
}

/** `count` cases of one year, built with the product's own state machine; their rollup increments are added to `merged`. */
async function seedCases(connection: Awaited<ReturnType<typeof connectDatabase>>, merged: Map<string, RollupIncrement>, from: number, count: number, now: Date, random: () => number): Promise<void> {
  const docs: Array<Record<string, unknown>> = [];
  for (let index = from; index < from + count; index += 1) {
    const found = syntheticCase(index, now, random);
    const { id, ...fields } = found;
    docs.push({ _id: new Types.ObjectId(id), ...fields, createdAt: found.openedAt, updatedAt: found.closedAt ?? found.openedAt });
    // From nothing to the final case: what the live path's successive increments add up to (see the stats tests).
    for (const increment of rollupIncrements(null, found)) {
      const key = `${increment.day}|${increment.currency}`;
      const into = merged.get(key) ?? { day: increment.day, currency: increment.currency, counters: {} };
      for (const [counter, value] of Object.entries(increment.counters)) into.counters[counter] = (into.counters[counter] ?? 0) + value;
      merged.set(key, into);
    }
  }
  await connection.collection('recoveryCases').insertMany(docs, { ordered: false });
}

function syntheticCase(index: number, now: Date, random: () => number): RecoveryCase {
  const openedAt = new Date(now.getTime() - Math.floor(random() * 365 * DAY_MS));
  const currency = (['usd', 'usd', 'usd', 'eur', 'gbp'] as const)[Math.floor(random() * 5)]!;
  const decision = decideCaseFact(
    null,
    {
      kind: 'payment_failed',
      eventId: `evt_bench_${index}`,
      occurredAt: openedAt,
      target: { kind: 'invoice', invoiceId: `in_bench_${index}` },
      amountMinor: 500 + Math.floor(random() * 20_000),
      currency,
      stripeCustomerId: `cus_bench_${index % 50_000}`,
      customerEmail: `customer${index}@example.com`,
      customerName: null,
      subscriptionId: `sub_bench_${index}`,
      decline: { code: 'card_declined', declineCode: declineAt(random()) },
      card: { brand: random() < 0.6 ? 'visa' : 'mastercard', fingerprint: `fp_${index}` },
      needsCustomerAction: false,
      stripeAttemptCount: 1,
      nextStripeRetryAt: null,
      hostedInvoiceUrl: null,
      attemptKey: null,
    },
    { accountId: ACCOUNT, livemode: false },
    false,
  );
  if (decision.kind !== 'open') throw new Error('a failure always opens a case');
  let found: RecoveryCase = { ...decision.case, id: new Types.ObjectId().toString(), revision: 0 };
  found = recordEmailSent(found, { messageId: `msg_${index}`, kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Your payment failed' }, openedAt);
  if (random() < 0.5) found = recordEmailEvent(found, { kind: 'opened', messageId: `msg_${index}`, at: new Date(openedAt.getTime() + 3_600_000) }) ?? found;

  const endsAt = new Date(openedAt.getTime() + Math.floor(random() * 14 * DAY_MS));
  const roll = random();
  if (endsAt > now || (roll >= 0.6 && now.getTime() - openedAt.getTime() < 21 * DAY_MS)) return found;
  if (roll < 0.6) {
    const paid = decideCaseFact(found, { kind: 'payment_succeeded', eventId: `evt_paid_${index}`, occurredAt: endsAt, target: found.target, paidOutOfBand: false, stripeAttemptCount: 2 }, { accountId: ACCOUNT, livemode: false }, false);
    return paid.kind === 'update' ? paid.case : found;
  }
  return applyPlan(found, { kind: 'exhausted', reason: 'the 21-day window ended' }, new Date(openedAt.getTime() + 21 * DAY_MS));
}

/** Latencies in ms of `count` sequential GETs after 10 warm-up requests. */
async function timeRequests(url: string, key: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < count + 10; index += 1) {
    const started = process.hrtime.bigint();
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (index >= 10) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies;
}

void main();
