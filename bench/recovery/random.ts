/**
 * Seeded randomness addressed by name: `unitOf(seed, customer, 'payday', 3)`
 * is the same number in every run and under every policy, so all policies
 * meet the same customers, the same paydays and the same luck on their k-th try.
 */
export function unitOf(seed: number, ...keys: Array<string | number>): number {
  let hash = mix(seed >>> 0 ^ 0x9e3779b9);
  for (const key of keys) {
    const text = String(key);
    for (let i = 0; i < text.length; i += 1) hash = mix(hash ^ text.charCodeAt(i));
    hash = mix(hash ^ 0x85ebca6b);
  }
  return (hash >>> 0) / 4294967296;
}

function mix(value: number): number {
  let t = (value + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** The entry at position `unit` (0 ≤ unit < 1) of a weighted list. */
export function pickWeighted<T>(entries: ReadonlyArray<readonly [T, number]>, unit: number): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let left = unit * total;
  for (const [value, weight] of entries) {
    left -= weight;
    if (left < 0) return value;
  }
  return entries[entries.length - 1]![0];
}
