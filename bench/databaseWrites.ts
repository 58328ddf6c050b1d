/**
 * Database operations per unit of work, counted off the driver's wire (command
 * monitoring), not timed: how many writes and reads one Stripe event (intake
 * and handling), one dunning email, one retry action and one relayed case save cost. These are the
 * figures the capacity model in docs/capacity.md multiplies out.
 *
 *   npm run bench:writes -- [--customers 50]
 *
 * Uses MONGODB_URI when set, else a fresh embedded FerretDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import type { CommandStartedEvent, Document } from 'mongodb';
import { startEmbeddedDatabase } from '../backend/src/database';
import { createRecoveryWorld } from '../test/support/recoveryWorld';
import { writeReport } from './report';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
const READS = new Set(['find', 'getMore', 'count', 'aggregate', 'distinct']);

/**
 * Writes of a command as a replica set's primary makes them: each inserted document, each single-document
 * update or delete statement, and each document a multi-document statement (updateMany, deleteMany) changed,
 * read from the reply's count. A command that mixes both kinds counts its single statements and the rest of
 * the reply's count; ours never mix them.
 */
function writesIn(started: CommandStartedEvent, reply: Document): number {
  const command = started.command;
  if (started.commandName === 'insert') return (command.documents as unknown[]).length;
  if (started.commandName !== 'update' && started.commandName !== 'delete') return 1;
  const statements = (started.commandName === 'update' ? command.updates : command.deletes) as { multi?: boolean; limit?: number }[];
  const isMulti = (statement: { multi?: boolean; limit?: number }) => (started.commandName === 'update' ? statement.multi === true : statement.limit === 0);
  const singles = statements.filter((statement) => !isMulti(statement)).length;
  if (singles === statements.length) return singles;
  const changed = typeof reply.n === 'number' ? reply.n : 0;
  return singles + Math.max(0, changed - singles);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '50' } } });
  const customers = Number(values.customers);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-bench-writes-'));
  const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir });
  const connection = mongoose.createConnection(process.env.MONGODB_URI ?? embedded!.uri, { dbName: 'bench_writes', monitorCommands: true, bufferCommands: false });
  await connection.asPromise();
  await connection.dropDatabase();
  const tally = { writes: 0, reads: 0 };
  // A multi-document statement's writes are known from its reply, so writes are counted when a command succeeds.
  const started = new Map<number, CommandStartedEvent>();
  connection.getClient().on('commandStarted', (event) => {
    if (WRITES.has(event.commandName)) started.set(event.requestId, event);
    else if (READS.has(event.commandName)) tally.reads += 1;
  });
  connection.getClient().on('commandSucceeded', (event) => {
    const write = started.get(event.requestId);
    if (!write) return;
    started.delete(event.requestId);
    tally.writes += writesIn(write, event.reply as Document);
  });
  connection.getClient().on('commandFailed', (event) => started.delete(event.requestId));
  const counted = async (work: () => Promise<unknown>) => {
    const before = { ...tally };
    await work();
    return { writes: tally.writes - before.writes, reads: tally.reads - before.reads };
  };

  const start = new Date('2026-06-01T08:00:00Z');
  // Live mode: test mode records emails without sending them (no send mark), which costs a write less.
  const world = await createRecoveryWorld(connection, { start, livemode: true });
  const rows: string[] = [];
  const row = (unit: string, units: number, ops: { writes: number; reads: number }) =>
    rows.push(`| ${unit} | ${units} | ${(ops.writes / units).toFixed(1)} | ${(ops.reads / units).toFixed(1)} |`);
  try {
    // Each renewal fails at Stripe: one invoice.payment_failed event per customer (plus the install event).
    for (let i = 0; i < customers; i += 1) {
      const customer = world.customerWithCard('acct_bench_writes', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
      world.sandbox.billing.renew('acct_bench_writes', customer.subscriptionId, { nextAttemptInHours: null });
    }
    const events = await counted(async () => {
      for (let round = 0; round < 3; round += 1) {
        await world.sandbox.events.idle();
        await world.container.stripeEventProcessor.drain();
      }
    });
    // Event types we do not use are stored as ignored at intake (one insert each); the rest are handled.
    const ignored = await connection.collection('stripeEvents').countDocuments({ status: 'ignored' });
    const handled = await connection.collection('stripeEvents').countDocuments({ status: 'handled' });
    row(`Stripe event we use: intake and handling (the ${ignored} of unused types, one insert each, left out)`, handled, { writes: events.writes - ignored, reads: events.reads });
    const relay = await counted(() => world.container.outboxRelay.drain());
    row('outbox relay, per case (after its events)', customers, relay);

    // Every case's first dunning email due: the clock moves to the latest planned one, and each customer's place is
    // known (London), so no email waits for the case's first retry step to read it.
    await connection.collection('recoveryCases').updateMany({}, { $set: { customerTimeZone: 'Europe/London' } });
    const planned = await connection.collection('recoveryCases').find({}, { projection: { nextEmailAt: 1 } }).toArray();
    world.clock.set(new Date(Math.max(...planned.map((found) => (found.nextEmailAt as Date).getTime()))));
    const sentBefore = world.postmark.state.emails.length;
    const emails = await counted(async () => {
      while ((await world.container.dunning.runDue(20)) > 0);
    });
    row('dunning email sent (its mark, its content, its record, the customer’s last-email date)', world.postmark.state.emails.length - sentBefore, emails);

    // Every case due now: each retry action charges once (the card then succeeds).
    await connection.collection('recoveryCases').updateMany({}, { $set: { nextActionAt: start, nextActionTrigger: 'manual', leaseUntil: new Date(0) } });
    let actions = 0;
    const retries = await counted(async () => {
      while (await world.container.retries.runNextDue()) actions += 1;
    });
    row(`retry action (claim, charge, ledger, save; ${world.ourCharges().length} charges)`, actions, retries);
    const afterRetries = await counted(async () => {
      await world.settle();
    });
    row('what a retry causes: its Stripe events, then the relay (per action)', actions, afterRetries);
  } finally {
    await world.stop();
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  writeReport('writes', [
    `## Database operations per unit of work (${customers} customers, ${process.env.MONGODB_URI ? 'MongoDB' : 'embedded FerretDB'})`,
    '',
    '| unit | units | writes per unit | reads per unit |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Counted off the driver (command monitoring): a write is one inserted document, one single-document update or delete statement, each document a multi-document statement (updateMany, deleteMany) changed, or one findAndModify.',
  ]);
}

void main();
