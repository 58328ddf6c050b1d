import type { Logger } from 'pino';
import type { Account, AccountStore } from '../accounts';
import type { CardAttemptStore, RecordedCardAttempt } from '../cardLedger';
import type { Clock } from '../clock';
import { UpstreamError } from '../errors';
import { checkNetworkLimits, planNextRetry, type CardAttempt, type LearnedPayMoments, type NetworkLimits, type RetryDecision, type RetryPolicy } from '../retryPolicy';
import { applyPlan, beginAttempt, finishAttempt, noteOnTimeline, pendingAttempt, refuseRetry, type AttemptResult } from './attemptTransitions';
import { mayChargeAfterClaim, retriesNow } from './cardTurn';
import { cardToCharge, refreshFromStripe, runEndAction, subscriptionStopNow, type Refreshed } from './caseRefresh';
import { missingStripeKeyReason, type AccountRef, type BillingGateway, type PayOutcome } from './billingGateway';
import type { CaseStore } from './caseStore';
import { holdBackControlCase, isControlCase } from './controlGroup';
import { waitForCustomer } from './oneTimeConfirmation';
import { manualRetryRefusal, stopForSubscription } from './chargeChecks';
import { requestManualRetry, type ManualRetryResult } from './manualRetry';
import { historyOf, ledgerReadsOf, type LedgerRead } from './cardLedgerReads';
import { giveBackAfterFailure, startStepWrites, type Release, type StepWrites, type ThankYouSent } from './stepWrites';
import { setAsideTriedCard } from './newCardTransitions';
import { holdOneTimePayment } from './oneTimeHold';
import { ledgerEntryOf } from './ledgerEntry';
import type { CardDetails, ControlActor, OurAttempt, RecoveryCase } from './recoveryCase';
import type { RecoveryService } from './recoveryService';
import { planInputOf } from './retryPlanning';
import { createDueQueue, createStepsInProgress, pickDueCase } from './duePick';
import { repeatInLanes } from '../lanes';

export interface RetryService {
  /** Claims the most overdue case and takes its next step; false when nothing is due. */
  runNextDue(): Promise<boolean>;
  /**
   * What the worker runs: up to `limit` steps, `lanes` at a time, on due cases read together
   * (a read serves the lanes for a moment; see createDueQueue). Returns how many steps it took.
   */
  runDue(limit: number): Promise<number>;
  requestManualRetry(accountId: string, livemode: boolean, caseId: string, by: ControlActor): Promise<ManualRetryResult>;
}

/** What `attempt` did: charged (Stripe's answer noted, with the card's attempts as read after the claim), not, or the plan on that read ends the case. */
type Attempted =
  | { kind: 'made'; case: RecoveryCase; ledger: RecordedCardAttempt; ledgerRead: LedgerRead }
  | { kind: 'not_made' }
  | { kind: 'conclude'; decision: RetryDecision };

/** A card read with no attempts: a step's first look at its plan, on what the case itself knows. */
const NO_LEDGER: LedgerRead = async () => [];

/** The account of a case, as a step reads it. */
type AccountRead = (accountId: string, livemode: boolean) => Promise<Account | null>;

/** Due cases one lane picks among at random, so workers reading at once mostly take different ones. */
const DUE_SPREAD = 4;
/** With several lanes: due cases read at once per lane, and how long such a read serves them. */
const DUE_PER_LANE = 5;
const DUE_QUEUE_MAX_AGE_MS = 2_000;

