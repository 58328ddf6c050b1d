import type { Logger } from 'pino';
import type { Account, AccountStore } from '../accounts';
import {
  invoiceLinkInPayload,
  isHandledEventType,
  translateCustomerDeletion,
  translateRenewalFacts,
  translateStripeEvent,
  type InvoiceLink,
  type PaymentLookup,
  type StripeEventEnvelope,
} from '../adapters/stripe';
import type { Clock } from '../clock';
import type { Holdout } from '../lift/holdout';
import { redactJsonText, searchTermsOf, type PrivacyService } from '../privacy';
import { caseKeyOf, isCaseFact, type BillingFact, type CaseEnrollment, type CaseFact, type RecoveryService, type Tenant } from '../recovery';
import type { RenewalIntake } from '../renewals';
import { readOncePerKey } from '../readOncePerKey';
import { isInstallEvent, lanesOf } from './eventLanes';
import { pauseAfterBatch, type IntakeFirstPolicy } from './intakeFirst';
import { createBatchTurns, createLaneTurns } from './laneTurns';
import { MAX_EVENT_ATTEMPTS, nextEventAttemptAt } from './retryBackoff';
import type { FinishedEvent, StoredStripeEvent, StripeEventStore } from './stripeEventStore';

/**
 * Handles stored events outside the request that delivered them: intake only
 * stores and answers, so a burst of webhooks never waits on the work each
 * event causes, and an event whose handling fails is simply tried again.
 */
export interface StripeEventProcessor {
  /**
   * Claims and handles due events (new ones, crash leftovers, retries); returns how many it took. While
   * webhooks keep arriving it pauses after each batch as the intake-first policy says (see intakeFirst).
   */
  sweep(maxEvents: number): Promise<number>;
  /** Handles every event that is due now, without pausing for intake, for callers that need the result at once (tests, the demo). */
  drain(): Promise<void>;
}

/** `erased`: a customer this event erased (customer.deleted), whose data the batch's own records must not keep either. */
type Outcome = { status: 'handled' | 'ignored'; summary: string; erased?: ErasedCustomer };

/** What an event calls for (see prepare): an outcome already known, work on cases, or billing facts to apply. */
type Prepared = { outcome: Outcome } | { run: () => Promise<Outcome> } | { tenant: Tenant; facts: BillingFact[]; renewalNote: string };

/** An event whose one fact is about one case: it may be applied together with the lane's next events about that case. */
interface CaseFactEvent {
  stored: StoredStripeEvent;
  tenant: Tenant;
  fact: CaseFact;
  renewalNote: string;
}

interface ErasedCustomer {
  accountId: string;
  livemode: boolean;
  stripeCustomerId: string;
  /** What to look for in text: the customer's emails and names (privacy/searchTermsOf). */
  terms: string[];
}

/**
 * A batch's events are recorded from the payloads read when they were claimed: those that mention a customer
 * the batch erased (the customer.deleted itself, and their other events handled beside it) are recorded redacted.
 */
function withoutErasedCustomers(finished: FinishedEvent[], erased: ErasedCustomer[]): FinishedEvent[] {
  if (erased.length === 0) return finished;
  return finished.map((done) => {
    const mentioned = erased.filter((customer) => customer.accountId === done.event.accountId && customer.livemode === done.event.livemode && done.event.payload.includes(`"${customer.stripeCustomerId}"`));
    if (mentioned.length === 0) return done;
    return { ...done, event: { ...done.event, payload: redactJsonText(done.event.payload, mentioned.flatMap((customer) => customer.terms)) } };
  });
}

/** Reads one batch shares: an account and its holdout are read once per batch, not once per event. */
interface BatchReads {
  accountOf(stored: StoredStripeEvent, at: Date): Promise<Account | null>;
  holdoutOf(account: Account): Promise<Holdout | null>;
  /** Whether an event settled this invoice or payment before (see StripeEventStore.hasSettlement). */
  isSettled(accountId: string, objectId: string): Promise<boolean>;
  /** The batch's enrollment step for cases opening: each account's running experiments read once. */
  enroll?: CaseEnrollment;
}

