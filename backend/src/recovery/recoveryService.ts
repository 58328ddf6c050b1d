import type { Logger } from 'pino';
import { cardKeyOf, type CardAttemptStore } from '../cardLedger';
import type { Clock } from '../clock';
import type { DescribeCase } from '../outbound/caseEvents';
import { consequencesOfSave } from '../outbound/caseOutbox';
import type { CaseFact, CaseGroupFact, PaymentFailedFact } from './billingFacts';
import { caseIdFor, type CaseStore } from './caseStore';
import { decideCaseFact, decideGroupFact, type CaseDecision, type NewRecoveryCase, type Tenant } from './caseTransitions';
import { closeAsPaidElsewhere, matchPayment, pickCaseForPayment, type CompletedPayment } from './oneTimePayments';
import { caseKeyOf, type OutboxEntry, type RecoveryCase } from './recoveryCase';

/** What applying a fact did, for the event log and the structured logs. */
export interface FactOutcome {
  caseIds: string[];
  summary: string;
}

/** A fact about a case, the tenant (with its holdout) it would open the case under, and whether its target was settled before. */
export interface CaseFactToApply {
  tenant: Tenant;
  fact: CaseFact;
  alreadySettled: boolean;
}

export interface RecoveryService {
  applyCaseFact(tenant: Tenant, fact: CaseFact, alreadySettled: boolean): Promise<FactOutcome>;
  /**
   * Applies facts about one case (one account, mode and case key) in order, with one read and one write of
   * the case: what a lane's events about one invoice cause together. One outcome per fact, in order.
   */
  applyCaseFacts(facts: CaseFactToApply[], options?: { enroll?: CaseEnrollment }): Promise<FactOutcome[]>;
  applyGroupFact(tenant: Tenant, fact: CaseGroupFact): Promise<FactOutcome>;
  /**
   * Saves `change(current)` for one case, re-reading and re-applying on a
   * conflicting write. `change` returns null to leave the case as it is.
   */
  mutate(accountId: string, current: RecoveryCase, change: (fresh: RecoveryCase) => RecoveryCase | null, extra?: OutboxEntry[]): Promise<RecoveryCase>;
  /**
   * Saves `after` only if the case is still as `before` was read: null, and
   * nothing written, when another writer came first. `extra`: outbox entries
   * the change itself does not show (a card-ledger entry), written with it.
   */
  saveIfUnchanged(before: RecoveryCase, after: RecoveryCase, extra?: OutboxEntry[]): Promise<RecoveryCase | null>;
}

// Concurrent writers to one case (two instances, two events) retry on a fresh read.
const MAX_CONFLICT_RETRIES = 8;

/**
 * Every save writes its consequences (events for the merchant's webhooks, the
 * stats delta) into the case's outbox in the same database write; the outbox
 * relay passes them on. `describeCase` is the case summary events carry.
 */
/** Completes a case about to open (its experiment arms): recorded in the insert, so never changed mid-case. */
export type CaseEnrollment = (opening: NewRecoveryCase) => Promise<NewRecoveryCase>;

