import type { Logger } from 'pino';
import type { CaseFact, CaseGroupFact } from './billingFacts';
import type { CaseStore } from './caseStore';
import { decideCaseFact, decideGroupFact, type CaseDecision, type Tenant } from './caseTransitions';
import { caseKeyOf, type RecoveryCase } from './recoveryCase';

/** What applying a fact did, for the event log and the structured logs. */
export interface FactOutcome {
  caseIds: string[];
  summary: string;
}

export interface RecoveryService {
  applyCaseFact(tenant: Tenant, fact: CaseFact, alreadySettled: boolean): Promise<FactOutcome>;
  applyGroupFact(tenant: Tenant, fact: CaseGroupFact): Promise<FactOutcome>;
}

// Concurrent writers to one case (two instances, two events) retry on a fresh read.
const MAX_CONFLICT_RETRIES = 8;

export function createRecoveryService(deps: { cases: CaseStore; logger: Logger }): RecoveryService {
  const { cases, logger } = deps;

  async function applyToOne(
    tenant: Tenant,
    load: () => Promise<RecoveryCase | null>,
    decide: (current: RecoveryCase | null) => CaseDecision,
  ): Promise<{ caseId: string | null; summary: string }> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt += 1) {
      const current = await load();
      const decision = decide(current);
      if (decision.kind === 'ignore') return { caseId: current?.id ?? null, summary: `ignored: ${decision.reason}` };
      if (decision.kind === 'open') {
        const created = await cases.insert(decision.case);
        if (created) {
          logger.info({ accountId: tenant.accountId, caseId: created.id, outcome: 'case_opened' }, 'recovery case opened');
          return { caseId: created.id, summary: 'case opened' };
        }
        continue;
      }
      if (await cases.replaceIfUnchanged(decision.case)) {
        logger.info({ accountId: tenant.accountId, caseId: decision.case.id, status: decision.case.status, outcome: 'case_updated' }, 'recovery case updated');
        return { caseId: decision.case.id, summary: `case ${decision.case.status}` };
      }
    }
    throw new Error('recovery case kept changing under us; the event will be retried');
  }

  return {
    async applyCaseFact(tenant, fact, alreadySettled) {
      const caseKey = caseKeyOf(fact.target);
      const result = await applyToOne(
        tenant,
        () => cases.findByKey(tenant.accountId, caseKey),
        (current) => decideCaseFact(current, fact, tenant, alreadySettled),
      );
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
        const affected = await cases.listActive(tenant.accountId, scope);
        let changed = 0;
        for (const found of affected) {
          const result = await applyToOne(
            tenant,
            () => cases.findById(tenant.accountId, found.id),
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
  };
}
