/**
 * How failed renewals decline in the wild, for the demo and the benchmarks:
 * the mix seen across about 5 million failed payments (Stripe × Churnkey,
 * 2024, as quoted in shared/REFERENCE.md §1). The 12.9% the source leaves
 * unnamed is spread over the named codes in proportion.
 */
export const DECLINE_MIX: ReadonlyArray<{ declineCode: string; share: number }> = [
  { declineCode: 'insufficient_funds', share: 40.6 },
  { declineCode: 'transaction_not_allowed', share: 8.8 },
  { declineCode: 'highest_risk_level', share: 8.0 },
  { declineCode: 'do_not_honor', share: 7.6 },
  { declineCode: 'previously_declined_do_not_retry', share: 6.4 },
  { declineCode: 'generic_decline', share: 5.8 },
  { declineCode: 'incorrect_number', share: 4.7 },
  { declineCode: 'try_again_later', share: 4.1 },
  { declineCode: 'expired_card', share: 1.1 },
];

const TOTAL = DECLINE_MIX.reduce((sum, entry) => sum + entry.share, 0);

/** The decline code at position `unit` (0 ≤ unit < 1) of the mix: feed it a seeded random number. */
export function declineAt(unit: number): string {
  let left = unit * TOTAL;
  for (const entry of DECLINE_MIX) {
    left -= entry.share;
    if (left < 0) return entry.declineCode;
  }
  return DECLINE_MIX[DECLINE_MIX.length - 1]!.declineCode;
}

/** A small deterministic generator, so benchmark and demo runs are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
