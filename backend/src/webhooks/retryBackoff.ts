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

/** Stripe calls one event may make in a row (today one lookup; room for one more), each tried up to three times. */
const STRIPE_CALLS_PER_EVENT = 2;
const STRIPE_TRIES_PER_CALL = 3;
/** For the database writes and the SDK's waits between tries. */
const EVENT_LEASE_MARGIN_MS = 60_000;

/**
 * How long one instance holds an event it handles before another may take it
 * over: longer than the slowest handling, so a slow Stripe never lets a second
 * instance handle the same event at the same time.
 * Example: STRIPE_TIMEOUT_SECONDS=20 → 2 × 3 × 20 s + 60 s = 180 s.
 */
export function eventLeaseMs(stripeTimeoutMs: number): number {
  return STRIPE_CALLS_PER_EVENT * STRIPE_TRIES_PER_CALL * stripeTimeoutMs + EVENT_LEASE_MARGIN_MS;
}
