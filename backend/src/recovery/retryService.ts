import type { Logger } from 'pino';
import type { Account, AccountStore } from '../accounts';
import { missingStripeKeyReason, type AccountRef, type BillingGateway, type PayOutcome } from '../adapters/stripe';
import { cardKeyOf, type CardAttemptStore } from '../cardLedger';
import type { Clock } from '../clock';
import { UpstreamError } from '../errors';
import { checkNetworkLimits, planNextRetry, type RetryDecision, type RetryPolicy } from '../retryPolicy';
import { applyPlan, beginAttempt, finishAttempt, noteOnTimeline, pendingAttempt, putOffAfterFailedStep, refuseRetry, type AttemptResult } from './attemptTransitions';
import type { CaseFact } from './billingFacts';
import type { CaseStore } from './caseStore';
import { decideCaseFact } from './caseTransitions';
import type { OurAttempt, RecoveryCase } from './recoveryCase';
import type { RecoveryService } from './recoveryService';
import { cardHistoryOf, planInputOf } from './retryPlanning';

/** A merchant's "retry now" waits this long after our last attempt on the case. */
export const MANUAL_RETRY_COOLDOWN_MS = 60 * 60 * 1000;

export type ManualRetryResult =
  | { ok: true }
  | { ok: false; reason: 'not_found' | 'closed' }
  | { ok: false; reason: 'cooling_down'; retryAfter: Date };

export interface RetryService {
  /** Claims the most overdue case and takes its next step; false when nothing is due. */
  runNextDue(): Promise<boolean>;
  requestManualRetry(accountId: string, livemode: boolean, caseId: string): Promise<ManualRetryResult>;
}

