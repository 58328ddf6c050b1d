/**
 * Intake first: while Stripe keeps delivering webhooks, the event job handles
 * only part of the time and pauses the rest, so the database answers intake's
 * inserts first. Storing an event is what Stripe waits for; handling it a few
 * seconds later changes nothing for a recovery whose retries are hours apart.
 * Without the pause a worker draining a backlog takes as much of the database
 * as it can: on the 2-core dev machine intake then kept about a third of its
 * insert rate, and making handling cheaper only made the drain faster.
 *
 * The pause never lets events wait long: once an event of the batch had waited
 * `maxWaitMs` since it arrived, handling runs at full pace until the backlog is
 * young again, however busy intake is.
 */

export interface IntakeFirstPolicy {
  /** The share of time handling takes while webhooks keep arriving (0 < share ≤ 1); 1 never pauses. */
  handlingShare: number;
  /** Events that waited this long are handled at full pace. */
  maxWaitMs: number;
  /** The longest single pause, so a stop or a quiet moment is never waited on long. */
  maxPauseMs: number;
}

export const INTAKE_FIRST_MAX_WAIT_MS = 60_000;
export const INTAKE_FIRST_MAX_PAUSE_MS = 1_000;

/** A batch just handled: how long it took, and when its oldest event arrived. */
export interface HandledBatch {
  tookMs: number;
  oldestReceivedAt: Date;
}

/**
 * How long to pause after a batch: as long as makes handling `handlingShare` of
 * the time, while events arrived during the batch and none of it waited too long.
 */
export function pauseAfterBatch(policy: IntakeFirstPolicy, batch: HandledBatch, eventsArrived: boolean, now: Date): number {
  if (policy.handlingShare >= 1 || !eventsArrived) return 0;
  if (now.getTime() - batch.oldestReceivedAt.getTime() >= policy.maxWaitMs) return 0;
  const pause = batch.tookMs * (1 / policy.handlingShare - 1);
  return Math.min(policy.maxPauseMs, Math.max(0, Math.round(pause)));
}
