/**
 * `npm run demo`: the product doing its real job, on this machine alone.
 *
 * A demo merchant (a connected account in the local Stripe sandbox) has a few
 * hundred subscription customers whose renewals fail with the real-world mix
 * of decline codes; some of them update their card after one of our emails.
 * One for every ten of them renews during the demo, half on a card that expires
 * first: pre-dunning reminds them, some update their card through the link,
 * the others' renewals decline (demoRenewals.ts).
 * The backend (its real web routes, its real worker jobs, the embedded
 * database) recovers what it can while the demo's clock jumps from one due
 * action to the next, so three weeks pass in a couple of minutes. Then it
 * prints a summary, a card-update link, an API key and the page of caught
 * emails, and keeps serving until Ctrl-C.
 *
 *   npm run demo [-- --customers 100 --days 21 --seed 7 --holdout 0.1 --exit --profile]
 *
 * `--exit` stops after the summary instead of serving (to time it:
 * `time npm run demo -- --exit`). `--profile` prints, before the summary, every
 * database command by count per clock step and time at the database.
 *
 * The holdout is off unless asked: `--holdout 0.1` (or DEMO_HOLDOUT=0.1, which
 * `npm start` passes on too) leaves that share of the customers to Stripe alone
 * and prints the lift at the end.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../backend/src/app';
import { loadConfig } from '../backend/src/config';
import { createContainer, ensureIndexes } from '../backend/src/container';
import { connectDatabase, startEmbeddedDatabase } from '../backend/src/database';
import { seededRandom } from '../devservices/declineMix';
import { generatePopulation } from '../bench/recovery/population';
import { recoveryReportLines } from '../bench/recovery/recoveryReport';
import { profileOf, startWriteCounter } from '../bench/writeCounter';
import { simulateRecovery } from '../bench/recovery/simulateRecovery';
import { startPostmarkReceiver } from '../devservices/postmark-receiver/postmarkReceiver';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { buildRecoveryLift, utcDay } from '../backend/src/stats';
import { RECOVERY_ACTION_BATCH } from '../backend/src/scheduler/recurringJobs';
import { DemoClock } from './demoClock';
import { ACCOUNT, createCustomers, customersAct, DAY } from './demoCustomers';
import { atRiskLines, liftLines, preDunningLine, progressLine, progressOf, summaryTable, tally, type AtRiskPage } from './demoReport';
import { atRiskMomentOf, createRenewalSubscribers, preDunningOutcome, renewalsToCome, renewalSubscriberCount, renewDue } from './demoRenewals';
import { nextDueAt, reminderTimes, STEP } from './demoSchedule';

export interface DemoOptions {
  customers: number;
  days: number;
  seed: number;
  /** The share of customers in the holdout's control group; 0 (off) unless asked. */
  holdout: number;
  /** Stop after the summary instead of serving (for timing the demo, and for scripts). */
  exitAfterSummary?: boolean;
  /** Count every database command through a loopback proxy and print where the database time went (stderr). */
  profile?: boolean;
}

/** What `npm start` and `npm run demo` use unless told otherwise. */
export const DEMO_DEFAULTS = { customers: 300, days: 21, seed: 7, holdout: 0 } as const;

