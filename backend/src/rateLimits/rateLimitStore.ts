import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Fixed-window request counters in MongoDB, so a limit holds across every
 * instance. One document per key and window; each request is one atomic
 * upsert-and-increment. Old windows are deleted by the worker's cleanup job.
 */
interface WindowCounter {
  key: string;
  windowStartsAt: Date;
  count: number;
  expiresAt: Date;
}

const counterSchema = new Schema<WindowCounter>(
  {
    key: { type: String, required: true },
    windowStartsAt: { type: Date, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'rateLimitWindows', versionKey: false },
);
counterSchema.index({ key: 1, windowStartsAt: 1 }, { unique: true });
counterSchema.index({ expiresAt: 1 });

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface RateLimitStore {
  /** Counts one request for `key` in the window containing `now`; allowed while the count stays within `limit`. */
  hit(key: string, limit: number, windowMs: number, now: Date): Promise<RateLimitDecision>;
  deleteExpired(now: Date): Promise<number>;
}

export function createRateLimitStore(connection: Connection): RateLimitStore {
  const counters: Model<WindowCounter> =
    (connection.models.RateLimitWindow as Model<WindowCounter> | undefined) ?? connection.model<WindowCounter>('RateLimitWindow', counterSchema);

  async function increment(key: string, windowStartsAt: Date, expiresAt: Date): Promise<number> {
    const updated = await counters
      .findOneAndUpdate({ key, windowStartsAt }, { $inc: { count: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, new: true })
      .lean<WindowCounter>();
    return updated!.count;
  }

  return {
    async hit(key, limit, windowMs, now) {
      const windowStartsAt = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
      const resetAt = new Date(windowStartsAt.getTime() + windowMs);
      let count: number;
      try {
        count = await increment(key, windowStartsAt, resetAt);
      } catch (error) {
        // Two first requests of a window racing on the upsert: the loser increments the winner's document.
        if ((error as { code?: number }).code !== 11000) throw error;
        count = await increment(key, windowStartsAt, resetAt);
      }
      return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetAt };
    },
    async deleteExpired(now) {
      const result = await counters.deleteMany({ expiresAt: { $lt: now } });
      return result.deletedCount;
    },
  };
}
