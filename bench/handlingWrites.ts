/**
 * The database writes one handled Stripe event costs, counted from the write
 * commands the driver actually sends (command monitoring), not assumed:
 * events are stored as intake stores them, then one worker drains them.
 *
 *   node --import tsx bench/handlingWrites.ts   (lists each write of one opening failure, in order)
 */
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { loadConfig } from '../backend/src/config';
import { createContainer, ensureIndexes } from '../backend/src/container';
import { startEmbeddedDatabase } from '../backend/src/database';
import type { StoredStripeEvent } from '../backend/src/webhooks';
import { TEST_SECRETS } from '../test/support/testSecrets';

const WRITE_COMMANDS = ['insert', 'update', 'delete', 'findAndModify'];
export const BENCH_ACCOUNT = 'acct_bench_intake';

export interface WriteLog {
  /** One line per write command: its name, collection and how many statements it carried. */
  commands: { name: string; collection: string; statements: number }[];
}

/** Opens a connection whose write commands are appended to `log` while `log.recording` is true. */
async function monitoredConnection(uri: string, dbName: string, log: WriteLog & { recording: boolean }): Promise<Connection> {
  const connection = mongoose.createConnection(uri, { dbName, bufferCommands: false, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', (started) => {
    if (!log.recording || !WRITE_COMMANDS.includes(started.commandName)) return;
    const command = started.command as Record<string, unknown>;
    const statements = (command.documents ?? command.updates ?? command.deletes) as unknown[] | undefined;
    log.commands.push({ name: started.commandName, collection: String(command[started.commandName]), statements: statements?.length ?? 1 });
  });
  return connection;
}

/**
 * The bench's event as intake stores it: invoice.payment_failed of an App-installed account. Attempt 1 opens a case,
 * attempt 2 (a second decline of the same invoice, a second later) updates it: both kinds of work, and two events per case.
 */
export function benchEvent(id: string, invoiceId: string, customer: string, createdAt: Date, attempt: 1 | 2): StoredStripeEvent {
  return {
    eventId: id, accountId: BENCH_ACCOUNT, livemode: false, isAppInstall: true, type: 'invoice.payment_failed', objectId: invoiceId,
    eventCreatedAt: createdAt, payload: benchPayload(id, invoiceId, customer, createdAt, attempt),
    status: 'pending', attempts: 0, leaseOwner: null, leaseUntil: createdAt, outcome: null, lastError: null, receivedAt: createdAt, handledAt: null,
  };
}

export function benchPayload(id: string, invoiceId: string, customer: string, createdAt: Date, attempt: 1 | 2): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    type: 'invoice.payment_failed',
    created: Math.floor(createdAt.getTime() / 1000),
    livemode: false,
    account: BENCH_ACCOUNT,
    data: {
      object: {
        id: invoiceId, object: 'invoice', customer, customer_email: 'customer@example.com', amount_due: 4900, amount_remaining: 4900,
        currency: 'usd', attempt_count: attempt, status: 'open',
        parent: { type: 'subscription_details', subscription_details: { subscription: `sub_${invoiceId}` } },
      },
    },
  });
}

/** No event waits in the inbox: a look for any one (on the dev database a count decodes every waiting event). */
export const inboxEmpty = async (connection: Connection) => !(await connection.collection('stripeEventInbox').findOne({}, { projection: { _id: 1 } }));

/**
 * Stores `pairs` invoices declined twice (and, first, the App install of the bench account), drains them with one
 * worker of the real container and returns every write command the draining made. Each second decline is due a second
 * after its first (its lease starts at its creation), so the drain goes on until the inbox is empty: a worker that
 * finishes the first declines within that second would otherwise be counted for events it never handled.
 */
export async function measureHandlingWrites(baseUri: string, dbName: string, pairs: number, env: Record<string, string> = {}): Promise<WriteLog & { handling: number; events: number }> {
  const log = { commands: [] as WriteLog['commands'], recording: false };
  const connection = await monitoredConnection(baseUri, dbName, log);
  try {
    await connection.dropDatabase();
    const config = loadConfig({ NODE_ENV: 'development', ...TEST_SECRETS, LOG_LEVEL: 'silent', ...env });
    const container = createContainer({ config, logger: pino({ level: 'silent' }), connection });
    await ensureIndexes(connection);
    const now = new Date();
    await container.accounts.applyInstallEvent(BENCH_ACCOUNT, false, { status: 'installed', source: 'app', at: now, eventId: 'evt_bench_install' });
    for (let pair = 0; pair < pairs; pair += 1) {
      await container.stripeEvents.record(benchEvent(`evt_writes_${pair}_1`, `in_writes_${pair}`, `cus_writes_${pair}`, now, 1));
      if (pairs > 1) await container.stripeEvents.record(benchEvent(`evt_writes_${pair}_2`, `in_writes_${pair}`, `cus_writes_${pair}`, new Date(now.getTime() + 1000), 2));
    }
    log.recording = true;
    const giveUpAt = Date.now() + 30_000;
    for (;;) {
      await container.stripeEventProcessor.drain();
      if (await inboxEmpty(connection)) break;
      if (Date.now() > giveUpAt) throw new Error('the bench events were still in the inbox after 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const handling = log.commands.length;
    await container.outboxRelay.drain();
    log.recording = false;
    return { commands: log.commands, handling, events: pairs > 1 ? pairs * 2 : 1 };
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}

if (require.main === module) {
  void (async () => {
    const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ dataDir: (await import('node:fs')).mkdtempSync('/tmp/handling-writes-') });
    try {
      const uri = process.env.MONGODB_URI ?? embedded!.uri;
      const one = await measureHandlingWrites(uri, 'bench_handling_writes_one', 1);
      process.stdout.write(`one invoice.payment_failed opening a case: ${one.handling} write commands handling it, ${one.commands.length} with the outbox relay\n`);
      one.commands.forEach((command, index) => process.stdout.write(`  ${index + 1}. ${command.name} ${command.collection} (${command.statements} statement(s))\n`));
      const many = await measureHandlingWrites(uri, 'bench_handling_writes_many', 200);
      process.stdout.write(`${many.events} events (two declines per invoice): ${(many.handling / many.events).toFixed(2)} write commands per event handling, ${(many.commands.length / many.events).toFixed(2)} with the outbox relay\n`);
    } finally {
      await embedded?.stop();
    }
  })();
}