/** Failures whose object is the invoice or payment they are about: whether it was settled is read for the whole batch at once. */
const FAILURE_TYPES: ReadonlySet<string> = new Set(['invoice.payment_failed', 'invoice.payment_action_required', 'payment_intent.payment_failed']);

export function createStripeEventProcessor(deps: {
  events: StripeEventStore;
  accounts: AccountStore;
  recovery: RecoveryService;
  /** The account's holdout for cases opening now (settings/holdoutOf); null when it is off. */
  holdoutOf: (account: Account) => Promise<Holdout | null>;
  /** A new enrollment step per batch (ExperimentService.enrollmentForBatch); absent, the recovery service enrolls on its own. */
  enrollmentForBatch?: () => CaseEnrollment;
  /** Asks Stripe in the event's own mode; null when that mode has no key. */
  paymentLookupFor: (livemode: boolean) => PaymentLookup | null;
  /** Keeps upcoming renewals current from the same events; absent where renewals are not wired. */
  renewalIntake?: RenewalIntake;
  /** Erases a customer's data on customer.deleted; absent where privacy is not wired (the event is then ignored). */
  privacy?: Pick<PrivacyService, 'eraseCustomer'>;
  logger: Logger;
  clock: Clock;
  instanceId: string;
  /** How long this instance holds an event it handles (eventLeaseMs of the Stripe timeout). */
  leaseMs: number;
  /** Events handled at once (config stripeEventConcurrency), never two of one customer; also the size of each claim. */
  concurrency: number;
  /** Claimed batches handled at the same time (config stripeEventBatchesInFlight); 1 when absent. */
  batchesInFlight?: number;
  /** How sweeps leave the database to intake while webhooks keep arriving; absent, they never pause. */
  intakeFirst?: IntakeFirstPolicy;
  /** Waits `ms` (a timer; tests watch it). */
  pause?: (ms: number) => Promise<void>;
}): StripeEventProcessor {
  const { events, accounts, recovery, paymentLookupFor, logger, clock, instanceId } = deps;
  const laneTurns = createLaneTurns();

  /**
   * What an event calls for, found without changing any case: a plain outcome, work that changes cases
   * (`run`, done when its turn in the lane comes), or its billing facts, which a lane may apply together with
   * the facts of its next events when all are about one case.
   */
  async function prepare(stored: StoredStripeEvent, reads: BatchReads): Promise<Prepared> {
    const event = JSON.parse(stored.payload) as StripeEventEnvelope;
    const tenant: Tenant = { accountId: stored.accountId, livemode: stored.livemode };
    const at = new Date(event.created * 1000);
    const source = stored.isAppInstall ? 'app' : 'self_hosted';

    if (event.type === 'account.application.authorized' || event.type === 'account.application.deauthorized') {
      const status = event.type === 'account.application.authorized' ? 'installed' : 'uninstalled';
      return {
        run: async () => {
          const applied = await accounts.applyInstallEvent(tenant.accountId, tenant.livemode, { status, source, at, eventId: event.id });
          if (!applied) return { status: 'ignored', summary: `a newer install or uninstall of this account was already applied; this ${status === 'installed' ? 'install' : 'uninstall'} is older` };
          if (status === 'installed') return { status: 'handled', summary: 'app installed' };
          const result = await applyFacts(tenant, translateStripeEvent(event), reads);
          return { status: 'handled', summary: `app uninstalled; ${result}` };
        },
      };
    }
    // Only merchants get cases: an App account through its install event, the self-hosted account from its first event.
    const account = await reads.accountOf(stored, at);
    if (!account || (account.status === 'uninstalled' && !account.uninstalledAt)) {
      return { outcome: { status: 'ignored', summary: `account ${tenant.accountId} has not installed the App in ${tenant.livemode ? 'live' : 'test'} mode` } };
    }
    if (account.status === 'uninstalled') return { outcome: { status: 'ignored', summary: 'account has uninstalled the app' } };
    if (!isHandledEventType(event.type)) return { outcome: { status: 'ignored', summary: `event type ${event.type} is not used` } };
    if (event.type === 'customer.deleted') return { run: () => eraseDeletedCustomer(stored, tenant, event) };
    // First: renewal facts are idempotent, so a retry after a later failure here repeats nothing harmful.
    const renewalNote = deps.renewalIntake ? await deps.renewalIntake.applyEvent({ ...tenant, isAppInstall: stored.isAppInstall }, translateRenewalFacts(event)) : '';

    let link: InvoiceLink | undefined;
    const paymentLookup = paymentLookupFor(tenant.livemode);
    if (event.type === 'payment_intent.payment_failed') {
      link = invoiceLinkInPayload(event.data.object);
      if (!link.known) {
        if (!paymentLookup) {
          return { outcome: { status: 'ignored', summary: `cannot tell an invoice payment from a one-time payment without Stripe API access in ${tenant.livemode ? 'live' : 'test'} mode (STRIPE_SECRET_KEY, STRIPE_TEST_SECRET_KEY)` } };
        }
        const paymentIntentId = String(event.data.object.id);
        link = { known: true, invoiceId: await paymentLookup.findInvoiceForPaymentIntent(tenant.accountId, stored.isAppInstall, paymentIntentId) };
      }
    }
    if (event.type === 'payment_intent.succeeded' && event.data.object.customer && paymentLookup) {
      // Only a customer's one-time payment may settle another one-time case of theirs; never an invoice's payment.
      link = invoiceLinkInPayload(event.data.object);
      if (!link.known) link = { known: true, invoiceId: await paymentLookup.findInvoiceForPaymentIntent(tenant.accountId, stored.isAppInstall, String(event.data.object.id)) };
    }
    const facts = translateStripeEvent(event, link);
    if (facts.length === 0) return { outcome: renewalNote ? { status: 'handled', summary: renewalNote } : { status: 'ignored', summary: 'nothing in this event concerns recovery' } };
    // A failure may open a case: it joins the holdout's treated or control group under the settings of now.
    const opening = facts.some((fact) => fact.kind === 'payment_failed') ? { ...tenant, holdout: await reads.holdoutOf(account) } : tenant;
    return { tenant: opening, facts, renewalNote };
  }

  /**
   * customer.deleted: the customer's data is erased (privacy/), and the event itself is kept without it.
   * Safe twice: a second erasure finds nothing left to remove. A case a worker holds throughout makes
   * this throw, so the event is tried again later (back-off) rather than leaving that case unerased.
   */
  async function eraseDeletedCustomer(stored: StoredStripeEvent, tenant: Tenant, event: StripeEventEnvelope): Promise<Outcome> {
    const deletion = translateCustomerDeletion(event);
    if (!deletion) return { status: 'ignored', summary: 'customer.deleted without a customer id' };
    if (!deps.privacy) return { status: 'ignored', summary: 'customer erasure is not wired here' };
    const result = await deps.privacy.eraseCustomer({ ...tenant, stripeCustomerId: deletion.stripeCustomerId }, deletion.known);
    if (!result.complete) throw new Error(`a worker held a case of customer ${deletion.stripeCustomerId} throughout; erasure will be tried again`);
    const touched = Object.entries(result.erased).filter(([, count]) => count > 0).map(([name, count]) => `${name} ${count}`);
    return {
      status: 'handled',
      summary: `customer ${deletion.stripeCustomerId} erased (${touched.join(', ') || 'nothing left to erase'})`,
      erased: { ...tenant, stripeCustomerId: deletion.stripeCustomerId, terms: searchTermsOf(deletion.known) },
    };
  }

  async function applyFacts(tenant: Tenant, facts: BillingFact[], reads: BatchReads): Promise<string> {
    const summaries: string[] = [];
    for (const fact of facts) {
      if (isCaseFact(fact)) {
        summaries.push((await recovery.applyCaseFact(tenant, fact, await isSettled(reads, tenant, fact))).summary);
      } else {
        summaries.push((await recovery.applyGroupFact(tenant, fact)).summary);
      }
    }
    return summaries.join('; ');
  }

  /** A failure of an invoice or payment an earlier event already settled must not open a case. */
  async function isSettled(reads: BatchReads, tenant: Tenant, fact: CaseFact): Promise<boolean> {
    if (fact.kind !== 'payment_failed') return false;
    return reads.isSettled(tenant.accountId, fact.target.kind === 'invoice' ? fact.target.invoiceId : fact.target.paymentIntentId);
  }

  /** Events of a lane, one after another, about one case: applied with one read and one write of it. */
  async function applyTogether(together: CaseFactEvent[], reads: BatchReads): Promise<Outcome[]> {
    const facts = await Promise.all(together.map(async ({ tenant, fact }) => ({ tenant, fact, alreadySettled: await isSettled(reads, tenant, fact) })));
    const outcomes = await recovery.applyCaseFacts(facts, { enroll: reads.enroll });
    return outcomes.map((outcome, index) => ({ status: 'handled', summary: [outcome.summary, together[index]!.renewalNote].filter(Boolean).join('; ') }));
  }

  /**
   * The account of a batch's events, read once per account and mode. Not shared across an install or
   * uninstall in the batch: those events and every other of their account share one lane (see lanesOf),
   * and each must see the account as the one before it left it.
   */
  async function batchReads(batch: StoredStripeEvent[]): Promise<BatchReads> {
    const changing = new Set(batch.filter((stored) => isInstallEvent(stored.type)).map((stored) => `${stored.accountId}|${stored.livemode}`));
    const accountsRead = readOncePerKey<Account | null>();
    const holdouts = readOncePerKey<Holdout | null>();
    // Settlement markers are written at intake, before their event is stored: one settled before this batch
    // was claimed is among these; one written since belongs to an event this or a later batch handles.
    const failures = batch.filter((stored) => FAILURE_TYPES.has(stored.type) && stored.objectId).map((stored) => ({ accountId: stored.accountId, objectId: stored.objectId! }));
    const askedAtOnce = new Set(failures.map((target) => `${target.accountId}|${target.objectId}`));
    const read = (stored: StoredStripeEvent, at: Date) =>
      stored.isAppInstall ? accounts.find(stored.accountId, stored.livemode) : accounts.ensureSelfHosted(stored.accountId, stored.livemode, at);
    // An App account is only read, so it is read beside the settlement markers rather than after them
    // (a self-hosted one may be created by its first event, so it waits for an event that needs it).
    for (const stored of batch) {
      if (!stored.isAppInstall || changing.has(`${stored.accountId}|${stored.livemode}`)) continue;
      // A failed read is kept for no one (readOncePerKey): the event that needs the account reads it again.
      accountsRead(`${stored.accountId}|${stored.livemode}|true`, () => read(stored, stored.eventCreatedAt)).catch(() => undefined);
    }
    const settled = await events.settledAmong(failures);
    return {
      accountOf(stored, at) {
        if (changing.has(`${stored.accountId}|${stored.livemode}`)) return read(stored, at);
        return accountsRead(`${stored.accountId}|${stored.livemode}|${stored.isAppInstall}`, () => read(stored, at));
      },
      holdoutOf(account) {
        const key = `${account.accountId}|${account.livemode}`;
        return changing.has(key) ? deps.holdoutOf(account) : holdouts(key, () => deps.holdoutOf(account));
      },
      enroll: deps.enrollmentForBatch?.(),
      async isSettled(accountId, objectId) {
        const key = `${accountId}|${objectId}`;
        return askedAtOnce.has(key) ? settled.has(key) : events.hasSettlement(accountId, objectId);
      },
    };
  }

  /** Settles one claimed event by `work`: its outcome, once its effects are saved, joins `finished`; a failure is tried again later. */
  async function settle(stored: StoredStripeEvent, work: () => Promise<Outcome>, finished: FinishedEvent[], erased: ErasedCustomer[]): Promise<void> {
    const log = { eventId: stored.eventId, type: stored.type, accountId: stored.accountId };
    try {
      const outcome = await work();
      finished.push({ event: stored, status: outcome.status, outcome: outcome.summary, at: clock.now() });
      if (outcome.erased) erased.push(outcome.erased);
      logger.info({ ...log, outcome: outcome.status, detail: outcome.summary }, 'stripe event processed');
    } catch (error) {
      const attempts = Math.max(1, stored.attempts);
      const giveUp = attempts >= MAX_EVENT_ATTEMPTS;
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ ...log, outcome: giveUp ? 'failed' : 'retry_later', attempts, err: message }, 'stripe event handling failed');
      try {
        await events.fail(stored, message, nextEventAttemptAt(attempts, clock.now()), giveUp);
      } catch {
        // The database is down too; the lease runs out and the sweep tries again.
      }
    }
  }

  async function outcomeOf(prepared: Prepared, reads: BatchReads): Promise<Outcome> {
    if ('outcome' in prepared) return prepared.outcome;
    if ('run' in prepared) return prepared.run();
    return { status: 'handled', summary: [await applyFacts(prepared.tenant, prepared.facts, reads), prepared.renewalNote].filter(Boolean).join('; ') };
  }

  /**
   * Handles one lane's events in order. Consecutive events whose one fact is about the same case (a decline's
   * invoice.payment_failed and payment_intent.payment_failed, say) are applied together, with one read and
   * one write of the case; any other event first applies what waits before it, so the lane's order holds.
   */
  async function handleLane(lane: StoredStripeEvent[], reads: BatchReads, finished: FinishedEvent[], erased: ErasedCustomer[]): Promise<void> {
    let waiting: CaseFactEvent[] = [];
    const applyWaiting = async () => {
      if (waiting.length === 0) return;
      const together = waiting;
      waiting = [];
      const outcomes = applyTogether(together, reads);
      // Each event settles on the shared result: all handled, or all tried again.
      for (const [index, { stored }] of together.entries()) await settle(stored, async () => (await outcomes)[index]!, finished, erased);
    };
    for (const stored of lane) {
      let prepared: Prepared;
      try {
        prepared = await prepare(stored, reads);
      } catch (error) {
        await settle(stored, () => Promise.reject(error), finished, erased);
        continue;
      }
      const about = aboutOneCase(stored, prepared);
      if (!about || (waiting[0] && !aboutSameCase(waiting[0], about))) await applyWaiting();
      if (about) waiting.push(about);
      else await settle(stored, () => outcomeOf(prepared, reads), finished, erased);
    }
    await applyWaiting();
  }

  /**
   * Handles a claimed batch: lanes side by side, each lane's events one after another (see lanesOf), then
   * records every outcome at once. A crash before that record loses nothing: the leases run out, the events
   * are handled again, and applying an event twice changes nothing (each case remembers the events it applied).
   */
  async function handleBatch(batch: StoredStripeEvent[]): Promise<void> {
    // The batch's shared reads are made beside the check for re-delivered events, for every event claimed:
    // a re-delivered one among them only widens what is read.
    const [recorded, reads] = await Promise.all([events.recordedAmong(batch.map((stored) => stored.eventId)), batchReads(batch)]);
    const discarded = batch.filter((stored) => recorded.has(stored.eventId));
    for (const stored of discarded) logger.info({ eventId: stored.eventId, type: stored.type, accountId: stored.accountId, outcome: 'duplicate' }, 'stripe event re-delivered after it was handled');
    const fresh = batch.filter((stored) => !recorded.has(stored.eventId));
    const finished: FinishedEvent[] = [];
    const erased: ErasedCustomer[] = [];
    const lanes = lanesOf(fresh);
    const runLanes = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
        const { events: laneEvents } = lane;
        await laneTurns.run(lane, () => handleLane(laneEvents, reads, finished, erased));
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, lanes.length) }, runLanes));
    await events.finishAll(withoutErasedCustomers(finished, erased), discarded);
  }

  const pause = deps.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * After a batch, pauses for intake when events arrived while it was handled (see intakeFirst). The inbox
   * is only asked when a pause could follow, and a failed read means no pause: the batch is done either way.
   */
  async function leaveRoomForIntake(batch: StoredStripeEvent[], claimedAt: Date, tookMs: number): Promise<void> {
    const policy = deps.intakeFirst;
    if (!policy) return;
    const now = clock.now();
    const oldestReceivedAt = new Date(Math.min(...batch.map((stored) => stored.receivedAt.getTime())));
    const ms = pauseAfterBatch(policy, { tookMs, oldestReceivedAt }, true, now);
    if (ms === 0) return;
    const arrived = await events.arrivedSince(claimedAt, now).catch(() => false);
    if (arrived) await pause(ms);
  }

  let olderVersionChecked = false;

  async function sweep(maxEvents: number, intakeFirst = true): Promise<number> {
    if (!olderVersionChecked) {
      // Versions before the inbox kept waiting events in the record itself; take them over once.
      const adopted = await events.adoptPendingRecords();
      if (adopted > 0) logger.info({ adopted }, 'stripe events left pending by an earlier version moved to the inbox');
      olderVersionChecked = true;
    }
    // Batches overlap: while one waits on the database, the next is claimed and handled. Claims take turns,
    // since two at once would find the same due events and split them; lanes take turns across batches, and a
    // batch with an install or uninstall runs alone (laneTurns).
    let taken = 0;
    const batchTurns = createBatchTurns();
    let claiming: Promise<unknown> = Promise.resolve();
    const claimInTurn = (limit: number) => {
      const claimed = claiming.then(async () => {
        const claimedAt = clock.now();
        return { claimedAt, batch: await events.claimBatch(instanceId, claimedAt, deps.leaseMs, limit) };
      });
      claiming = claimed.catch(() => undefined);
      return claimed;
    };
    const claimAndHandle = async () => {
      while (taken < maxEvents) {
        const limit = Math.min(deps.concurrency, maxEvents - taken);
        taken += limit;
        const { claimedAt, batch } = await claimInTurn(limit).catch((error: unknown) => {
          taken -= limit;
          throw error;
        });
        taken -= limit - batch.length;
        if (batch.length === 0) return;
        const startedAt = performance.now();
        await batchTurns.run(batch.some((stored) => isInstallEvent(stored.type)), () => handleBatch(batch));
        if (intakeFirst) await leaveRoomForIntake(batch, claimedAt, performance.now() - startedAt);
      }
    };
    const ended = await Promise.allSettled(Array.from({ length: Math.max(1, deps.batchesInFlight ?? 1) }, claimAndHandle));
    const failed = ended.find((one): one is PromiseRejectedResult => one.status === 'rejected');
    if (failed) throw failed.reason;
    return taken;
  }

  return {
    sweep: (maxEvents) => sweep(maxEvents),
    async drain() {
      while ((await sweep(100, false)) === 100);
    },
  };
}

/** The event as one fact about one case, when that is all it is (a one-time payment that may settle another case is not). */
function aboutOneCase(stored: StoredStripeEvent, prepared: Prepared): CaseFactEvent | null {
  if (!('facts' in prepared) || prepared.facts.length !== 1) return null;
  const [fact] = prepared.facts;
  if (!fact || !isCaseFact(fact) || (fact.kind === 'payment_succeeded' && fact.payment)) return null;
  return { stored, tenant: prepared.tenant, fact, renewalNote: prepared.renewalNote };
}

function aboutSameCase(a: CaseFactEvent, b: CaseFactEvent): boolean {
  return a.tenant.accountId === b.tenant.accountId && a.tenant.livemode === b.tenant.livemode && caseKeyOf(a.fact.target) === caseKeyOf(b.fact.target);
}
