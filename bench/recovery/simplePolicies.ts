import { isHardDecline } from './behaviourModel';
import { CaseRun, type CaseOutcome } from './caseRun';
import { firstAllowedAt } from './networkRules';
import type { SimulatedCase } from './population';

const DAY_MS = 86_400_000;

/** A policy to compare: runs one case from its failure to its end. */
export interface RecoveryPolicy {
  name: string;
  label: string;
  run(found: SimulatedCase, seed: number): CaseOutcome;
}

/**
 * A schedule-only policy: `nextRetryAt` names its next retry of the renewal
 * card (null: no more). Like Stripe with any schedule, a new card the
 * customer saves while the invoice is open is charged at once.
 */
function schedulePolicy(name: string, label: string, nextRetryAt: (run: CaseRun) => { at: number; reason: string } | null): RecoveryPolicy {
  return {
    name,
    label,
    run(found, seed) {
      const run = new CaseRun(found, seed);
      for (let step = 0; step < 100 && !run.isRecovered; step += 1) {
        const next = nextRetryAt(run);
        if (found.cardUpdateAt !== null && (next === null || found.cardUpdateAt <= next.at)) {
          run.chargeNewCard(found.cardUpdateAt, 'the customer saved a new card');
          break;
        }
        if (next === null) break;
        run.retry(next.at, next.reason);
      }
      return run.outcome;
    },
  };
}

export const NO_RETRIES = schedulePolicy('none', 'No retries (emails only)', () => null);

const FIXED_DAYS = [3, 5, 7];
export const FIXED_3_5_7 = schedulePolicy('fixed_3_5_7', 'Fixed 3/5/7 days', (run) => {
  const day = FIXED_DAYS[run.outcome.retries];
  return day === undefined ? null : { at: run.found.failedAt + day * DAY_MS, reason: `fixed schedule, day ${day} at the renewal's time of day` };
});

const DAILY_RETRIES = 14;
export const DAILY_14 = schedulePolicy('daily_14', 'Daily for 14 days', (run) => {
  const day = run.outcome.retries + 1;
  return day > DAILY_RETRIES ? null : { at: run.found.failedAt + day * DAY_MS, reason: `daily retry, day ${day}` };
});

/**
 * The strongest simple policy: daily for 14 days, only declines a retry can
 * fix (REFERENCE.md §1: soft, insufficient funds, ambiguous), each retry moved
 * past any card-network wait and dropped when the networks forbid the card.
 */
export const DAILY_14_RETRYABLE = schedulePolicy('daily_14_retryable', 'Daily 14 d, retryable, networks respected', (run) => {
  const { found } = run;
  if (isHardDecline(found.declineCode) || run.outcome.retries >= DAILY_RETRIES) return null;
  const wanted = Math.max(found.failedAt + (run.outcome.retries + 1) * DAY_MS, run.lastAttemptAt + DAY_MS);
  const allowed = firstAllowedAt(run.history, found.brand, wanted);
  if (allowed === null || allowed > found.failedAt + DAILY_RETRIES * DAY_MS) return null;
  return { at: allowed, reason: allowed === wanted ? 'daily retry' : 'daily retry, after the card networks\' wait' };
});