export function createRetryService(deps: {
  cases: CaseStore;
  cardAttempts: CardAttemptStore;
  /** Our attempts on a card still waiting in case outboxes for the relay (caseOutboxStore.pendingCardAttempts). */
  attemptsInOutboxes?: (accountId: string, cardKey: string) => Promise<RecordedCardAttempt[]>;
  accounts: AccountStore;
  recovery: RecoveryService;
  /** The gateway of a case's own mode; null when that mode has no key. */
  billingFor: (livemode: boolean) => BillingGateway | null;
  /** The case's policy: the account's, or its experiment arm's (issue 15). */
  policyFor: (account: Account | null, current: RecoveryCase) => RetryPolicy | Promise<RetryPolicy>;
  /** Pay moments learned from the account's own recovered payments (stats' createPayMomentsReader); none when absent. */
  payMomentsFor?: (accountId: string, livemode: boolean) => Promise<LearnedPayMoments | null>;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
  /** Steps this process runs at once (config recoveryActionConcurrency): how many due cases one read offers them. */
  lanes?: number;
  /**
   * Thanks the customer of a case the step gives back recovered, before its release, which records it
   * (DunningService.thankBeforeRelease). Absent: the email job sends the thank-you as any other due email.
   */
  thankYou?: (recovered: RecoveryCase, account: Account | null) => Promise<ThankYouSent | null>;
}): RetryService {
  const { cases, cardAttempts, accounts, recovery, clock, logger, instanceId } = deps;
  const unknownCodesLogged = new Set<string>();
  const inProgress = createStepsInProgress();
  const lanes = deps.lanes ?? 1;
  /** A step's reads of the card ledger, each card read once (see ledgerReadsOf); a new one reads afresh. */
  const ledgerFor = (accountId: string, now: Date) => ledgerReadsOf({ cardAttempts, attemptsInOutboxes: deps.attemptsInOutboxes }, accountId, now);

  /** `learned`: the account's pay moments, read once per step (see payMomentsFor). */
  function plan(current: RecoveryCase, newCard: CardDetails | null, history: CardAttempt[], policy: RetryPolicy, now: Date, learned: LearnedPayMoments | null): RetryDecision {
    const input = planInputOf(current, history, newCard, learned);
    const code = input.classification.code;
    if (input.classification.matchedBy === 'unknown' && code && !unknownCodesLogged.has(code)) {
      // New codes appear as networks and Stripe add them: say so once, so the table can learn it.
      unknownCodesLogged.add(code);
      logger.warn({ declineCode: code, outcome: 'unknown_decline_code' }, 'unknown decline code treated as ambiguous');
    }
    return planNextRetry(input, policy, now);
  }

  /** Charges a begun attempt (the case is held) and notes Stripe's answer; the ledger entry goes out with the step's release. */
  async function charge(writes: StepWrites, attempt: OurAttempt, account: AccountRef, gateway: BillingGateway, now: Date): Promise<{ case: RecoveryCase; ledger: RecordedCardAttempt }> {
    const current = writes.current();
    let outcome: PayOutcome;
    if (current.target.kind === 'invoice') {
      outcome = await gateway.payInvoice(account, current.target.invoiceId, { paymentMethodId: attempt.paymentMethodId, idempotencyKey: attempt.idempotencyKey });
    } else {
      outcome = await gateway.confirmPayment(account, current.target.paymentIntentId, { paymentMethodId: attempt.paymentMethodId, idempotencyKey: attempt.idempotencyKey });
    }
    const ledger = ledgerEntryOf(current, attempt, outcome);
    // Written in the same update as the attempt's result: the relay copies it into the ledger.
    writes.addToOutbox({ id: `card_attempt_${attempt.idempotencyKey}`, kind: 'card_attempt', attempt: ledger });
    const result: AttemptResult = outcome;
    logger.info({ accountId: current.accountId, caseId: current.id, attempt: attempt.number, trigger: attempt.trigger, outcome: outcome.kind }, 'retry attempted');
    return { case: await writes.save((fresh) => finishAttempt(fresh, attempt.number, result, now)), ledger };
  }

  /**
   * Starts and makes one attempt. The start is the step's claim, written only if nobody wrote the case
   * since the step read it (or, when the step holds it already, on a fresh read): a case closed,
   * paused, already charging, or given another new card meanwhile is not charged. Nor is a card another
   * case is charging right now, or one past a network limit on a read made after the claim (cardTurn.ts).
   */
  async function attempt(
    writes: StepWrites,
    newCard: CardDetails | null,
    account: AccountRef,
    gateway: BillingGateway,
    now: Date,
    limits: NetworkLimits,
    charged: RecordedCardAttempt[],
    replan: ((history: CardAttempt[]) => RetryDecision) | null,
  ): Promise<Attempted> {
    const current = writes.current();
    const trigger = newCard ? 'new_payment_method' : (current.nextActionTrigger ?? 'schedule');
    const paymentMethodId = newCard?.paymentMethodId ?? null;
    const mayStart = (fresh: RecoveryCase) =>
      fresh.status === 'active' && fresh.pausedAt === null && !pendingAttempt(fresh) && fresh.newPaymentMethodId === current.newPaymentMethodId;
    let begun: OurAttempt | null = null;
    let triedBefore: CardDetails[] | undefined;
    const started = await writes.claim((fresh) => {
      begun = null;
      if (!mayStart(fresh)) return null;
      triedBefore = fresh.triedCards;
      const next = beginAttempt(fresh, trigger, paymentMethodId, now, newCard);
      begun = next.attempt;
      return next.case;
    });
    if (!started || !begun) return { kind: 'not_made' };
    const taken: OurAttempt = begun;
    const reads = { otherChargeInFlight: cases.otherChargeInFlight, ledger: ledgerFor(current.accountId, now) };
    const turn = await mayChargeAfterClaim(writes, reads, { claimed: started, attempt: taken, triedBefore, newCard, charged, now, limits, replan });
    if (turn.kind === 'taken_back') return { kind: 'not_made' };
    if (turn.kind === 'conclude') return turn;
    if (paymentMethodId && current.stripeCustomerId) {
      const places = await gateway.useForFuturePayments(account, {
        customerId: current.stripeCustomerId,
        subscriptionId: current.subscriptionId,
        paymentMethodId,
        idempotencyKey: `recovery-${current.id}-default-${paymentMethodId}`,
      });
      await writes.save((fresh) =>
        noteOnTimeline(fresh, { at: now, kind: 'default_payment_method_set', summary: `New payment method is now the default for the ${places.join(' and ')}.` }),
      );
    }
    return { kind: 'made', ...(await charge(writes, begun, account, gateway, now)), ledgerRead: reads.ledger };
  }

  async function step(writes: StepWrites, gateway: BillingGateway, account: AccountRef, policy: RetryPolicy, learned: LearnedPayMoments | null): Promise<void> {
    const now = clock.now();
    const { save, release } = writes;
    // Our charges of this step, not in the ledger until the release writes them.
    const charged: RecordedCardAttempt[] = [];

    let current = writes.current();
    if (current.target.kind === 'one_time_payment') {
      const waitForCustomerWith = async (reason: string) => {
        const history = await historyOf(current, null, now, ledgerFor(current.accountId, now));
        await conclude(release, current, waitForCustomer(plan(current, null, history, policy, now, learned), reason, now), account, gateway, policy, now);
      };
      if (await holdOneTimePayment({ release, current, paymentIntentId: current.target.paymentIntentId, account, gateway, now }, waitForCustomerWith)) return;
    }
    const leftOver = pendingAttempt(current);
    // A worker died between starting an attempt and recording Stripe's answer: claim the case, then ask again with the same key.
    if (leftOver) {
      if (!(await writes.claim())) return;
      const replayed = await charge(writes, leftOver, account, gateway, now);
      current = replayed.case;
      charged.push(replayed.ledger);
    }
    let subscription: Refreshed['subscription'] = null;
    if (current.status === 'active') ({ current, subscription } = await refreshFromStripe(current, account, gateway, save, now, policy.merchantTimeZone));
    if (current.status !== 'active') return void (await release());

    const { newCard, setAside } = await cardToCharge(current, account, gateway);
    if (setAside) current = await save((fresh) => setAsideTriedCard(fresh, setAside.card, setAside.why, now));
    const ledger = ledgerFor(current.accountId, now);
    const planned = current;
    const replan = (history: CardAttempt[]) => plan(planned, newCard, history, policy, now, learned);
    if (current.nextActionTrigger === 'manual') {
      // A merchant's retry-now skips the plan: on the card the case has, only if its decline allows another try.
      // A network rule, if one forbids it too, says why first. Without a refusal here, the rules are checked after the claim.
      const refusal = !newCard ? manualRetryRefusal(planInputOf(current, [], null).classification) : null;
      if (refusal) {
        const check = checkNetworkLimits(await historyOf(current, newCard, now, ledger, charged), (newCard ?? current.card)?.brand ?? null, now, policy.networkLimits);
        return void (await release((fresh) => refuseRetry(fresh, check.allowed ? refusal : `Retry refused: ${check.explanation}`, check.allowed ? null : check.notBefore, now)));
      }
    } else if (!retriesNow(replan(await historyOf(current, newCard, now, NO_LEDGER, charged)), now)) {
      // The plan on what the case itself knows does not retry now: the plan on the card's whole history decides, unclaimed.
      // One that does retry reads the card's attempts once, after its claim, and plans again on that read (cardTurn.ts).
      const decision = replan(await historyOf(current, newCard, now, ledger, charged));
      if (!retriesNow(decision, now)) return conclude(release, current, decision, account, gateway, policy, now);
    }
    const stop = await subscriptionStopNow(current, account, gateway, subscription);
    if (stop) return void (await release((fresh) => stopForSubscription(fresh, stop, now) ?? fresh));

    // Whatever asked for it (the plan, a new card, the merchant), no attempt breaks a card-network rule, counting the attempts
    // other cases made on the card whose results the relay has not copied into the ledger yet: checked after the claim.
    const made = await attempt(writes, newCard, account, gateway, now, policy.networkLimits, charged, current.nextActionTrigger === 'manual' ? null : replan);
    if (made.kind === 'conclude') return conclude(release, current, made.decision, account, gateway, policy, now);
    // Not started: someone wrote the case since this step read it (nothing written), or it may no longer be charged.
    if (made.kind === 'not_made') return writes.isHolding() ? void (await release()) : undefined;
    charged.push(made.ledger);
    if (made.case.status !== 'active') return void (await release());
    // The plan after the charge reads the card's attempts as the claim's check read them.
    const next = await historyOf(made.case, null, now, made.ledgerRead, charged);
    await conclude(release, made.case, plan(made.case, null, next, policy, now, learned), account, gateway, policy, now);
  }

  /** Applies the plan's decision and gives the lease back; an exhausted case gets the merchant's end action first. */
  async function conclude(
    release: Release,
    current: RecoveryCase,
    decision: RetryDecision,
    account: AccountRef,
    gateway: BillingGateway,
    policy: RetryPolicy,
    now: Date,
  ): Promise<void> {
    const done = decision.kind === 'exhausted' ? await runEndAction(current, account, gateway, policy) : null;
    await release((fresh) => {
      const planned = applyPlan(fresh, decision, now);
      return done && fresh.status === 'active' ? noteOnTimeline(planned, { at: now, kind: 'end_action', summary: done }) : planned;
    });
  }

  return {
    async runNextDue() {
      const now = clock.now();
      return stepOnTaken(pickDueCase(await cases.findDue(now, DUE_SPREAD), inProgress), now, (accountId, livemode) => accounts.find(accountId, livemode));
    },

    async runDue(limit) {
      // A queue per run, and the accounts read once per run (a second or two): each run starts from fresh reads.
      const due = createDueQueue((size) => cases.findDue(clock.now(), size), inProgress, { batch: lanes * DUE_PER_LANE, maxAgeMs: DUE_QUEUE_MAX_AGE_MS });
      const accountReads = new Map<string, Promise<Account | null>>();
      const accountOf: AccountRead = (accountId, livemode) => {
        const key = `${accountId}|${livemode}`;
        const read = accountReads.get(key) ?? accounts.find(accountId, livemode);
        accountReads.set(key, read);
        return read;
      };
      return repeatInLanes(async () => stepOnTaken(await due.next(), clock.now(), accountOf), limit, lanes);
    },

    requestManualRetry: (accountId, livemode, caseId, by) => requestManualRetry({ cases, recovery, clock }, accountId, livemode, caseId, by),
  };

  async function stepOnTaken(read: RecoveryCase | null, now: Date, accountOf: AccountRead): Promise<boolean> {
    if (!read) return false;
    try {
      await stepOn(read, now, accountOf);
    } finally {
      inProgress.done(read);
    }
    return true;
  }

  /** One retry step on a case this process took; a control case or a mode without a key gets its one write and no Stripe call. */
  async function stepOn(read: RecoveryCase, now: Date, accountOf: AccountRead): Promise<void> {
    const account = await accountOf(read.accountId, read.livemode);
    const thankYou = deps.thankYou;
    const writes = startStepWrites(recovery, read, { owner: instanceId, until: new Date(now.getTime() + deps.leaseMs), ...(thankYou ? { thankYou: (recovered: RecoveryCase) => thankYou(recovered, account) } : {}) });
    // A control case gets nothing from us: not even a read at Stripe; it only waits for its events or its window's end.
    if (isControlCase(read)) {
      const { windowDays } = await deps.policyFor(account, read);
      await writes.release((fresh) => holdBackControlCase(fresh, windowDays, now));
      return;
    }
    const ref: AccountRef = { accountId: read.accountId, isAppInstall: account?.source === 'app' };
    const billing = deps.billingFor(read.livemode);
    if (!billing) {
      await writes.release((fresh) => refuseRetry(fresh, missingStripeKeyReason(read.livemode), null, now));
      return;
    }
    try {
      const learned = (await deps.payMomentsFor?.(read.accountId, read.livemode)) ?? null;
      await step(writes, billing, ref, await deps.policyFor(account, read), learned);
    } catch (error) {
      const failure = {
        failures: read.actionFailures + 1,
        refusedByStripe: error instanceof UpstreamError && !error.retryable,
        message: error instanceof Error ? error.message : String(error),
      };
      logger.warn({ accountId: read.accountId, caseId: read.id, ...failure }, 'recovery action failed; will try again');
      await giveBackAfterFailure({ recovery, cases }, writes, read, failure, now);
    }
  }
}
