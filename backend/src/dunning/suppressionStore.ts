import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Addresses we must not email again for an account in one mode: hard bounces,
 * spam complaints, unsubscribes. A bounce in test mode says nothing about live mode.
 */
export interface EmailSuppression {
  accountId: string;
  livemode: boolean;
  email: string;
  reason: 'hard_bounce' | 'spam_complaint' | 'unsubscribed' | 'inactive_recipient';
  at: Date;
}

const suppressionSchema = new Schema<EmailSuppression>(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    email: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'emailSuppressions', versionKey: false },
);
suppressionSchema.index({ accountId: 1, livemode: 1, email: 1 }, { unique: true });

export interface SuppressionStore {
  suppress(entry: EmailSuppression): Promise<void>;
  /** A resubscribe (Postmark SubscriptionChange with SuppressSending false) lifts an unsubscribe only. */
  lift(accountId: string, livemode: boolean, email: string): Promise<void>;
  isSuppressed(accountId: string, livemode: boolean, email: string): Promise<boolean>;
}

export function createSuppressionStore(connection: Connection): SuppressionStore {
  const suppressions: Model<EmailSuppression> =
    (connection.models.EmailSuppression as Model<EmailSuppression> | undefined) ?? connection.model<EmailSuppression>('EmailSuppression', suppressionSchema);
  const normalise = (email: string) => email.trim().toLowerCase();
  // Entries stored before suppressions were per mode have no livemode: they still hold for both modes.
  const inMode = (livemode: boolean) => ({ livemode: { $in: [livemode, null] } });
  return {
    async suppress(entry) {
      try {
        await suppressions.updateOne({ accountId: entry.accountId, livemode: entry.livemode, email: normalise(entry.email) }, { $set: { reason: entry.reason, at: entry.at } }, { upsert: true });
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    },
    async lift(accountId, livemode, email) {
      await suppressions.deleteMany({ accountId, ...inMode(livemode), email: normalise(email), reason: 'unsubscribed' });
    },
    async isSuppressed(accountId, livemode, email) {
      return (await suppressions.exists({ accountId, ...inMode(livemode), email: normalise(email) })) !== null;
    },
  };
}
