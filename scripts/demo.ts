/**
 * `npm run demo`: the product doing its real job, on this machine alone.
 *
 * A demo merchant (a connected account in the local Stripe sandbox) has a few
 * hundred subscription customers whose renewals fail with the real-world mix
 * of decline codes; some of them update their card after one of our emails.
 * The backend (its real web routes, its real worker jobs, the embedded
 * database) recovers what it can while the demo's clock jumps from one due
 * action to the next, so three weeks pass in a couple of minutes. Then it
 * prints a summary, a card-update link, an API key and the page of caught
 * emails, and keeps serving until Ctrl-C.
 *
 *   npm run demo [-- --customers 100 --days 21 --seed 7 --holdout 0.1]
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
import type { CardBehaviour } from '../devservices/stripe-sandbox/sandboxState';
import { seededRandom } from '../devservices/declineMix';
import { isHardDecline, MODEL } from '../bench/recovery/behaviourModel';
import { generatePopulation, type SimulatedCase } from '../bench/recovery/population';
import { recoveryReportLines } from '../bench/recovery/recoveryReport';
import { simulateRecovery } from '../bench/recovery/simulateRecovery';
import { startPostmarkReceiver } from '../devservices/postmark-receiver/postmarkReceiver';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { buildRecoveryLift, utcDay, type RecoveryLift } from '../backend/src/stats';
import { DemoClock } from './demoClock';

const ACCOUNT = 'acct_demo_merchant';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * The clock moves at least this far per step. Each step costs a few scans of the
 * cases on the embedded database, so the demo batches what falls due within two
 * hours (a retry planned for 09:00 runs by 11:00, still in the customer's morning).
 */
const STEP = 2 * HOUR;

interface DemoCustomer {
  customerId: string;
  email: string;
  declineCode: string;
  /** After which of our emails (1-based) the customer updates their card; null: never. */
  updatesAfterEmail: number | null;
  updateDueAt: Date | null;
  updated: boolean;
}

export interface DemoOptions {
  customers: number;
  days: number;
  seed: number;
  /** The share of customers in the holdout's control group; 0 (off) unless asked. */
  holdout: number;
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
  const connection = await connectDatabase(database.uri, { dbName: 'recovery_demo' });

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
  process.stdout.write(`Demo: ${customerCount} subscription renewals fail at Northwind Software; ${days} days of recovery follow.\n`);

  /** Webhooks delivered and handled, then every due retry and email run, as the worker's jobs would. */
  async function runDue(): Promise<void> {
    for (let busy = true; busy; ) {
      busy = false;
      await sandbox.events.idle();
      await container.stripeEventProcessor.drain();
      while (await container.retries.runNextDue()) {
        busy = true;
        await sandbox.events.idle();
        await container.stripeEventProcessor.drain();
      }
      while (await container.dunning.runNextDue()) busy = true;
    }
  }

  const end = new Date(start.getTime() + days * DAY);
  let lastDay = -1;
  let steps = 0;
  await runDue();
  for (; steps < 20_000; steps += 1) {
    await customersAct(customers, receiver.state.emails, backendUrl, clock.now(), random);
    await runDue();
    const shownDay = Math.floor((clock.now().getTime() - start.getTime()) / DAY);
    if (shownDay !== lastDay) {
      lastDay = shownDay;
      process.stdout.write(`${progressLine(shownDay, days, await tally(connection), receiver.state.emails.length)}\n`);
    }
    const next = await nextDueAt(connection, customers);
    if (!next || next > end) break;
    clock.jumpTo(new Date(Math.max(next.getTime(), clock.now().getTime() + STEP)));
  }
  clock.jumpTo(end);
  clock.runOnFromHere();

  const totals = await tally(connection);
  // One more renewal fails now, so the printed card-update link opens a live page (by now every earlier case has ended).
  const [latecomerProfile] = generatePopulation({ customers: 1, seed: options.seed, start: clock.now(), failedAt: clock.now() });
  const latecomer = createCustomers(sandbox, [{ ...latecomerProfile!, index: customerCount, declineCode: 'expired_card', bucket: 'customer_must_act' }], random)[0]!;
  await runDue();
  const latecomerCase = (await container.cases.listByCustomer(ACCOUNT, true, latecomer.customerId, 1))[0];
  // A control case (with --holdout) gets no card-update link from us.
  const link = latecomerCase && latecomerCase.group !== 'control' ? await container.cardUpdate.linkFor(latecomerCase) : null;
  const { key } = await container.apiKeys.create({ accountId: ACCOUNT, livemode: true, name: 'demo', scope: 'read_write', now: clock.now() });

  process.stdout.write(
    [
      '',
      summaryTable(totals, receiver.state.emails.length),
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
      'Serving (web and worker) until Ctrl-C; the demo clock runs on from the end of the demo.',
      '',
    ].join('\n'),
  );
  // From here on the backend runs as it would anywhere: the worker's own loops take over from the demo's steps.
  container.worker.start();
}

