import { connectDatabase } from '../../backend/src/database';
import { freePort, healthy, startServer, waitFor, type RunningServer } from '../support/serverProcesses';
import { invoice, signPayload, stripeEvent } from '../support/stripeEventBuilders';
import { testDatabaseUri } from '../support/testDatabase';
import { TEST_SECRETS } from '../support/testSecrets';

/**
 * Web processes killed with SIGKILL, over and over, while a sender delivers
 * 2,000 signed events and re-sends each until it gets a 2xx, as Stripe does.
 * Web processes only store; a worker process handles what they stored. In
 * the end every event is stored once and handled once: each invoice's case
 * saw its failure exactly once and ended paid (or, when the payment was
 * handled first, the late failure opened nothing), and nothing is left waiting.
 */
// 2,000 events (1,000 invoices); FAULT_TEST_INVOICES changes it.
const INVOICES = Number(process.env.FAULT_TEST_INVOICES ?? 1000);
const SECRET = 'whsec_fault_intake';
const WEB_PROCESSES = 2;
const SENDERS = 16;

// Generous: a web process restarts in a second or two, slower on a loaded 2-core machine, and the stream lasts as long as the restarts do.
jest.setTimeout(Math.max(600_000, INVOICES * 600));

it(`handles each of ${INVOICES * 2} re-sent events exactly once while web processes are killed with SIGKILL`, async () => {
  const dbName = `fault_intake_${process.pid}_${Date.now()}`;
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${dbName}`;
  const env = { ...TEST_SECRETS, MONGODB_URI: uri.toString(), STRIPE_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'development' };
  const connection = await connectDatabase(testDatabaseUri(), { dbName, patientMs: 60_000 });
  // The account installed the App before this stream of events: only installed accounts get cases.
  await connection.collection('accounts').insertOne({ accountId: 'acct_fault', livemode: false, source: 'app', status: 'installed', installedAt: new Date(), uninstalledAt: null });
  const ports = await Promise.all(Array.from({ length: WEB_PROCESSES }, () => freePort()));
  const webs: RunningServer[] = ports.map((port) => startServer({ ...env, ROLE: 'web', PORT: String(port) }));
  const worker = startServer({ ...env, ROLE: 'worker', PORT: String(await freePort()) });
  let kills = 0;
  let resends = 0;
  let stopKilling = false;

  try {
    await Promise.all(ports.map((port) => waitFor(() => healthy(port), 'a web process')));

    // Each invoice fails, and once every failure is acknowledged, is paid.
    const failures = Array.from({ length: INVOICES }, (_, index) => stripeEvent('invoice.payment_failed', invoice({ id: `in_fault_${index}`, customer: `cus_fault_${index}` }), { id: `evt_fail_${index}`, account: 'acct_fault' }));
    const payments = Array.from({ length: INVOICES }, (_, index) =>
      stripeEvent('invoice.paid', invoice({ id: `in_fault_${index}`, customer: `cus_fault_${index}`, status: 'paid', amount_remaining: 0 }), { id: `evt_paid_${index}`, account: 'acct_fault' }),
    );

    // One killer per web process, each killing its process within about a second of every restart, so both die again and again while
    // the stream lasts (each restart costs a couple of CPU-seconds of start-up on a 2-core machine: killing faster mostly measures that).
    const killsOf = ports.map(() => 0);
    const killer = Promise.all(
      ports.map(async (port, index) => {
        while (!stopKilling) {
          await new Promise((resolve) => setTimeout(resolve, 600 + Math.random() * 800));
          if (stopKilling) break;
          webs[index]!.child.kill('SIGKILL');
          await webs[index]!.exited;
          kills += 1;
          killsOf[index] = (killsOf[index] ?? 0) + 1;
          webs[index] = startServer({ ...env, ROLE: 'web', PORT: String(port) });
          await waitFor(() => healthy(port), 'a restarted web process').catch(() => undefined);
        }
      }),
    );

    /** Like Stripe: POST until a 2xx, to whichever endpoint instance answers. */
    async function deliverAll(events: Array<Record<string, unknown>>): Promise<void> {
      let next = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async (_, lane) => {
          for (let index = next++; index < events.length; index = next++) {
            const payload = JSON.stringify(events[index]);
            for (let attempt = 0; ; attempt += 1) {
              if (attempt > 400) throw new Error(`event ${index} never got a 2xx`);
              const port = ports[(lane + attempt) % WEB_PROCESSES]!;
              const accepted = await fetch(`http://127.0.0.1:${port}/api/webhooks/stripe`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'stripe-signature': signPayload(payload, SECRET) },
                body: payload,
                signal: AbortSignal.timeout(5_000),
              }).then((response) => response.ok, () => false);
              if (accepted) break;
              resends += 1;
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
        }),
      );
    }

    await deliverAll(failures);
    await deliverAll(payments);
    stopKilling = true;
    await killer;

    // Web processes only store; the worker handles what they stored, whether or not they were killed afterwards.
    const events = connection.collection('stripeEvents');
    const inbox = connection.collection('stripeEventInbox');
    await waitFor(async () => ((await inbox.countDocuments()) === 0 ? true : undefined), 'every event to be handled', Math.max(180_000, INVOICES * 150)).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await inbox.countDocuments()} still waiting`);
    });

    expect(await events.countDocuments()).toBe(INVOICES * 2);
    expect(await events.countDocuments({ status: { $nin: ['handled', 'ignored'] } })).toBe(0);
    const cases = await connection.collection('recoveryCases').find({ accountId: 'acct_fault' }, { projection: { status: 1, failureCount: 1 } }).toArray();
    expect(cases.filter((found) => found.status !== 'recovered' || found.failureCount !== 1)).toEqual([]);
    // A handler that died after applying a failure leaves the event for the worker, which finds it "already applied":
    // that is the second handling doing nothing. A failure handled after its payment opens nothing.
    const lateFailures = await events.countDocuments({ type: 'invoice.payment_failed', outcome: /payment already settled/ });
    expect(cases.length + lateFailures).toBe(INVOICES);
    // The processes really died mid-intake, more than once, and senders had to re-send.
    expect(killsOf.every((count) => count >= 1)).toBe(true);
    expect(resends).toBeGreaterThan(0);
    process.stderr.write(`fault test: ${kills} SIGKILLs, ${resends} re-sends, ${INVOICES * 2} events handled once\n`);
  } finally {
    stopKilling = true;
    for (const server of [...webs, worker]) {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
    await connection.dropDatabase();
    await connection.close();
  }
});
