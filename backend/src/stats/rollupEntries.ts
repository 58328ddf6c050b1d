import type { Model } from 'mongoose';
import { ALL_TIME, type RollupIncrement } from './caseContribution';
import { currenciesId, rollupId, type StoredRollup } from './rollupStore';

/**
 * Outbox rollup entries applied exactly once. The relay may pass an entry
 * twice (it crashed after the counters were written but before the entry left
 * its case), so each rollup document remembers the ids of the entries it
 * counted, in the same conditional update as the counters: an update whose
 * filter says "none of these ids yet" adds the increments and the ids
 * together, or nothing. The marks are dropped once the entries are gone from
 * their cases, so documents keep only the marks of entries still in flight.
 *
 * Uses only operators the embedded FerretDB implements ($nin/$ne on an array,
 * $inc, $push with $each, $setOnInsert, $pullAll); it ignores $push's $slice
 * and $pull with a condition, so neither is used.
 */

/** One outbox entry's stats delta, with where it belongs. */
export interface PendingRollup {
  id: string;
  accountId: string;
  livemode: boolean;
  increments: RollupIncrement[];
}

/** One stored counter. */
export interface RollupCell {
  currency: string;
  /** YYYY-MM-DD, or ALL_TIME. */
  day: string;
  counter: string;
  value: number;
}

const DUPLICATE_KEY = 11000;
// Small batches per command (see BATCH in rollupStore.ts: the dev database holds a cursor per statement).
const APPLY_BATCH = 25;
const FORGET_BATCH = 25;

/** What one entry adds to one document: `$inc` paths and the document's identity. */
interface DocumentShare {
  docId: string;
  setOnInsert: Record<string, unknown>;
  entryId: string;
  inc: Record<string, number>;
}

function sharesOf(entry: PendingRollup): DocumentShare[] {
  const shares = new Map<string, DocumentShare>();
  for (const increment of entry.increments) {
    const allTime = increment.day === ALL_TIME;
    const month = allTime ? ALL_TIME : increment.day.slice(0, 7);
    const prefix = allTime ? 'counters' : `days.${increment.day.slice(8, 10)}`;
    const docId = rollupId(entry.accountId, entry.livemode, increment.currency, month);
    const share = shares.get(docId) ?? { docId, entryId: entry.id, inc: {}, setOnInsert: { accountId: entry.accountId, livemode: entry.livemode, currency: increment.currency, month } };
    for (const [counter, value] of Object.entries(increment.counters)) share.inc[`${prefix}.${counter}`] = (share.inc[`${prefix}.${counter}`] ?? 0) + value;
    shares.set(docId, share);
  }
  return [...shares.values()];
}

/** The conditional upsert that adds `shares` (all for one document) and marks their entries, unless the document already marks any of them. */
function markedIncrement(shares: DocumentShare[]) {
  const inc: Record<string, number> = {};
  for (const share of shares) for (const [path, value] of Object.entries(share.inc)) inc[path] = (inc[path] ?? 0) + value;
  const ids = shares.map((share) => share.entryId);
  // No match on an existing document makes the upsert insert a second one with its _id: the duplicate key says "already marked".
  return {
    updateOne: {
      filter: { _id: shares[0]!.docId as never, appliedOutboxEntries: { $nin: ids } },
      update: { $setOnInsert: shares[0]!.setOnInsert, $inc: inc, $push: { appliedOutboxEntries: { $each: ids } as never } },
      upsert: true,
    },
  };
}

/**
 * Runs the increments in one ordered command; returns the index of the one
 * refused as "already marked" (those before it are written, those after it
 * not tried), or null when all were written. Ordered, because the dev
 * database stops at the first refusal even when told not to.
 */
async function writeMarked(rollups: Model<StoredRollup>, groups: DocumentShare[][]): Promise<number | null> {
  try {
    await rollups.collection.bulkWrite(groups.map(markedIncrement), { ordered: true });
    return null;
  } catch (error) {
    const refused = (error as { writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number } }).writeErrors;
    const first = Array.isArray(refused) ? refused[0] : refused;
    if (first?.code !== DUPLICATE_KEY) throw error;
    return first.index;
  }
}

export async function applyEntriesOnce(rollups: Model<StoredRollup>, entries: PendingRollup[]): Promise<void> {
  const byDocument = new Map<string, DocumentShare[]>();
  for (const share of entries.flatMap(sharesOf)) byDocument.set(share.docId, [...(byDocument.get(share.docId) ?? []), share]);
  await addCurrencies(rollups, entries);
  let pending = [...byDocument.values()];
  while (pending.length > 0) {
    const batch = pending.slice(0, APPLY_BATCH);
    // One write for all of a batch's entries on a document; one per entry on a document that counted some before (a crashed relay).
    const refused = await writeMarked(rollups, batch);
    if (refused === null) {
      pending = pending.slice(batch.length);
      continue;
    }
    for (const share of batch[refused]!) await writeMarked(rollups, [[share]]);
    pending = pending.slice(refused + 1);
  }
}

/** The dashboard lists an account's currencies from one document; adding one twice changes nothing. */
async function addCurrencies(rollups: Model<StoredRollup>, entries: PendingRollup[]): Promise<void> {
  const byMode = new Map<string, { accountId: string; livemode: boolean; currencies: Set<string> }>();
  for (const entry of entries) {
    // A currency first appears with a case opening, which always counts as failed.
    const opened = entry.increments.filter((increment) => increment.counters.failed);
    if (opened.length === 0) continue;
    const key = currenciesId(entry.accountId, entry.livemode);
    const scope = byMode.get(key) ?? { accountId: entry.accountId, livemode: entry.livemode, currencies: new Set<string>() };
    for (const increment of opened) scope.currencies.add(increment.currency);
    byMode.set(key, scope);
  }
  for (const [docId, scope] of byMode) {
    await rollups.updateOne(
      { _id: docId },
      { $setOnInsert: { accountId: scope.accountId, livemode: scope.livemode }, $addToSet: { currencies: { $each: [...scope.currencies] } } },
      { upsert: true },
    );
  }
}

export async function forgetAppliedEntries(rollups: Model<StoredRollup>, entries: PendingRollup[]): Promise<void> {
  const byDocument = new Map<string, string[]>();
  for (const share of entries.flatMap(sharesOf)) byDocument.set(share.docId, [...(byDocument.get(share.docId) ?? []), share.entryId]);
  const operations = [...byDocument].map(([docId, ids]) => ({ updateOne: { filter: { _id: docId as never }, update: { $pullAll: { appliedOutboxEntries: ids } as never } } }));
  // One command per batch of documents (see BATCH in rollupStore.ts for why batches stay small on the dev database).
  for (let start = 0; start < operations.length; start += FORGET_BATCH) await rollups.collection.bulkWrite(operations.slice(start, start + FORGET_BATCH), { ordered: false });
}

export async function readAllCells(rollups: Model<StoredRollup>, accountId: string, livemode: boolean): Promise<RollupCell[]> {
  const cells: RollupCell[] = [];
  for (const stored of await rollups.find({ accountId, livemode }).lean()) {
    if (!stored.currency || !stored.month) continue;
    const add = (day: string, counters: Record<string, number>) => {
      for (const [counter, value] of Object.entries(counters)) cells.push({ currency: stored.currency!, day, counter, value });
    };
    if (stored.month === ALL_TIME) add(ALL_TIME, stored.counters ?? {});
    else for (const [dayOfMonth, counters] of Object.entries(stored.days ?? {})) add(`${stored.month}-${dayOfMonth}`, counters);
  }
  return cells;
}