/** Runs the demo, prints its summary, then serves (web and worker) until SIGINT or SIGTERM. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const { customers: customerCount, days } = options;
  const random = seededRandom(options.seed);
  const startedAt = Date.now();
  // Monday 08:00 UTC of this week: renewals fail during the first day, in working hours somewhere.
  const today = new Date();
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - ((today.getUTCDay() + 6) % 7), 8));
  const clock = new DemoClock(start);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-demo-'));
  const database = await startEmbeddedDatabase({ dataDir });
  const counter = options.profile ? await startWriteCounter(database.uri, { timeCommands: true }) : null;
  const connection = await connectDatabase(counter ? counter.uriFor('recovery_demo') : database.uri, { dbName: 'recovery_demo' });

  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  const port = await listen(server, Number(process.env.PORT ?? 3000));
  const backendUrl = `http://127.0.0.1:${port}`;
  // The demo merchant is live (test mode would record emails, not send them), against the local stand-ins only,
  // and with secrets made for this run: start-up refuses live keys with the published development ones.
  const secrets = freshSecrets();
  const sandbox = await startStripeSandbox({ port: Number(process.env.SANDBOX_PORT ?? 0), webhook: { url: `${backendUrl}/api/webhooks/stripe`, secret: secrets.STRIPE_WEBHOOK_SECRET }, now: () => clock.now(), livemode: true });
  const receiver = await startPostmarkReceiver({ port: Number(process.env.POSTMARK_RECEIVER_PORT ?? 0), now: () => clock.now() });
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: backendUrl,
    STRIPE_SECRET_KEY: 'sk_live_demo',
    STRIPE_API_BASE: sandbox.url,
    ...secrets,
    POSTMARK_SERVER_TOKEN: 'demo-receiver',
    EMAIL_FROM: 'Northwind Billing <billing@northwind.example>',
    POSTMARK_API_BASE: receiver.url,
    LOG_LEVEL: 'silent',
  });
  const container = createContainer({ config, logger: pino({ level: 'silent' }), connection, clock });
  await ensureIndexes(connection);
  handler = createApp(container).callback();

  const stop = async () => {
    await container.worker.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await sandbox.stop();
    await receiver.stop();
    await connection.close();
    await counter?.stop();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  const saved = await container.settings.update(ACCOUNT, true, { branding: { merchantName: 'Northwind Software', productName: 'Northwind Pro', supportEmail: 'billing@northwind.example' }, holdoutShare: options.holdout }, clock.now());
  if (!saved.ok) throw new Error(`demo settings refused: ${saved.problems.join('; ')}`);
  // Northwind installs the App first: only installed accounts get recovery.
  sandbox.billing.authorizeApp(ACCOUNT);
  await sandbox.events.idle();
  await container.stripeEventProcessor.drain();
  // Who the customers are (decline, place, card, price, paydays, card updates) comes from the simulator's behaviour model.
  const population = generatePopulation({ customers: customerCount, seed: options.seed, start, failedAt: start });
  const customers = createCustomers(sandbox, population, random);
  // Subscribers renewing during the demo (issue 14): the same generator's next profiles, after the latecomer's number.
  const renewalCount = renewalSubscriberCount(customerCount);
  const renewalProfiles = generatePopulation({ customers: customerCount + 1 + renewalCount, seed: options.seed, start, failedAt: start }).slice(customerCount + 1);
  const subscribers = createRenewalSubscribers(sandbox, renewalProfiles, { firstNumber: customerCount + 2, start, days, random });
  const actors = [...customers, ...subscribers.map((subscriber) => subscriber.customer)];
  const atRiskAt = atRiskMomentOf(subscribers, start);
  let atRisk: { page: AtRiskPage; day: number } | null = null;
  const { key } = await container.apiKeys.create({ accountId: ACCOUNT, livemode: true, name: 'demo', scope: 'read_write', now: clock.now() });
  process.stdout.write(`Demo: ${customerCount} subscription renewals fail at Northwind Software; ${days} days of recovery follow.\n`);
  process.stdout.write(`${renewalCount} more subscribers renew during those days, ${subscribers.filter((s) => s.outlook === 'expires_first').length} of them on a card that expires first.\n`);

  let plannedDay: string | null = null;
  let reminders: Date[] = [];
  /** Webhooks delivered and handled, every due retry and email run, then the outbox relayed, as the worker's jobs would. */
  async function runDue(): Promise<void> {
    for (let busy = true, pass = 0; busy; pass += 1) {
      busy = false;
      await sandbox.events.idle();
      await container.stripeEventProcessor.drain();
      // Due retries in the worker's lanes, a batch at a time; then the Stripe events they caused.
      while ((await container.retries.runDue(RECOVERY_ACTION_BATCH)) > 0) {
        busy = true;
        await sandbox.events.idle();
        await container.stripeEventProcessor.drain();
      }
      while ((await container.dunning.runDue(RECOVERY_ACTION_BATCH)) > 0) busy = true;
      // Pre-dunning's two jobs, once a step: nothing above makes a reminder due. The planning pass once a simulated
      // day (the worker's runs every 5 minutes, but only intake needs it, and a sent reminder plans the next itself).
      // Sends only when a reminder is due (the times read at the end of the last step), sparing the claim's query.
      if (pass > 0) continue;
      const day = utcDay(clock.now());
      if (day !== plannedDay) await container.preDunning.planUpcoming();
      if (day !== plannedDay || reminders.some((at) => at <= clock.now())) while ((await container.preDunning.runDue(RECOVERY_ACTION_BATCH)) === RECOVERY_ACTION_BATCH);
      plannedDay = day;
    }
    // The outbox relay as the worker runs it: every save appends to its case's outbox, and unrelayed
    // entries made each case document, which the embedded database decodes on every write, grow all demo long.
    await container.outboxRelay.drain();
  }

  const end = new Date(start.getTime() + days * DAY);
  let lastDay = -1;
  let steps = 0;
  await runDue();
  for (; steps < 20_000; steps += 1) {
    renewDue(sandbox, subscribers, clock.now());
    await customersAct(actors, receiver.state.emails, backendUrl, clock.now(), random);
    await runDue();
    if (!atRisk && clock.now() >= atRiskAt) {
      // The worker's hourly scoring pass, then the list as the API gives it to the merchant.
      await container.renewalRisk.scoreUpcoming();
      const response = await fetch(`${backendUrl}/api/dashboard/at-risk?limit=5`, { headers: { authorization: `Bearer ${key}` } });
      if (!response.ok) throw new Error(`GET /api/dashboard/at-risk answered ${response.status}: ${await response.text()}`);
      atRisk = { page: (await response.json()) as AtRiskPage, day: Math.floor((clock.now().getTime() - start.getTime()) / DAY) };
    }
    const shownDay = Math.floor((clock.now().getTime() - start.getTime()) / DAY);
    if (shownDay !== lastDay) {
      lastDay = shownDay;
      process.stdout.write(`${progressLine(shownDay, days, progressOf(await container.rollups.readAllTime(ACCOUNT, true)), receiver.state.emails.length)}\n`);
    }
    reminders = await reminderTimes(connection, end);
    const next = await nextDueAt(connection, actors, clock.now(), end, [...reminders, ...renewalsToCome(subscribers), ...(atRisk ? [] : [atRiskAt])]);
    if (!next) break;
    clock.jumpTo(new Date(Math.max(next.getTime(), clock.now().getTime() + STEP)));
  }
  clock.jumpTo(end);
  clock.runOnFromHere();

  if (counter) process.stderr.write(profileOf(counter.timed(), steps, (Date.now() - startedAt) / 1000).replace('per action', 'per clock step'));
  const totals = await tally(connection);
  // One more renewal fails now, so the printed card-update link opens a live page (by now every earlier case has ended).
  const [latecomerProfile] = generatePopulation({ customers: 1, seed: options.seed, start: clock.now(), failedAt: clock.now() });
  const latecomer = createCustomers(sandbox, [{ ...latecomerProfile!, index: customerCount, declineCode: 'expired_card', bucket: 'customer_must_act' }], random)[0]!;
  await runDue();
  const latecomerCase = (await container.cases.listByCustomer(ACCOUNT, true, latecomer.customerId, 1))[0];
  // A control case (with --holdout) gets no card-update link from us.
  const link = latecomerCase && latecomerCase.group !== 'control' ? await container.cardUpdate.linkFor(latecomerCase) : null;

  process.stdout.write(
    [
      '',
      summaryTable(totals, receiver.state.emails.length),
      '',
      preDunningLine(preDunningOutcome(sandbox, subscribers, receiver.state.emails)),
      ...(atRisk ? ['', ...atRiskLines(atRisk.page, atRisk.day)] : []),
      '',
      ...(options.holdout > 0 ? [...liftLines(buildRecoveryLift(await container.rollups.readSince(ACCOUNT, true, utcDay(clock.now()), utcDay(clock.now())), options.holdout)), ''] : []),
      `${days} days took ${((Date.now() - startedAt) / 1000).toFixed(0)} s of real time, in ${steps} clock steps.`,
      '',
      // The same population under each retry policy, in the simulator (npm run bench:recovery) rather than the sandbox.
      ...recoveryReportLines(simulateRecovery({ customers: customerCount, seed: options.seed, start, failedAt: start })),
      '',
      `Emails the customers got (rendered as they see them): ${receiver.url}/`,
      ...(link ? [`${latecomer.email}'s renewal failed just now (card expired); their card-update link, to open in a browser:`, `  ${link.url}`] : []),
      `API key of the demo merchant: ${key}`,
      `  curl -s -H "Authorization: Bearer ${key}" ${backendUrl}/api/dashboard/stats`,
      `Backend: ${backendUrl} (OpenAPI: ${backendUrl}/api/openapi.json)   Stripe sandbox: ${sandbox.url}`,
      options.exitAfterSummary ? 'Stopping (--exit).' : 'Serving (web and worker) until Ctrl-C; the demo clock runs on from the end of the demo.',
      '',
    ].join('\n'),
  );
  if (options.exitAfterSummary) {
    await stop();
    return;
  }
  // From here on the backend runs as it would anywhere: the worker's own loops take over from the demo's steps.
  container.worker.start();
}