/** The customers and their failing renewals, as the behaviour model draws them. */
function createCustomers(sandbox: Awaited<ReturnType<typeof startStripeSandbox>>, profiles: SimulatedCase[], random: () => number): DemoCustomer[] {
  return profiles.map((profile) => {
    const number = profile.index + 1;
    const email = `customer${number}@example.com`;
    const { country, region, postalCode } = profile.place;
    const customer = sandbox.billing.createCustomer(ACCOUNT, { email, name: `Customer ${number}`, address: { country, state: region, postal_code: postalCode } });
    const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: profile.brand, behaviour: behaviourFor(profile, random) });
    sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
    sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
    const subscription = sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: profile.amountMinor, currency: profile.currency });
    sandbox.billing.renew(ACCOUNT, subscription.id as string, { nextAttemptInHours: null });
    return { customerId: customer.id as string, email, declineCode: profile.declineCode, updatesAfterEmail: emailActedOn(profile), updateDueAt: null, updated: false };
  });
}

/** The email (1-based) after which the model's customer saves a new card: the last one sent before their update. */
function emailActedOn(profile: SimulatedCase): number | null {
  if (profile.cardUpdateAt === null) return null;
  const daysIn = (profile.cardUpdateAt - profile.failedAt) / DAY;
  return Math.max(1, MODEL.emailDays.value.filter((day) => day <= daysIn).length);
}

/** The model's card as a sandbox script: hard declines and India's cards never come good; insufficient funds on its funded days; soft ones after a few tries. */
function behaviourFor(profile: SimulatedCase, random: () => number): CardBehaviour {
  const { declineCode } = profile;
  const decline = { code: declineCode === 'incorrect_number' || declineCode === 'expired_card' ? declineCode : 'card_declined', decline_code: declineCode };
  if (isHardDecline(declineCode) || profile.place.country === 'IN') return { declines: [decline], then: 'repeat_last' };
  if (profile.bucket === 'insufficient_funds') {
    const fundedDays = [...new Set(profile.fundedSpells.flatMap((spell) => daysOfMonthBetween(spell.from, spell.until)))];
    return fundedDays.length > 0 ? { declines: [decline], then: 'succeed', succeedOnDaysOfMonth: fundedDays } : { declines: [decline], then: 'repeat_last' };
  }
  const failures = 1 + Math.floor(random() * 3);
  return profile.isRecoverable ? { declines: Array.from({ length: failures }, () => decline), then: 'succeed' } : { declines: [decline], then: 'repeat_last' };
}

/** The UTC days of the month a spell of money touches (the sandbox decides by UTC day). */
function daysOfMonthBetween(fromMs: number, untilMs: number): number[] {
  const days: number[] = [];
  for (let at = fromMs; at < untilMs; at += DAY) days.push(new Date(at).getUTCDate());
  days.push(new Date(untilMs).getUTCDate());
  return days;
}

/** Customers who act on an email follow its link a few hours after it arrives, and save a new card in the portal. */
async function customersAct(customers: DemoCustomer[], emails: Array<{ to: string; textBody: string | null; receivedAt: Date; tag?: string | null }>, backendUrl: string, now: Date, random: () => number): Promise<void> {
  for (const customer of customers) {
    if (customer.updated || customer.updatesAfterEmail === null) continue;
    const theirs = emails.filter((email) => email.to === customer.email && email.tag?.startsWith('dunning'));
    const trigger = theirs[customer.updatesAfterEmail - 1] ?? null;
    if (!trigger) continue;
    customer.updateDueAt ??= new Date(trigger.receivedAt.getTime() + (1 + random() * 6) * HOUR);
    if (customer.updateDueAt > now) continue;
    const link = /\/update\?token=[\w.-]+/.exec(trigger.textBody ?? '')?.[0];
    customer.updated = true;
    if (!link) continue;
    await updateCardThroughLink(`${backendUrl}${link}`);
  }
}

