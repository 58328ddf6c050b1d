import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Every charge attempt on a card, ours and Stripe's own, so card-network
 * limits (per card, rolling 24 h and 30 days) can be enforced. A card is
 * known by its fingerprint; attempts are deduplicated by attemptKey (our
 * idempotency key, which Stripe echoes on the webhook of the same attempt).
 */
export interface RecordedCardAttempt {
  accountId: string;
  cardKey: string;
  brand: string | null;
  attemptKey: string;
  at: Date;
  outcome: 'declined' | 'succeeded';
  initiatedBy: 'merchant' | 'customer';
  source: 'ours' | 'stripe';
  invoiceId: string | null;
  declineCode: string | null;
  adviceCode: string | null;
  networkAdviceCode: string | null;
}

const attemptSchema = new Schema(
  {
    accountId: { type: String, required: true },
    cardKey: { type: String, required: true },
    brand: { type: String, default: null },
    attemptKey: { type: String, required: true },
    at: { type: Date, required: true },
    outcome: { type: String, required: true, enum: ['declined', 'succeeded'] },
    initiatedBy: { type: String, required: true, enum: ['merchant', 'customer'] },
    source: { type: String, required: true, enum: ['ours', 'stripe'] },
    invoiceId: { type: String, default: null },
    declineCode: { type: String, default: null },
    adviceCode: { type: String, default: null },
    networkAdviceCode: { type: String, default: null },
  },
  { collection: 'cardAttempts', versionKey: false },
);
attemptSchema.index({ accountId: 1, attemptKey: 1 }, { unique: true });
// Led by the card, not the account: an engine that uses only an index's leading field (FerretDB's SQLite) then
// reads this card's attempts, not every attempt of the account.
attemptSchema.index({ cardKey: 1, accountId: 1, at: -1 });

/** Network windows reach back 30 days; nothing older matters. */
export const LEDGER_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

const DUPLICATE_KEY = 11000;

export interface CardAttemptStore {
  /** Records an attempt once; a second record with the same attemptKey is a no-op. */
  record(attempt: RecordedCardAttempt): Promise<void>;
  /** Records many at once (one write command when none is known yet); each attemptKey once, as record does. */
  recordMany(attempts: RecordedCardAttempt[]): Promise<void>;
  /** The card's attempts in the 30 days before `now`, oldest first. */
  recentFor(accountId: string, cardKey: string, now: Date): Promise<RecordedCardAttempt[]>;
}

export function createCardAttemptStore(connection: Connection): CardAttemptStore {
  const attempts: Model<RecordedCardAttempt> =
    (connection.models.CardAttempt as Model<RecordedCardAttempt> | undefined) ?? connection.model<RecordedCardAttempt>('CardAttempt', attemptSchema);
  return {
    async record(attempt) {
      try {
        await attempts.create(attempt);
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    },
    async recordMany(batch) {
      let rest = batch;
      while (rest.length > 0) {
        try {
          await attempts.collection.insertMany(rest.map((attempt) => ({ ...attempt })), { ordered: true });
          return;
        } catch (error) {
          // Ordered: everything before the refused one is written, so the rest is sent again after it.
          const refused = (error as { writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number } }).writeErrors;
          const first = Array.isArray(refused) ? refused[0] : refused;
          if (first?.code !== DUPLICATE_KEY) throw error;
          rest = rest.slice(first.index + 1);
        }
      }
    },
    async recentFor(accountId, cardKey, now) {
      // The driver's own find, as recordMany writes: read once per retry, and nothing in the filter needs mongoose's casting.
      const filter = { cardKey, accountId, at: { $gte: new Date(now.getTime() - LEDGER_LOOKBACK_MS) } };
      return attempts.collection.find<RecordedCardAttempt>(filter, { projection: { _id: 0 } }).sort({ at: 1 }).toArray();
    },
  };
}

/** How a card is named in the ledger: its fingerprint, else its payment method, else the customer's unknown card. */
export function cardKeyOf(card: { fingerprint?: string | undefined; paymentMethodId?: string | undefined } | null, stripeCustomerId: string | null): string {
  if (card?.fingerprint) return `fp:${card.fingerprint}`;
  if (card?.paymentMethodId) return `pm:${card.paymentMethodId}`;
  return `customer:${stripeCustomerId ?? 'unknown'}`;
}
