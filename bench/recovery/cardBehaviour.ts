import { MODEL } from './behaviourModel';
import type { SimulatedCase } from './population';
import { unitOf } from './random';

const HOUR_MS = 3_600_000;

/**
 * Whether an off-session charge of the case's own card is approved at `at`.
 * `triesBefore` counts the retries already made on it (not the renewal), and
 * `lastAttemptAt` is the last attempt of any kind (the renewal at first).
 * - hard declines and India-issued cards (e-mandates): never;
 * - insufficient funds: while a payday's money lasts, else a small chance;
 * - soft and ambiguous: only recoverable cards, with a chance that decays
 *   with each try and grows with the gap since the last one.
 * The luck of the k-th try is the same number under every policy.
 */
export function isApproved(found: SimulatedCase, at: number, triesBefore: number, lastAttemptAt: number, seed: number): boolean {
  if (found.place.country === 'IN') return false;
  const luck = unitOf(seed, found.index, 'attempt', triesBefore);
  switch (found.bucket) {
    case 'never_retry':
    case 'customer_must_act':
    case 'blocked_by_stripe':
      return false;
    case 'insufficient_funds':
      return found.fundedSpells.some((spell) => at >= spell.from && at < spell.until) || luck < MODEL.insufficientFundsOffPaydayChance.value;
    case 'soft':
    case 'ambiguous': {
      if (!found.isRecoverable) return false;
      const gapHours = Math.max(0, at - lastAttemptAt) / HOUR_MS;
      const chance = MODEL.firstRetrySuccess.value[found.bucket] * MODEL.successDecayPerTry.value ** triesBefore * (1 - Math.exp(-gapHours / MODEL.gapRecoveryHours.value));
      return luck < chance;
    }
  }
}
