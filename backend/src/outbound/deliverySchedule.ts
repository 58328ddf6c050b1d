/**
 * When a failed webhook delivery is tried again: exponential back-off from one
 * minute, doubling after each failed attempt and capped at 12 hours, for up
 * to 3 days after the delivery's first attempt; an attempt whose next try
 * would fall later is the last, and the delivery is abandoned.
 *
 * Timeline (first attempt at 00:00, all failing): retries at 00:01, 00:03,
 * 00:07, 00:15, 00:31, 01:03, 02:07, 04:15, 08:31, 17:03, then every 12 h
 * (day 1 05:03, 17:03, day 2 05:03, 17:03); the one on day 2 17:03 fails →
 * the next would be after day 3 00:00, so the delivery is abandoned.
 */
export const FIRST_RETRY_DELAY_MS = 60_000;
export const MAX_RETRY_DELAY_MS = 12 * 60 * 60 * 1000;
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

export type AfterFailure = { kind: 'retry'; at: Date } | { kind: 'abandon'; reason: string };

/** `failedAttempts` counts the attempt that just failed (1 after the first). */
export function decideAfterFailure(input: { windowStartedAt: Date; failedAttempts: number; now: Date }): AfterFailure {
  const exponent = Math.min(Math.max(input.failedAttempts - 1, 0), 30);
  const delayMs = Math.min(FIRST_RETRY_DELAY_MS * 2 ** exponent, MAX_RETRY_DELAY_MS);
  const at = new Date(input.now.getTime() + delayMs);
  if (at.getTime() > input.windowStartedAt.getTime() + RETRY_WINDOW_MS) {
    return { kind: 'abandon', reason: `no successful delivery in 3 days (${input.failedAttempts} attempts)` };
  }
  return { kind: 'retry', at };
}
