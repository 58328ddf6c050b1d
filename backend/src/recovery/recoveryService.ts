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

export interface RecoveryService {
  applyCaseFact(tenant: Tenant, fact: CaseFact, alreadySettled: boolean): Promise<FactOutcome>;
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

  async function applyToOne(
    tenant: Tenant,
    load: () => Promise<RecoveryCase | null>,
    decide: (current: RecoveryCase | null) => CaseDecision,
    /** Runs once a decision is made, before the case is written (each try). */
    decided?: (decision: CaseDecision) => Promise<void>,
  ): Promise<{ caseId: string | null; summary: string }> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const current = await load();
      const decision = decide(current);
      await decided?.(decision);
      if (decision.kind === 'ignore') return { caseId: current?.id ?? null, summary: `ignored: ${decision.reason}` };
      if (decision.kind === 'open') {
        const enrolled = deps.enroll ? await deps.enroll(decision.case) : decision.case;
        const opened = { ...enrolled, id: caseIdFor(enrolled.accountId, enrolled.caseKey), revision: 0 };
        const { entries, eventSequence } = consequencesOfSave(null, opened, { now: clock.now(), revision: 0, describeCase });
        const created = await cases.insert({ ...enrolled, eventSequence }, entries);
        if (created) {
          logger.info({ accountId: tenant.accountId, caseId: created.id, outcome: 'case_opened' }, 'recovery case opened');
          return { caseId: created.id, summary: 'case opened' };
        }
        continue;
      }
      if (current && (await save(current, decision.case))) {
        logger.info({ accountId: tenant.accountId, caseId: decision.case.id, status: decision.case.status, outcome: 'case_updated' }, 'recovery case updated');
        return { caseId: decision.case.id, summary: `case ${decision.case.status}` };
      }
    }
    throw new Error('recovery case kept changing under us; the event will be retried');
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

  return {
    async applyCaseFact(tenant, fact, alreadySettled) {
      const caseKey = caseKeyOf(fact.target);
      let inLedger = false;
      const result = await applyToOne(
        tenant,
        () => cases.findByKey(tenant.accountId, tenant.livemode, caseKey),
        (current) => decideCaseFact(current, fact, tenant, alreadySettled),
        // Before the case's write, whatever the case makes of it; our own decline that the case already recorded
        // went into the ledger through the retry's write.
        async (decision) => {
          if (fact.kind !== 'payment_failed' || inLedger || (decision.kind === 'ignore' && decision.ourAttemptAlreadyRecorded)) return;
          await recordCardAttempt(tenant, fact);
          inLedger = true;
        },
      );
      if (!result.caseId && fact.kind === 'payment_succeeded' && fact.payment) {
        const settled = await closePaidElsewhere(tenant, fact.payment, fact.eventId);
        if (settled) return { caseIds: [settled.caseId], summary: settled.summary };
      }
      return { caseIds: result.caseId ? [result.caseId] : [], summary: result.summary };
    },

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