export function createRecoveryService(deps: {
  cases: CaseStore;
  cardAttempts: CardAttemptStore;
  logger: Logger;
  clock: Clock;
  describeCase: DescribeCase;
  enroll?: CaseEnrollment;
}): RecoveryService {
  const { cases, cardAttempts, logger, clock, describeCase } = deps;

  /** The save of `after` over `before` with its outbox entries and event count; false on a conflicting write. */
  async function save(before: RecoveryCase, after: RecoveryCase, extra: OutboxEntry[] = []): Promise<RecoveryCase | null> {
    const { entries, eventSequence } = consequencesOfSave(before, after, { now: clock.now(), revision: after.revision + 1, describeCase });
    const saved = { ...after, eventSequence };
    return (await cases.replaceIfUnchanged(saved, [...entries, ...extra], before)) ? saved : null;
  }

  /** Every declined charge Stripe tells us about counts toward the card's network limits. */
  async function recordCardAttempt(tenant: Tenant, fact: PaymentFailedFact): Promise<void> {
    if (!fact.attemptKey || !fact.card) return;
    await cardAttempts.record({
      accountId: tenant.accountId,
      cardKey: cardKeyOf(fact.card, fact.stripeCustomerId),
      brand: fact.card.brand ?? null,
      attemptKey: fact.attemptKey,
      at: fact.occurredAt,
      outcome: 'declined',
      // Stripe-initiated renewals and retries are merchant-initiated; counting a customer's
      // own attempt here too only makes us more careful.
      initiatedBy: 'merchant',
      source: fact.attemptKey.startsWith('recovery-') ? 'ours' : 'stripe',
      invoiceId: fact.target.kind === 'invoice' ? fact.target.invoiceId : null,
      declineCode: fact.decline?.declineCode ?? fact.decline?.code ?? null,
      adviceCode: fact.decline?.adviceCode ?? null,
      networkAdviceCode: fact.decline?.networkAdviceCode ?? null,
    });
  }

  /**
   * Applies `steps` to one case in order, each deciding on the case as the steps before it left it, and
   * writes the result once: an insert when the first change opens it, else one conditional update. Each
   * change keeps its own consequences (events, stats delta, revision), as if saved one by one, but a crash
   * or a conflicting writer takes all or none of them; on a conflict every step decides again on a fresh read.
   * `decided` runs once a step's decision is made, before the case is written (on each try).
   */
  async function applyInOneWrite(
    tenant: Tenant,
    load: () => Promise<RecoveryCase | null>,
    steps: ((current: RecoveryCase | null) => CaseDecision)[],
    enroll: CaseEnrollment | undefined,
    decided?: (decision: CaseDecision, step: number) => Promise<void>,
  ): Promise<{ caseId: string | null; summaries: string[] }> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const current = await load();
      let state = current;
      const entries: OutboxEntry[] = [];
      const summaries: string[] = [];
      let lost = false;
      for (const [step, decide] of steps.entries()) {
        const decision = decide(state);
        await decided?.(decision, step);
        if (decision.kind === 'ignore') {
          summaries.push(`ignored: ${decision.reason}`);
        } else if (decision.kind === 'open') {
          const enrolled = enroll ? await enroll(decision.case) : decision.case;
          const opened = { ...enrolled, id: caseIdFor(enrolled.accountId, enrolled.caseKey), revision: 0 };
          const consequences = consequencesOfSave(null, opened, { now: clock.now(), revision: 0, describeCase });
          entries.push(...consequences.entries);
          state = { ...opened, eventSequence: consequences.eventSequence };
          summaries.push('case opened');
        } else if (state) {
          const revision = state.revision + 1;
          const consequences = consequencesOfSave(state, decision.case, { now: clock.now(), revision, describeCase });
          entries.push(...consequences.entries);
          state = { ...decision.case, eventSequence: consequences.eventSequence, revision };
          summaries.push(`case ${state.status}`);
        } else {
          // An update of a case that is not there: it went away since the step was decided; read again.
          lost = true;
          break;
        }
      }
      if (lost) continue;
      if (!state || state === current) return { caseId: state?.id ?? null, summaries };
      if (await write(tenant, current, state, entries)) return { caseId: state.id, summaries };
    }
    throw new Error('recovery case kept changing under us; the event will be retried');
  }

  /** Writes `after` (with the outbox entries of every change since `before` was read) in one command; false on a conflict. */
  async function write(tenant: Tenant, before: RecoveryCase | null, after: RecoveryCase, entries: OutboxEntry[]): Promise<boolean> {
    const { id: _id, revision, ...fields } = after;
    if (!before) {
      const created = await cases.insert(fields, entries, revision);
      if (created) logger.info({ accountId: tenant.accountId, caseId: created.id, outcome: 'case_opened' }, 'recovery case opened');
      return created !== null;
    }
    const saved = await cases.replaceIfUnchanged({ ...after, revision: before.revision }, entries, before, revision - before.revision);
    if (saved) logger.info({ accountId: tenant.accountId, caseId: after.id, status: after.status, outcome: 'case_updated' }, 'recovery case updated');
    return saved;
  }

  async function applyToOne(
    tenant: Tenant,
    load: () => Promise<RecoveryCase | null>,
    decide: (current: RecoveryCase | null) => CaseDecision,
  ): Promise<{ caseId: string | null; summary: string }> {
    const { caseId, summaries } = await applyInOneWrite(tenant, load, [decide], deps.enroll);
    return { caseId, summary: summaries[0]! };
  }

  /** A one-time payment with no case of its own may pay the order of another one-time case of the customer. */
  async function closePaidElsewhere(tenant: Tenant, payment: CompletedPayment, eventId: string): Promise<{ caseId: string; summary: string } | null> {
    if (!payment.stripeCustomerId) return null;
    const picked = pickCaseForPayment(await cases.listActiveOneTimeOfCustomer(tenant.accountId, tenant.livemode, payment.stripeCustomerId), payment);
    if (!picked) return null;
    const result = await applyToOne(
      tenant,
      () => cases.findById(tenant.accountId, tenant.livemode, picked.case.id),
      (current) => {
        const match = current ? matchPayment(current, payment) : null;
        const closed = current && match ? closeAsPaidElsewhere(current, payment, match, eventId, payment.paidAt) : null;
        return closed ? { kind: 'update', case: closed } : { kind: 'ignore', reason: 'the matching case changed' };
      },
    );
    return result.caseId && !result.summary.startsWith('ignored') ? { caseId: result.caseId, summary: `${result.summary} (${picked.match.rule.replaceAll('_', ' ')})` } : null;
  }

  /** `options.enroll`: the enrollment step of the caller's batch (ExperimentService.enrollmentForBatch), else the service's own. */
  async function applyCaseFacts(facts: CaseFactToApply[], options: { enroll?: CaseEnrollment } = {}): Promise<FactOutcome[]> {
    const first = facts[0];
    if (!first) return [];
    const { tenant } = first;
    const caseKey = caseKeyOf(first.fact.target);
    if (facts.some((one) => one.tenant.accountId !== tenant.accountId || one.tenant.livemode !== tenant.livemode || caseKeyOf(one.fact.target) !== caseKey)) {
      throw new Error('facts applied together must all be about one case of one account and mode');
    }
    const inLedger = new Set<number>();
    const result = await applyInOneWrite(
      tenant,
      () => cases.findByKey(tenant.accountId, tenant.livemode, caseKey),
      facts.map(({ tenant: opening, fact, alreadySettled }) => (current: RecoveryCase | null) => decideCaseFact(current, fact, opening, alreadySettled)),
      options.enroll ?? deps.enroll,
      // Before the case's write, whatever the case makes of it; our own decline that the case already recorded
      // went into the ledger through the retry's write.
      async (decision, step) => {
        const { fact } = facts[step]!;
        if (fact.kind !== 'payment_failed' || inLedger.has(step) || (decision.kind === 'ignore' && decision.ourAttemptAlreadyRecorded)) return;
        await recordCardAttempt(tenant, fact);
        inLedger.add(step);
      },
    );
    const outcomes: FactOutcome[] = [];
    for (const [step, { fact }] of facts.entries()) {
      if (!result.caseId && fact.kind === 'payment_succeeded' && fact.payment) {
        const settled = await closePaidElsewhere(tenant, fact.payment, fact.eventId);
        if (settled) {
          outcomes.push({ caseIds: [settled.caseId], summary: settled.summary });
          continue;
        }
      }
      outcomes.push({ caseIds: result.caseId ? [result.caseId] : [], summary: result.summaries[step]! });
    }
    return outcomes;
  }

  return {
    async applyCaseFact(tenant, fact, alreadySettled) {
      return (await applyCaseFacts([{ tenant, fact, alreadySettled }]))[0]!;
    },

    applyCaseFacts,

    async applyGroupFact(tenant, fact) {
      const scope =
        fact.kind === 'subscription_canceled' || fact.kind === 'subscription_changed' ? { subscriptionId: fact.subscriptionId }
        : fact.kind === 'payment_method_changed' ? { stripeCustomerId: fact.stripeCustomerId }
        : {};
      // Closing facts take cases out of the active set, so pages shrink until none is left;
      // other facts touch each active case once, and the store pages are large enough for one customer.
      const closesCases = fact.kind === 'subscription_canceled' || fact.kind === 'app_uninstalled';
      const caseIds: string[] = [];
      for (;;) {
        // Scoped by the event's mode: a test-mode uninstall or cancellation never touches live cases.
        const affected = await cases.listActive(tenant.accountId, tenant.livemode, scope);
        // A new card may reopen the customer's exhausted invoice cases (see decideGroupFact).
        if (fact.kind === 'payment_method_changed') affected.push(...(await cases.listByCustomer(tenant.accountId, tenant.livemode, fact.stripeCustomerId, 100)).filter((found) => found.status === 'exhausted'));
        let changed = 0;
        for (const found of affected) {
          const result = await applyToOne(
            tenant,
            () => cases.findById(tenant.accountId, tenant.livemode, found.id),
            (current) => (current ? decideGroupFact(current, fact) : { kind: 'ignore', reason: 'case disappeared' }),
          );
          if (!result.summary.startsWith('ignored') && result.caseId) {
            caseIds.push(result.caseId);
            changed += 1;
          }
        }
        if (!closesCases || changed === 0) break;
      }
      return { caseIds, summary: `${caseIds.length} case(s) updated` };
    },

    async saveIfUnchanged(before, after, extra) {
      const saved = await save(before, { ...after, revision: before.revision }, extra);
      return saved && { ...saved, revision: saved.revision + 1 };
    },

    async mutate(accountId, current, change, extra) {
      let fresh: RecoveryCase | null = current;
      for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES && fresh; attempt += 1) {
        const changed = change(fresh);
        if (!changed) return fresh;
        const saved = await save(fresh, changed, extra);
        if (saved) return { ...saved, revision: saved.revision + 1 };
        fresh = await cases.findById(accountId, current.livemode, current.id);
      }
      if (!fresh) throw new Error(`recovery case ${current.id} disappeared`);
      throw new Error(`recovery case ${current.id} kept changing under us`);
    },
  };
}
