import { Schema, type Connection, type Model } from 'mongoose';

/** Addresses we must not email again for an account: hard bounces, spam complaints, unsubscribes. */
export interface EmailSuppression {
  accountId: string;
  email: string;
  reason: 'hard_bounce' | 'spam_complaint' | 'unsubscribed' | 'inactive_recipient';
  at: Date;
}

const suppressionSchema = new Schema<EmailSuppression>(
  {
    accountId: { type: String, required: true },
    email: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'emailSuppressions', versionKey: false },
);
suppressionSchema.index({ accountId: 1, email: 1 }, { unique: true });

export interface SuppressionStore {
  suppress(entry: EmailSuppression): Promise<void>;
  /** A resubscribe (Postmark SubscriptionChange with SuppressSending false) lifts an unsubscribe only. */
  lift(accountId: string, email: string): Promise<void>;
  isSuppressed(accountId: string, email: string): Promise<boolean>;
}

export function createSuppressionStore(connection: Connection): SuppressionStore {
  const suppressions: Model<EmailSuppression> =
    (connection.models.EmailSuppression as Model<EmailSuppression> | undefined) ?? connection.model<EmailSuppression>('EmailSuppression', suppressionSchema);
  const normalise = (email: string) => email.trim().toLowerCase();
  return {
    async suppress(entry) {
      try {
        await suppressions.updateOne({ accountId: entry.accountId, email: normalise(entry.email) }, { $set: { reason: entry.reason, at: entry.at } }, { upsert: true });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    },
    async lift(accountId, email) {
      await suppressions.deleteOne({ accountId, email: normalise(email), reason: 'unsubscribed' });
    },
    async isSuppressed(accountId, email) {
      return (await suppressions.exists({ accountId, email: normalise(email) })) !== null;
    },
  };
}