export function createRetryService(deps: {
  cases: CaseStore;
  cardAttempts: CardAttemptStore;
  accounts: AccountStore;
  recovery: RecoveryService;
  /** The gateway of a case's own mode; null when that mode has no key. */
  billingFor: (livemode: boolean) => BillingGateway | null;
  policyFor: (account: Account | null) => RetryPolicy;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
}): RetryService {
  const { cases, cardAttempts, accounts, recovery, clock, logger, instanceId } = deps;
  const unknownCodesLogged = new Set<string>();

  const save = (current: RecoveryCase, change: (fresh: RecoveryCase) => RecoveryCase | null) => recovery.mutate(current.accountId, current, change);
  /** The last save of a step: gives the lease back; a step that got here succeeded, so failures reset. */
  const release = (current: RecoveryCase, change: (fresh: RecoveryCase) => RecoveryCase = (fresh) => fresh) =>
    save(current, (fresh) => ({ ...change({ ...fresh, actionFailures: 0 }), leaseOwner: null, leaseUntil: new Date(0) }));

  async function plan(current: RecoveryCase, policy: RetryPolicy, now: Date): Promise<RetryDecision> {
    const cardKey = current.newPaymentMethodId ? `pm:${current.newPaymentMethodId}` : cardKeyOf(current.card, current.stripeCustomerId);
    const recorded = await cardAttempts.recentFor(current.accountId, cardKey, now);
    const input = planInputOf(current, cardHistoryOf(current, recorded, !current.newPaymentMethodId));
    const code = input.classification.code;
    if (input.classification.matchedBy === 'unknown' && code && !unknownCodesLogged.has(code)) {
      // New codes appear as networks and Stripe add them: say so once, so the table can learn it.
      unknownCodesLogged.add(code);
      logger.warn({ declineCode: code, outcome: 'unknown_decline_code' }, 'unknown decline code treated as ambiguous');
    }
    return planNextRetry(input, policy, now);
  }

  /** Stripe's state wins over what webhooks said: a paid, voided or written-off invoice closes the case. */
  async function refresh(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, now: Date): Promise<RecoveryCase> {
    const invoice = current.target.kind === 'invoice' ? await gateway.fetchInvoice(account, current.target.invoiceId) : null;
    if (invoice && current.target.kind === 'invoice' && invoice.status !== 'open' && invoice.status !== 'draft') {
      const base = { eventId: `refresh:${current.id}:${now.getTime()}`, occurredAt: now, target: current.target };
      const fact: CaseFact =
        invoice.status === 'paid'
          ? { ...base, kind: 'payment_succeeded', paidOutOfBand: false, stripeAttemptCount: invoice.attemptCount }
          : { ...base, kind: invoice.status === 'void' ? 'invoice_voided' : 'marked_uncollectible' };
      return save(current, (fresh) => {
        const decision = decideCaseFact(fresh, fact, { accountId: fresh.accountId, livemode: fresh.livemode }, false);
        return decision.kind === 'update' ? decision.case : null;
      });
    }
    const country =
      !current.customerCountry && current.stripeCustomerId ? ((await gateway.fetchCustomer(account, current.stripeCustomerId))?.country ?? null) : null;
    if (!invoice && !country) return current;
    // One write for whatever Stripe told us.
    return save(current, (fresh) => ({
      ...fresh,
      ...(invoice
        ? {
            nextStripeRetryAt: invoice.nextPaymentAttemptAt,
            stripeAttemptCount: Math.max(fresh.stripeAttemptCount, invoice.attemptCount),
            amountMinor: invoice.amountRemainingMinor > 0 ? invoice.amountRemainingMinor : fresh.amountMinor,
          }
        : {}),
      ...(country ? { customerCountry: country } : {}),
    }));
  }

  async function charge(current: RecoveryCase, attempt: OurAttempt, account: AccountRef, gateway: BillingGateway, now: Date): Promise<RecoveryCase> {
    let outcome: PayOutcome;
    if (current.target.kind === 'invoice') {
      outcome = await gateway.payInvoice(account, current.target.invoiceId, { paymentMethodId: attempt.paymentMethodId, idempotencyKey: attempt.idempotencyKey });
    } else {
      outcome = await gateway.confirmPayment(account, current.target.paymentIntentId, { paymentMethodId: attempt.paymentMethodId, idempotencyKey: attempt.idempotencyKey });
    }
    const usedCard = outcome.kind === 'declined' && outcome.card ? outcome.card : attempt.paymentMethodId ? { paymentMethodId: attempt.paymentMethodId } : current.card;
    await cardAttempts.record({
      accountId: current.accountId,
      cardKey: cardKeyOf(usedCard, current.stripeCustomerId),
      brand: usedCard?.brand ?? current.card?.brand ?? null,
      attemptKey: attempt.idempotencyKey,
      at: attempt.startedAt,
      outcome: outcome.kind === 'paid' ? 'succeeded' : 'declined',
      initiatedBy: 'merchant',
      source: 'ours',
      invoiceId: current.target.kind === 'invoice' ? current.target.invoiceId : null,
      declineCode: outcome.kind === 'declined' ? (outcome.decline?.declineCode ?? outcome.decline?.code ?? null) : null,
      adviceCode: outcome.kind === 'declined' ? (outcome.decline?.adviceCode ?? null) : null,
      networkAdviceCode: outcome.kind === 'declined' ? (outcome.decline?.networkAdviceCode ?? null) : null,
    });
    const result: AttemptResult = outcome;
    logger.info({ accountId: current.accountId, caseId: current.id, attempt: attempt.number, trigger: attempt.trigger, outcome: outcome.kind }, 'retry attempted');
    return save(current, (fresh) => finishAttempt(fresh, attempt.number, result, now));
  }

  async function attempt(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, now: Date): Promise<RecoveryCase> {
    const trigger = current.nextActionTrigger ?? 'schedule';
    const paymentMethodId = current.newPaymentMethodId;
    let ready = current;
    if (trigger === 'new_payment_method' && paymentMethodId && current.stripeCustomerId) {
      const places = await gateway.useForFuturePayments(account, {
        customerId: current.stripeCustomerId,
        subscriptionId: current.subscriptionId,
        paymentMethodId,
        idempotencyKey: `recovery-${current.id}-default-${paymentMethodId}`,
      });
      ready = await save(current, (fresh) =>
        noteOnTimeline(fresh, { at: now, kind: 'default_payment_method_set', summary: `New payment method is now the default for the ${places.join(' and ')}.` }),
      );
    }
    const started = await save(ready, (fresh) => (fresh.status === 'active' && !pendingAttempt(fresh) ? beginAttempt(fresh, trigger, paymentMethodId, now).case : null));
    const begun = pendingAttempt(started);
    return begun ? charge(started, begun, account, gateway, now) : started;
  }

  /** Runs the merchant's end action before the case is marked exhausted, so a failure retries it later. */
  async function runEndAction(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, policy: RetryPolicy): Promise<string | null> {
    const key = `recovery-${current.id}-end-${policy.endAction}`;
    if (policy.endAction === 'cancel_subscription' && current.subscriptionId) {
      await gateway.cancelSubscription(account, current.subscriptionId, key);
      return 'Subscription canceled (merchant setting).';
    }
    if (policy.endAction === 'mark_uncollectible' && current.target.kind === 'invoice') {
      await gateway.markUncollectible(account, current.target.invoiceId, key);
      return 'Invoice marked uncollectible (merchant setting).';
    }
    return null;
  }

  async function step(claimed: RecoveryCase, gateway: BillingGateway, account: AccountRef, policy: RetryPolicy): Promise<void> {
    const now = clock.now();
    let current = claimed;
    const leftOver = pendingAttempt(current);
    // A worker died between starting an attempt and recording Stripe's answer: ask again with the same key.
    if (leftOver) current = await charge(current, leftOver, account, gateway, now);
    if (current.status === 'active') current = await refresh(current, account, gateway, now);
    if (current.status !== 'active') {
      await release(current);
      return;
    }

    const trigger = current.nextActionTrigger;
    if (trigger === 'manual') {
      const refusal = await manualRefusal(current, policy, now);
      if (refusal) {
        await release(current, (fresh) => refuseRetry(fresh, refusal.reason, refusal.notBefore, now));
        return;
      }
      current = await attempt(current, account, gateway, now);
    } else {
      const decision = await plan(current, policy, now);
      if (decision.kind !== 'retry' || decision.at > now) return conclude(current, decision, account, gateway, policy, now);
      current = await attempt(current, account, gateway, now);
    }
    if (current.status !== 'active') {
      await release(current);
      return;
    }
    await conclude(current, await plan(current, policy, now), account, gateway, policy, now);
  }

  /** Applies the plan's decision and gives the lease back; an exhausted case gets the merchant's end action first. */
  async function conclude(current: RecoveryCase, decision: RetryDecision, account: AccountRef, gateway: BillingGateway, policy: RetryPolicy, now: Date): Promise<void> {
    const done = decision.kind === 'exhausted' ? await runEndAction(current, account, gateway, policy) : null;
    await release(current, (fresh) => {
      const planned = applyPlan(fresh, decision, now);
      return done && fresh.status === 'active' ? noteOnTimeline(planned, { at: now, kind: 'end_action', summary: done }) : planned;
    });
  }

  async function manualRefusal(current: RecoveryCase, policy: RetryPolicy, now: Date): Promise<{ reason: string; notBefore: Date | null } | null> {
    const cardKey = current.newPaymentMethodId ? `pm:${current.newPaymentMethodId}` : cardKeyOf(current.card, current.stripeCustomerId);
    const history = cardHistoryOf(current, await cardAttempts.recentFor(current.accountId, cardKey, now), !current.newPaymentMethodId);
    const check = checkNetworkLimits(history, current.card?.brand ?? null, now, policy.networkLimits);
    return check.allowed ? null : { reason: `Retry refused: ${check.explanation}`, notBefore: check.notBefore };
  }

  return {
    async runNextDue() {
      const now = clock.now();
      const claimed = await cases.claimDue(instanceId, now, deps.leaseMs);
      if (!claimed) return false;
      const account = await accounts.find(claimed.accountId, claimed.livemode);
      const ref: AccountRef = { accountId: claimed.accountId, isAppInstall: account?.source === 'app' };
      const billing = deps.billingFor(claimed.livemode);
      if (!billing) {
        await release(claimed, (fresh) => refuseRetry(fresh, missingStripeKeyReason(claimed.livemode), null, now));
        return true;
      }
      try {
        await step(claimed, billing, ref, deps.policyFor(account));
      } catch (error) {
        const failure = {
          failures: claimed.actionFailures + 1,
          refusedByStripe: error instanceof UpstreamError && !error.retryable,
          message: error instanceof Error ? error.message : String(error),
        };
        logger.warn({ accountId: claimed.accountId, caseId: claimed.id, ...failure }, 'recovery action failed; will try again');
        const latest = (await cases.findById(claimed.accountId, claimed.livemode, claimed.id)) ?? claimed;
        // release() zeroes the failure count first; putOffAfterFailedStep sets it again for a case still active.
        await release(latest, (fresh) => putOffAfterFailedStep(fresh, failure, now));
        return true;
      }
      return true;
    },

    async requestManualRetry(accountId, livemode, caseId) {
      const now = clock.now();
      const found = await cases.findById(accountId, livemode, caseId);
      if (!found) return { ok: false, reason: 'not_found' };
      if (found.status !== 'active') return { ok: false, reason: 'closed' };
      const last = found.ourAttempts.at(-1)?.startedAt;
      if (last && now.getTime() - last.getTime() < MANUAL_RETRY_COOLDOWN_MS) {
        return { ok: false, reason: 'cooling_down', retryAfter: new Date(last.getTime() + MANUAL_RETRY_COOLDOWN_MS) };
      }
      await save(found, (fresh) =>
        noteOnTimeline({ ...fresh, nextActionAt: now, nextActionTrigger: 'manual' }, { at: now, kind: 'retry_planned', summary: 'The merchant asked for a retry now.' }),
      );
      return { ok: true };
    },
  };
}
