import { Schema, type Connection, type Model } from 'mongoose';
import { ALL_TIME, type RollupIncrement } from './caseContribution';
import { applyEntriesOnce, forgetAppliedEntries, readAllCells, type PendingRollup, type RollupCell } from './rollupEntries';

/**
 * The recoveryRollups collection, kept up to date with $inc by the outbox relay (each case
 * save's delta, once): per account, mode and currency, one document per UTC month holding
 * each day's counters, and one all-time document; plus one small document per
 * account and mode listing its currencies. Every document is addressed by a
 * computed _id, so the dashboard reads a handful of documents by key, and
 * its cost depends neither on the number of cases nor on how long the
 * merchant has been with us.
 */

/** The counters of one currency on one UTC day, or all time (day = ALL_TIME). */
export interface RollupDocument {
  accountId: string;
  livemode: boolean;
  currency: string;
  /** YYYY-MM-DD, or ALL_TIME. */
  day: string;
  counters: Record<string, number>;
}

export interface StoredRollup {
  _id: string;
  accountId: string;
  livemode: boolean;
  currency?: string;
  /** YYYY-MM, or ALL_TIME, or absent on the currencies document. */
  month?: string;
  /** Month documents: counters by day of month ("01".."31"). */
  days?: Record<string, Record<string, number>>;
  /** The all-time document's counters. */
  counters?: Record<string, number>;
  /** The currencies document's list. */
  currencies?: string[];
  /** Ids of outbox entries already counted here and maybe not yet removed from their case (see rollupEntries). */
  appliedOutboxEntries?: string[];
}

const rollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    currency: String,
    month: String,
    days: Schema.Types.Mixed,
    counters: Schema.Types.Mixed,
    currencies: [String],
    appliedOutboxEntries: [String],
  },
  { collection: 'recoveryRollups', versionKey: false, minimize: false },
);

// FerretDB 1.24 keeps each matched statement's cursor open until the whole update command ends,
// and around 60 of them exhaust its SQLite connections and stall the command: write in small batches.
const BATCH = 25;

const mode = (livemode: boolean) => (livemode ? 'live' : 'test');
export const currenciesId = (accountId: string, livemode: boolean) => `${accountId}|${mode(livemode)}|currencies`;
export const rollupId = (accountId: string, livemode: boolean, currency: string, month: string) => `${accountId}|${mode(livemode)}|${currency}|${month}`;

export function rollupModelOf(connection: Connection): Model<StoredRollup> {
  return (connection.models.RecoveryRollup as Model<StoredRollup> | undefined) ?? connection.model<StoredRollup>('RecoveryRollup', rollupSchema);
}

export interface RollupStore {
  /** Adds increments to the counters, unconditionally (corrections, seeding). */
  apply(accountId: string, livemode: boolean, increments: RollupIncrement[]): Promise<void>;
  /** Adds each outbox entry's increments exactly once, however often it is passed (see rollupEntries). */
  applyOnce(entries: PendingRollup[]): Promise<void>;
  /** Drops the applied-entry marks of entries removed from their cases: nothing can pass them again. */
  forgetApplied(entries: PendingRollup[]): Promise<void>;
  /** Every stored counter of an account and mode, all days and all time. */
  readCells(accountId: string, livemode: boolean): Promise<RollupCell[]>;
  /** Every day from `fromDay` (YYYY-MM-DD) on, and the all-time counters, per currency. */
  readSince(accountId: string, livemode: boolean, fromDay: string, toDay: string): Promise<RollupDocument[]>;
  /** The all-time counters of each currency (one small document per currency, read by key). */
  readAllTime(accountId: string, livemode: boolean): Promise<Array<Record<string, number>>>;
}

export function createRollupStore(connection: Connection): RollupStore {
  const rollups = rollupModelOf(connection);

  const store: RollupStore = {
    applyOnce: (entries) => applyEntriesOnce(rollups, entries),
    forgetApplied: (entries) => forgetAppliedEntries(rollups, entries),
    readCells: (accountId, livemode) => readAllCells(rollups, accountId, livemode),

    async apply(accountId, livemode, increments) {
      if (increments.length === 0) return;
      const operations: Array<{ updateOne: { filter: { _id: string }; update: Record<string, unknown>; upsert: true } }> = [];
      // A currency first appears with a case opening, which always counts as failed.
      const newCurrencies = [...new Set(increments.filter((increment) => increment.counters.failed).map((increment) => increment.currency))];
      if (newCurrencies.length > 0) {
        operations.push({
          updateOne: { filter: { _id: currenciesId(accountId, livemode) }, update: { $setOnInsert: { accountId, livemode }, $addToSet: { currencies: { $each: newCurrencies } } }, upsert: true },
        });
      }
      for (const increment of increments) {
        const allTime = increment.day === ALL_TIME;
        const month = allTime ? ALL_TIME : increment.day.slice(0, 7);
        const prefix = allTime ? 'counters' : `days.${increment.day.slice(8, 10)}`;
        operations.push({
          updateOne: {
            filter: { _id: rollupId(accountId, livemode, increment.currency, month) },
            update: {
              $setOnInsert: { accountId, livemode, currency: increment.currency, month },
              $inc: Object.fromEntries(Object.entries(increment.counters).map(([counter, value]) => [`${prefix}.${counter}`, value])),
            },
            upsert: true,
          },
        });
      }
      for (let start = 0; start < operations.length; start += BATCH) {
        await rollups.bulkWrite(operations.slice(start, start + BATCH), { ordered: false });
      }
    },

    async readAllTime(accountId, livemode) {
      const currencies = (await rollups.findById(currenciesId(accountId, livemode)).lean())?.currencies ?? [];
      const found = await Promise.all(currencies.map((currency) => rollups.findById(rollupId(accountId, livemode, currency, ALL_TIME)).lean()));
      return found.map((stored) => stored?.counters ?? {});
    },

    async readSince(accountId, livemode, fromDay, toDay) {
      const currencies = (await rollups.findById(currenciesId(accountId, livemode)).lean())?.currencies ?? [];
      const months: string[] = [];
      for (let month = fromDay.slice(0, 7); month <= toDay.slice(0, 7); month = nextMonth(month)) months.push(month);
      // Lookups by _id only: the one query every MongoDB-compatible server answers from its primary index.
      const found = await Promise.all(
        currencies.flatMap((currency) => [...months, ALL_TIME].map((month) => rollups.findById(rollupId(accountId, livemode, currency, month)).lean())),
      );
      const documents: RollupDocument[] = [];
      for (const stored of found) {
        if (!stored?.currency || !stored.month) continue;
        const base = { accountId, livemode, currency: stored.currency };
        if (stored.month === ALL_TIME) {
          documents.push({ ...base, day: ALL_TIME, counters: stored.counters ?? {} });
          continue;
        }
        for (const [dayOfMonth, counters] of Object.entries(stored.days ?? {})) {
          const day = `${stored.month}-${dayOfMonth}`;
          if (day >= fromDay && day <= toDay) documents.push({ ...base, day, counters });
        }
      }
      return documents;
    },
  };
  return store;
}

function nextMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
}
