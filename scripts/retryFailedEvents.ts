/**
 * Re-drives Stripe events that were parked as failed (every attempt failed,
 * e.g. during a Stripe or database outage): puts them back in the inbox, due
 * at once with their attempts starting over; a running worker handles them on
 * its next poll. Each event's earlier failure stays in its record.
 *
 *   npm run events:retry -- --since 2026-05-02T00:00:00Z [--type invoice.payment_failed …] [--account acct_… …]
 *
 * --since takes the time events were received (an event retries for about two
 * and a half hours before it is parked: start a little before the outage).
 * Reads the backend's settings (MONGODB_URI and the rest) like the backend does.
 */
import { parseArgs } from 'node:util';
import { createStripeEventStore } from '../backend/src/webhooks';
import { connectOperatorDatabase } from './operatorDatabase';

const USAGE = 'usage: npm run events:retry -- --since <ISO date> [--type <event type>]… [--account <acct_…>]…';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      since: { type: 'string' },
      type: { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
    },
  });
  const since = values.since ? new Date(values.since) : null;
  if (!since || Number.isNaN(since.getTime())) fail(`--since needs a date such as 2026-05-02T00:00:00Z\n${USAGE}`);

  const connection = await connectOperatorDatabase(fail);
  try {
    const requeued = await createStripeEventStore(connection).requeueFailed({ since, types: values.type, accountIds: values.account }, new Date());
    for (const event of requeued) {
      const failure = event.earlierFailures?.at(-1);
      process.stdout.write(
        `re-queued ${event.eventId}  ${event.type}  ${event.accountId}  ${event.livemode ? 'live' : 'test'}  received ${event.receivedAt.toISOString()}` +
          `  (${failure?.attempts ?? 0} attempts; last error: ${failure?.lastError ?? 'none'})\n`,
      );
    }
    process.stdout.write(`${requeued.length} failed event${requeued.length === 1 ? '' : 's'} re-queued; a running worker handles them on its next poll.\n`);
  } finally {
    await connection.close();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`events:retry failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
