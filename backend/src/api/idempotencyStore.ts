import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Idempotency keys of the merchant API, per account and mode: the first
 * request under a key leaves an in-flight marker, then its answer, kept for
 * 24 h. A TTL index deletes old keys on MongoDB; every query also checks
 * `expiresAt` itself, since the embedded database may not run TTL deletes.
 */

/** How long a key replays its first answer. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A request that crashed leaves its marker; after this, the key can run again. */
export const IN_FLIGHT_MARKER_MS = 60_000;

interface IdempotencyRecord {
  accountId: string;
  livemode: boolean;
  key: string;
  /** What the request was: method, path and its body as canonical JSON, hashed. */
  fingerprint: string;
  state: 'running' | 'done';
  /** Which request holds the marker, so a late finish never overwrites a takeover. */
  owner: string;
  runningUntil: Date;
  status: number | null;
  /** The answer's JSON as sent (a string: merchant metadata keys may hold dots or dollars). */
  body: string | null;
  expiresAt: Date;
}

const recordSchema = new Schema<IdempotencyRecord>(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    key: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true, enum: ['running', 'done'] },
    owner: { type: String, required: true },
    runningUntil: { type: Date, required: true },
    status: { type: Number, default: null },
    body: { type: String, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotencyKeys', versionKey: false },
);
recordSchema.index({ accountId: 1, livemode: 1, key: 1 }, { unique: true });

/**
 * The TTL index on expiresAt, made at start-up rather than on the schema:
 * FerretDB refuses the option ("not implemented"), so there a plain index
 * serves the worker's deletion of expired keys instead.
 */
export async function ensureIdempotencyExpiryIndex(connection: Connection): Promise<void> {
  const collection = connection.collection('idempotencyKeys');
  try {
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
  } catch (error) {
    if (!/expireAfterSeconds.*not implemented/i.test(error instanceof Error ? error.message : String(error))) throw error;
    await collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt_1' });
  }
}

export interface IdempotencyScope {
  accountId: string;
  livemode: boolean;
  key: string;
}

export type BeginResult =
  | { kind: 'started'; owner: string }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'conflict'; reason: 'different_request' | 'in_progress' };

export interface IdempotencyStore {
  /** Claims the key for this request, or says what the earlier request under it left. */
  begin(scope: IdempotencyScope, fingerprint: string, now: Date): Promise<BeginResult>;
  /** Records the answer to replay; nothing if another request took the key over meanwhile. */
  finish(scope: IdempotencyScope, owner: string, answer: { status: number; body: string }): Promise<void>;
  /** Frees the key without an answer (a 5xx): the same key may be tried again at once. */
  abandon(scope: IdempotencyScope, owner: string): Promise<void>;
  /** Deletes keys past their 24 h, where the database runs no TTL index. */
  deleteExpired(now: Date): Promise<number>;
}

export function createIdempotencyStore(connection: Connection): IdempotencyStore {
  const records: Model<IdempotencyRecord> =
    (connection.models.IdempotencyKey as Model<IdempotencyRecord> | undefined) ?? connection.model<IdempotencyRecord>('IdempotencyKey', recordSchema);

  const fresh = (scope: IdempotencyScope, fingerprint: string, now: Date): IdempotencyRecord => ({
    ...scope,
    fingerprint,
    state: 'running',
    owner: randomBytes(12).toString('hex'),
    runningUntil: new Date(now.getTime() + IN_FLIGHT_MARKER_MS),
    status: null,
    body: null,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS),
  });

  return {
    async begin(scope, fingerprint, now) {
      // Three rounds at most: a key expiring or freed between our reads sends us round again.
      for (let round = 0; round < 3; round += 1) {
        const claim = fresh(scope, fingerprint, now);
        try {
          await records.create(claim);
          return { kind: 'started', owner: claim.owner };
        } catch (error) {
          if ((error as { code?: number }).code !== 11000) throw error;
        }
        // Take over a key past its 24 h, or the marker of the same request that crashed.
        const takenOver = await records
          .findOneAndUpdate(
            { ...scope, $or: [{ expiresAt: { $lte: now } }, { state: 'running', runningUntil: { $lte: now }, fingerprint }] },
            { $set: claim },
            { new: true },
          )
          .lean();
        if (takenOver?.owner === claim.owner) return { kind: 'started', owner: claim.owner };
        const existing = await records.findOne({ ...scope, expiresAt: { $gt: now } }).lean();
        if (!existing) continue;
        if (existing.fingerprint !== fingerprint) return { kind: 'conflict', reason: 'different_request' };
        if (existing.state === 'running' || existing.status === null || existing.body === null) return { kind: 'conflict', reason: 'in_progress' };
        return { kind: 'replay', status: existing.status, body: existing.body };
      }
      return { kind: 'conflict', reason: 'in_progress' };
    },
    async finish(scope, owner, answer) {
      await records.updateOne({ ...scope, owner, state: 'running' }, { $set: { state: 'done', status: answer.status, body: answer.body } });
    },
    async abandon(scope, owner) {
      await records.deleteOne({ ...scope, owner, state: 'running' });
    },
    async deleteExpired(now) {
      return (await records.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
    },
  };
}
