import { Schema, type Connection, type Model } from 'mongoose';
import type { RecoveryCase } from '../recovery/recoveryCase';
import { rollupIncrements, type RollupIncrement } from './caseContribution';

/**
 * The recoveryRollups collection: one small document per account, mode,
 * currency and UTC day (plus one all-time document per currency), kept up to
 * date with $inc on every case save. Dashboards read a month of these instead
 * of scanning cases, so their cost does not grow with the number of cases.
 */

export interface RollupDocument {
  accountId: string;
  livemode: boolean;
  currency: string;
  /** YYYY-MM-DD, or ALL_TIME. */
  day: string;
  counters: Record<string, number>;
}

const rollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    currency: { type: String, required: true },
    day: { type: String, required: true },
    counters: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'recoveryRollups', versionKey: false, minimize: false },
);
rollupSchema.index({ accountId: 1, livemode: 1, day: 1 });

export interface RollupStore {
  /** Adds a case's change to the counters; nothing is written when its stats did not change. */
  recordChange(before: RecoveryCase | null, after: RecoveryCase): Promise<void>;
  apply(accountId: string, livemode: boolean, increments: RollupIncrement[]): Promise<void>;
  /** Every day document from `fromDay` on, and the all-time documents ('all' sorts after any date). */
  readSince(accountId: string, livemode: boolean, fromDay: string): Promise<RollupDocument[]>;
}

export function createRollupStore(connection: Connection): RollupStore {
  type Stored = RollupDocument & { _id: string };
  const rollups: Model<Stored> = (connection.models.RecoveryRollup as Model<Stored> | undefined) ?? connection.model<Stored>('RecoveryRollup', rollupSchema);

  const store: RollupStore = {
    async recordChange(before, after) {
      await store.apply(after.accountId, after.livemode, rollupIncrements(before, after));
    },
    async apply(accountId, livemode, increments) {
      if (increments.length === 0) return;
      // One upsert per document, addressed by _id: the cheapest write on every MongoDB-compatible server.
      await rollups.bulkWrite(
        increments.map((increment) => ({
          updateOne: {
            filter: { _id: `${accountId}|${livemode ? 'live' : 'test'}|${increment.currency}|${increment.day}` },
            update: {
              $setOnInsert: { accountId, livemode, currency: increment.currency, day: increment.day },
              $inc: Object.fromEntries(Object.entries(increment.counters).map(([counter, value]) => [`counters.${counter}`, value])),
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    },
    async readSince(accountId, livemode, fromDay) {
      const found = await rollups.find({ accountId, livemode, day: { $gte: fromDay } }, { _id: 0, accountId: 1, livemode: 1, currency: 1, day: 1, counters: 1 }).lean();
      return found.map((doc) => ({ accountId: doc.accountId, livemode: doc.livemode, currency: doc.currency, day: doc.day, counters: doc.counters ?? {} }));
    },
  };
  return store;
}