async function listen(server: http.Server, preferred: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(preferred, '127.0.0.1', () => resolve());
    });
  } catch {
    // The port is taken (npm start is running, say): any free port will do.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  }
  return (server.address() as AddressInfo).port;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: String(DEMO_DEFAULTS.customers) },
      days: { type: 'string', default: String(DEMO_DEFAULTS.days) },
      seed: { type: 'string', default: String(DEMO_DEFAULTS.seed) },
      holdout: { type: 'string', default: process.env.DEMO_HOLDOUT ?? String(DEMO_DEFAULTS.holdout) },
      exit: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
    },
  });
  runDemo({ customers: Number(values.customers), days: Number(values.days), seed: Number(values.seed), holdout: Number(values.holdout), exitAfterSummary: values.exit, profile: values.profile })
    .then(() => {
      if (values.exit) process.exit(0);
    })
    .catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** Secrets for one demo run, never the development defaults published in this repository. */
function freshSecrets() {
  const secret = (bytes: number) => randomBytes(bytes).toString('base64url');
  return {
    STRIPE_WEBHOOK_SECRET: `whsec_${secret(24)}`,
    CARD_UPDATE_LINK_SECRET: secret(32),
    SECRETS_ENCRYPTION_KEY: secret(32),
    POSTMARK_WEBHOOK_PASSWORD: secret(24),
  };
}
