import type { Account, AccountStore } from '../accounts';
import { cardKeyOf, type CardAttemptStore } from '../cardLedger';
import type { Clock } from '../clock';
import { planNextRetry, type LearnedPayMoments, type RetryDecision, type RetryPolicy } from '../retryPolicy';
import { applyPlan, noteOnTimeline } from './attemptTransitions';
import type { AccountRef, BillingGateway, PaymentRef } from './billingGateway';
import type { CaseStore } from './caseStore';
import type { Tenant } from './caseTransitions';
import { decideHandOver, planViewOf, type HandOverRefusal, type HandOverRequest, type PlanView } from './handOverRules';
import { caseKeyOf, type RecoveryCase } from './recoveryCase';
import type { RecoveryService } from './recoveryService';
import { cardHistoryOf, planInputOf } from './retryPlanning';
import { SIMULATED_EXHAUSTION_REASON, simulatedBlockingDecline, simulatedPayment, simulationNote, type SimulatedOutcome } from './simulatedOutcomes';

export type HandOverOutcome =
  | { ok: true; opened: boolean; case: RecoveryCase; plan: PlanView }
  | { ok: false; reason: HandOverRefusal | 'not_found' | 'no_stripe_key' | 'not_installed' | 'case_closed'; detail: string };

export interface HandOverService {
  /**
   * Opens (or finds) the case of a payment the merchant names, after reading
   * it at Stripe in the caller's own account and mode; `simulateOutcome`
   * (test mode only) then drives the case to that end.
   */
  handOver(tenant: Tenant, ref: PaymentRef, request: HandOverRequest & { simulateOutcome?: SimulatedOutcome | undefined }): Promise<HandOverOutcome>;
}

export function createHandOverService(deps: {
  cases: CaseStore;
  recovery: RecoveryService;
  accounts: AccountStore;
  cardAttempts: CardAttemptStore;
  billingFor: (livemode: boolean) => BillingGateway | null;
  policyFor: (account: Account | null) => RetryPolicy;
  /** The account's learned pay moments, as the retry worker plans with them. */
  payMomentsFor?: (accountId: string, livemode: boolean) => Promise<LearnedPayMoments | null>;
  /** Whether Stripe already told us this invoice or payment intent was paid, voided or written off. */
  isSettled: (accountId: string, targetId: string) => Promise<boolean>;
  selfHostedAccountId: string;
  clock: Clock;
}): HandOverService {
  const { cases, recovery, accounts, clock } = deps;

  /** Whose Stripe objects the caller may name: the self-hosted key's own account, or an installed App account's. */
  async function accountRefOf(tenant: Tenant): Promise<{ ref: AccountRef; account: Account } | null> {
    const account =
      tenant.accountId === deps.selfHostedAccountId ? await accounts.ensureSelfHosted(tenant.accountId, tenant.livemode, clock.now()) : await accounts.find(tenant.accountId, tenant.livemode);
    if (!account || account.status !== 'installed') return null;
    return { account, ref: { accountId: tenant.accountId, isAppInstall: account.source === 'app' } };
  }

  /** The plan the worker would make for the case now: the real planner, with the card's ledger and the merchant's policy. */
  async function planFor(current: RecoveryCase, account: Account, now: Date): Promise<RetryDecision> {
    const recorded = await deps.cardAttempts.recentFor(current.accountId, cardKeyOf(current.card, current.stripeCustomerId), now);
    const learned = (await deps.payMomentsFor?.(current.accountId, current.livemode)) ?? null;
    return planNextRetry(planInputOf(current, cardHistoryOf(current, recorded, true), null, learned), deps.policyFor(account), now);
  }

  async function simulate(tenant: Tenant, current: RecoveryCase, outcome: SimulatedOutcome, account: Account, now: Date): Promise<RecoveryCase> {
    const noted = await recovery.mutate(tenant.accountId, current, (fresh) => (fresh.status === 'active' ? noteOnTimeline(fresh, simulationNote(outcome, now)) : null));
    if (outcome === 'succeeded') {
      await recovery.applyCaseFact(tenant, simulatedPayment(noted, now), false);
    } else if (outcome === 'blocked') {
      await recovery.applyCaseFact(tenant, simulatedBlockingDecline(noted, now), false);
      const declined = (await cases.findById(tenant.accountId, tenant.livemode, noted.id)) ?? noted;
      const decision = await planFor(declined, account, now);
      await recovery.mutate(tenant.accountId, declined, (fresh) => applyPlan(fresh, decision, now));
    } else {
      await recovery.mutate(tenant.accountId, noted, (fresh) => applyPlan(fresh, { kind: 'exhausted', reason: SIMULATED_EXHAUSTION_REASON }, now));
    }
    return (await cases.findById(tenant.accountId, tenant.livemode, noted.id)) ?? noted;
  }

  async function answer(current: RecoveryCase, opened: boolean, account: Account, now: Date): Promise<HandOverOutcome> {
    const needsPreview = current.status === 'active' && !current.plannedAction;
    const decision = needsPreview ? await planFor(current, account, now) : null;
    const preview: PlanView | null = decision ? { nextAction: decision.kind, at: decision.kind === 'retry' ? decision.at : null, reason: decision.reason, source: 'preview' } : null;
    return { ok: true, opened, case: current, plan: planViewOf(current, preview) };
  }

  return {
    async handOver(tenant, ref, request) {
      if (request.simulateOutcome && tenant.livemode) throw new Error('simulateOutcome is for test mode only');
      const gateway = deps.billingFor(tenant.livemode);
      if (!gateway) return { ok: false, reason: 'no_stripe_key', detail: `This deployment has no ${tenant.livemode ? 'live' : 'test'}-mode Stripe key, so it cannot read the payment at Stripe.` };
      const found = await accountRefOf(tenant);
      if (!found) return { ok: false, reason: 'not_installed', detail: `Account ${tenant.accountId} has not installed the App in ${tenant.livemode ? 'live' : 'test'} mode.` };
      const record = await gateway.fetchPaymentRecord(found.ref, ref);
      const named = 'invoiceId' in ref ? `invoice ${ref.invoiceId}` : `PaymentIntent ${ref.paymentIntentId}`;
      if (!record) return { ok: false, reason: 'not_found', detail: `Stripe has no ${named} for this account in ${tenant.livemode ? 'live' : 'test'} mode.` };

      const now = clock.now();
      const target = record.kind === 'invoice' ? { kind: 'invoice' as const, invoiceId: record.invoiceId } : { kind: 'one_time_payment' as const, paymentIntentId: record.paymentIntentId };
      let current = await cases.findByKey(tenant.accountId, tenant.livemode, caseKeyOf(target));
      let opened = false;
      if (!current) {
        const decision = decideHandOver(record, request, now);
        if (!decision.ok) return decision;
        const targetId = record.kind === 'invoice' ? record.invoiceId : record.paymentIntentId;
        const result = await recovery.applyCaseFact(tenant, decision.fact, await deps.isSettled(tenant.accountId, targetId));
        opened = result.summary === 'case opened';
        current = await cases.findByKey(tenant.accountId, tenant.livemode, caseKeyOf(target));
        if (!current) return { ok: false, reason: 'already_paid', detail: `Stripe already told us ${named} was settled: ${result.summary}.` };
      }
      if (request.simulateOutcome) {
        if (current.status !== 'active') return { ok: false, reason: 'case_closed', detail: `The case is already ${current.status}: there is no outcome left to simulate.` };
        current = await simulate(tenant, current, request.simulateOutcome, found.account, now);
      }
      return answer(current, opened, found.account, now);
    },
  };
}
