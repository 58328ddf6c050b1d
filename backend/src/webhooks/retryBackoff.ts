/**
 * When to try a failed event again: 5 s, 10 s, 20 s … doubling, capped at one
 * hour; after MAX_EVENT_ATTEMPTS the event is parked as failed for a person to see.
 * Example: attempt 1 fails at 12:00:00 → retried 12:00:05; attempt 4 → 12:00:40.
 */
export const MAX_EVENT_ATTEMPTS = 12;

export function nextEventAttemptAt(attempts: number, now: Date): Date {
  const delayMs = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 60 * 60 * 1000);
  return new Date(now.getTime() + delayMs);
}
