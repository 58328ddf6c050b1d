import type { RecoveryCase } from '../recovery/recoveryCase';
import { rollupIncrements, type RollupIncrement } from './caseContribution';
import type { PendingRollup, RollupCell } from './rollupEntries';
import type { RollupStore } from './rollupStore';

/** One counter the rebuild found wrong, and what it holds now. */
export interface RollupDrift {
  accountId: string;
  livemode: boolean;
  currency: string;
  day: string;
  counter: string;
  was: number;
  now: number;
}

const cellKey = (currency: string, day: string, counter: string) => `${currency}|${day}|${counter}`;

/**
 * The counters that differ between a recount and what is stored, as the
 * increments that correct them. A counter missing on one side is 0 there.
 *
 * Example: recounted usd/all/failed = 3, stored 2 → drift was 2, now 3, increment +1.
 */
export function driftOf(recounted: Map<string, number>, stored: RollupCell[]): Array<Omit<RollupDrift, 'accountId' | 'livemode'>> {
  const storedByKey = new Map<string, number>();
  for (const cell of stored) storedByKey.set(cellKey(cell.currency, cell.day, cell.counter), (storedByKey.get(cellKey(cell.currency, cell.day, cell.counter)) ?? 0) + cell.value);
  const drift: Array<Omit<RollupDrift, 'accountId' | 'livemode'>> = [];
  for (const key of new Set([...recounted.keys(), ...storedByKey.keys()])) {
    const was = storedByKey.get(key) ?? 0;
    const now = recounted.get(key) ?? 0;
    if (was === now) continue;
    const [currency, day, counter] = key.split('|') as [string, string, string];
    drift.push({ currency, day, counter, was, now });
  }
  return drift.sort((a, b) => `${a.currency}${a.day}${a.counter}`.localeCompare(`${b.currency}${b.day}${b.counter}`));
}

/** Adds a case's whole contribution to a recount. */
function addToRecount(recount: Map<string, number>, found: RecoveryCase): void {
  for (const increment of rollupIncrements(null, found)) {
    for (const [counter, value] of Object.entries(increment.counters)) {
      const key = cellKey(increment.currency, increment.day, counter);
      recount.set(key, (recount.get(key) ?? 0) + value);
    }
  }
}

/**
 * Recounts one account and mode from its cases and corrects the rollups to
 * match, returning what it corrected. Deltas still in case outboxes are
 * applied first (once, as the relay would), so the stored counters and the
 * recount describe the same case states; corrections are increments, so a
 * relay writing meanwhile is not overwritten.
 */
export async function rebuildAccountRollups(
  deps: { rollups: RollupStore; casesOf: (accountId: string, livemode: boolean) => AsyncIterable<RecoveryCase> },
  accountId: string,
  livemode: boolean,
): Promise<RollupDrift[]> {
  const recount = new Map<string, number>();
  const pending: PendingRollup[] = [];
  for await (const found of deps.casesOf(accountId, livemode)) {
    addToRecount(recount, found);
    for (const entry of found.outbox ?? []) if (entry.kind === 'rollup') pending.push({ id: entry.id, accountId, livemode, increments: entry.increments });
  }
  await deps.rollups.applyOnce(pending);
  const drift = driftOf(recount, await deps.rollups.readCells(accountId, livemode));
  const corrections: RollupIncrement[] = drift.map((cell) => ({ day: cell.day, currency: cell.currency, counters: { [cell.counter]: cell.now - cell.was } }));
  await deps.rollups.apply(accountId, livemode, corrections);
  return drift.map((cell) => ({ accountId, livemode, ...cell }));
}