/** What a customer's browser does: the card-update page, its button, the portal's form, and back. */
async function updateCardThroughLink(url: string): Promise<void> {
  const token = new URL(url).searchParams.get('token')!;
  await fetch(url);
  const started = await fetch(new URL('/update', url), { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
  const portal = started.headers.get('location');
  if (!portal) return; // already paid, or nothing to update
  const saved = await fetch(portal, { method: 'POST', body: new URLSearchParams({ card: 'visa' }), redirect: 'manual' });
  const back = saved.headers.get('location');
  if (back) await fetch(back);
}

async function nextDueAt(connection: Awaited<ReturnType<typeof connectDatabase>>, customers: DemoCustomer[]): Promise<Date | null> {
  const open = await connection
    .collection('recoveryCases')
    .find({ $or: [{ status: 'active', pausedAt: null }, { status: 'recovered', confirmationDueAt: { $ne: null } }] }, { projection: { nextActionAt: 1, nextEmailAt: 1, confirmationDueAt: 1, status: 1 } })
    .toArray();
  const times = open.flatMap((found) => (found.status === 'active' ? [found.nextActionAt, found.nextEmailAt] : [found.confirmationDueAt]));
  const customerTimes = customers.filter((customer) => !customer.updated && customer.updateDueAt).map((customer) => customer.updateDueAt);
  const all = [...times, ...customerTimes].filter((at): at is Date => at instanceof Date).sort((a, b) => a.getTime() - b.getTime());
  return all[0] ?? null;
}

interface Tally {
  failed: number;
  active: number;
  recoveredBy: Record<string, number>;
  lost: number;
  refusedByNetworkRules: number;
}

async function tally(connection: Awaited<ReturnType<typeof connectDatabase>>): Promise<Tally> {
  const cases = await connection.collection('recoveryCases').find({ accountId: ACCOUNT }, { projection: { status: 1, outcome: 1, timeline: 1 } }).toArray();
  const recoveredBy: Record<string, number> = {};
  let refused = 0;
  for (const found of cases) {
    if (found.status === 'recovered') recoveredBy[found.outcome.recoveredBy] = (recoveredBy[found.outcome.recoveredBy] ?? 0) + 1;
    // A case counts once when card-network rules stopped at least one retry we would otherwise have made.
    if ((found.timeline as Array<{ kind: string; summary: string }>).some((entry) => (entry.kind === 'retry_planned' || entry.kind === 'retry_refused') && /network|Visa|Mastercard/.test(entry.summary))) refused += 1;
  }
  return {
    failed: cases.length,
    active: cases.filter((found) => found.status === 'active').length,
    recoveredBy,
    lost: cases.filter((found) => found.status !== 'active' && found.status !== 'recovered').length,
    refusedByNetworkRules: refused,
  };
}

function progressLine(day: number, days: number, totals: Tally, emails: number): string {
  const recovered = Object.values(totals.recoveredBy).reduce((sum, count) => sum + count, 0);
  const bar = '#'.repeat(Math.round((Math.min(day, days) / days) * 30)).padEnd(30, '.');
  return `day ${String(Math.min(day, days)).padStart(2)}/${days} [${bar}] failed ${totals.failed}, recovered ${recovered}, still recovering ${totals.active}, emails ${emails}`;
}

function summaryTable(totals: Tally, emails: number): string {
  const recovered = Object.values(totals.recoveredBy).reduce((sum, count) => sum + count, 0);
  const ended = recovered + totals.lost;
  const rows: Array<[string, string]> = [
    ['Failed renewals', String(totals.failed)],
    ['Recovered', String(recovered)],
    ['  by our smart retries', String(totals.recoveredBy.our_retry ?? 0)],
    ['  by a card update', String(totals.recoveredBy.card_update ?? 0)],
    ['  by the customer paying', String(totals.recoveredBy.customer_payment ?? 0)],
    ["  by Stripe's own retry", String(totals.recoveredBy.stripe_retry ?? 0)],
    ['Not recovered (window over, canceled)', String(totals.lost)],
    ['Still recovering', String(totals.active)],
    ['Recovery rate (of all failed)', `${totals.failed === 0 ? 0 : ((recovered / totals.failed) * 100).toFixed(1)}%`],
    ['Recovery rate (of those ended)', `${ended === 0 ? 0 : ((recovered / ended) * 100).toFixed(1)}%`],
    ['Emails sent', String(emails)],
    ['Cases where card-network rules stopped a retry', String(totals.refusedByNetworkRules)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['| what | count |', `|${'-'.repeat(width + 2)}|-------|`, ...rows.map(([label, value]) => `| ${label.padEnd(width)} | ${value.padStart(5)} |`)].join('\n');
}

/** The holdout's lift per currency, as GET /api/dashboard/lift gives it. */
function liftLines(lift: RecoveryLift): string[] {
  const share = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
  return [
    `Holdout: ${(lift.holdoutShare * 100).toFixed(0)}% of customers left to Stripe alone (control group).`,
    ...lift.currencies.map((entry) => {
      const groups = `treated ${share(entry.treated.recoveredShare)} of ${entry.treated.ended} ended, control ${share(entry.control.recoveredShare)} of ${entry.control.ended} ended`;
      const difference = entry.difference
        ? `lift ${share(entry.difference.estimate)} (95% interval ${share(entry.difference.low)} to ${share(entry.difference.high)})`
        : `not enough data yet (${lift.minimumCasesPerGroup} ended cases per group needed)`;
      return `  ${entry.currency}: ${groups}; ${difference}`;
    }),
  ];
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
    },
  });
  runDemo({ customers: Number(values.customers), days: Number(values.days), seed: Number(values.seed), holdout: Number(values.holdout) }).catch((error: unknown) => {
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
