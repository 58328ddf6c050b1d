import type { Clock } from '../clock';
import { cancelByMerchant, pauseCase, requestReminder, resumeCase, type ControlDecision } from './caseControls';
import type { CaseStore } from './caseStore';
import type { ControlActor, RecoveryCase } from './recoveryCase';
import type { RecoveryService } from './recoveryService';

export type ControlOutcome = ControlDecision | { ok: false; reason: 'not_found' };

/**
 * The merchant's pause, resume, cancel and remind on one case, each decided on a fresh read and saved with its revision;
 * `by` (a Dashboard user or an API key) is written on the timeline entry in that same save.
 */
export interface CaseControlService {
  pause(accountId: string, livemode: boolean, caseId: string, by: ControlActor): Promise<ControlOutcome>;
  resume(accountId: string, livemode: boolean, caseId: string, by: ControlActor): Promise<ControlOutcome>;
  cancel(accountId: string, livemode: boolean, caseId: string, by: ControlActor): Promise<ControlOutcome>;
  remind(accountId: string, livemode: boolean, caseId: string, by: ControlActor): Promise<ControlOutcome>;
}

// A case that changes under us this many times in a row is being worked hard elsewhere: let the caller retry.
const MAX_DECISIONS = 8;

export function createCaseControlService(deps: { cases: CaseStore; recovery: RecoveryService; clock: Clock }): CaseControlService {
  async function control(accountId: string, livemode: boolean, caseId: string, decide: (fresh: RecoveryCase, now: Date) => Promise<ControlDecision> | ControlDecision): Promise<ControlOutcome> {
    const found = await deps.cases.findById(accountId, livemode, caseId);
    if (!found) return { ok: false, reason: 'not_found' };
    const now = deps.clock.now();
    // mutate() takes a synchronous change; decide on each fresh read first, then save that decision.
    let current = found;
    for (let attempt = 0; attempt < MAX_DECISIONS; attempt += 1) {
      const decision = await decide(current, now);
      if (!decision.ok) return decision;
      let saved = false;
      const latest = await deps.recovery.mutate(accountId, current, (fresh) => {
        saved = fresh.revision === current.revision;
        return saved ? decision.case : null;
      });
      if (saved) return { ok: true, case: latest };
      // Someone wrote in between: decide again on what they left.
      current = latest;
    }
    throw new Error(`recovery case ${caseId} kept changing under us`);
  }

  return {
    pause: (accountId, livemode, caseId, by) => control(accountId, livemode, caseId, (fresh, now) => pauseCase(fresh, now, by)),
    resume: (accountId, livemode, caseId, by) => control(accountId, livemode, caseId, (fresh, now) => resumeCase(fresh, now, by)),
    cancel: (accountId, livemode, caseId, by) => control(accountId, livemode, caseId, (fresh, now) => cancelByMerchant(fresh, now, by)),
    remind: (accountId, livemode, caseId, by) =>
      control(accountId, livemode, caseId, async (fresh, now) =>
        requestReminder(fresh, fresh.stripeCustomerId ? await deps.cases.lastDunningEmailTo(accountId, fresh.stripeCustomerId) : null, now, by),
      ),
  };
}
