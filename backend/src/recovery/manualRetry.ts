import type { Clock } from '../clock';
import { noteOnTimeline } from './attemptTransitions';
import type { CaseStore } from './caseStore';
import { isControlCase } from './controlGroup';
import type { ControlActor } from './recoveryCase';
import type { RecoveryService } from './recoveryService';

/** A merchant's "retry now" waits this long after our last attempt on the case. */
export const MANUAL_RETRY_COOLDOWN_MS = 60 * 60 * 1000;

export type ManualRetryResult =
  | { ok: true }
  | { ok: false; reason: 'not_found' | 'closed' | 'control_group' }
  | { ok: false; reason: 'cooling_down'; retryAfter: Date };

/** The merchant's "retry now": the case becomes due at once, unless it is closed, held back or was just tried; `by` goes on its timeline entry. */
export async function requestManualRetry(
  deps: { cases: CaseStore; recovery: RecoveryService; clock: Clock },
  accountId: string,
  livemode: boolean,
  caseId: string,
  by: ControlActor,
): Promise<ManualRetryResult> {
  const { cases, recovery, clock } = deps;
  const now = clock.now();
  const found = await cases.findById(accountId, livemode, caseId);
  if (!found) return { ok: false, reason: 'not_found' };
  if (found.status !== 'active') return { ok: false, reason: 'closed' };
  if (isControlCase(found)) return { ok: false, reason: 'control_group' };
  const last = found.ourAttempts.at(-1)?.startedAt;
  if (last && now.getTime() - last.getTime() < MANUAL_RETRY_COOLDOWN_MS) {
    return { ok: false, reason: 'cooling_down', retryAfter: new Date(last.getTime() + MANUAL_RETRY_COOLDOWN_MS) };
  }
  await recovery.mutate(accountId, found, (fresh) =>
    noteOnTimeline({ ...fresh, nextActionAt: now, nextActionTrigger: 'manual' }, { at: now, kind: 'retry_planned', summary: 'The merchant asked for a retry now.', by }),
  );
  return { ok: true };
}
