import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { EmailContent } from '../recovery';

/**
 * What each email said, kept beside its case rather than in it: a case is
 * read and rewritten at every step of its recovery, its emails' bodies only
 * when someone opens one. The case's email record names its content by id.
 */
export interface EmailContentOwner {
  accountId: string;
  livemode: boolean;
  caseId: string;
  /** How erasing a customer finds their emails, as it finds their cases. */
  stripeCustomerId: string | null;
}

type StoredContent = EmailContentOwner & EmailContent & { writtenAt: Date };

const contentSchema = new Schema<StoredContent>(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    caseId: { type: String, required: true },
    stripeCustomerId: { type: String, default: null },
    to: { type: String, required: true },
    from: { type: String, required: true },
    replyTo: { type: String, default: null },
    subject: { type: String, required: true },
    // An email may go with one of its bodies empty: required would refuse an empty string.
    html: { type: String, default: '' },
    text: { type: String, default: '' },
    writtenAt: { type: Date, required: true },
  },
  { collection: 'emailContents', versionKey: false },
);
// A customer's emails, led by the customer as their cases are (erasure and export read them).
contentSchema.index({ stripeCustomerId: 1, accountId: 1 });

export interface EmailContentStore {
  /** Keeps what an email said, before the case records it; returns the id the record names. */
  keep(owner: EmailContentOwner, content: EmailContent, at: Date): Promise<string>;
  /** An email's content, only within its account, mode and case; null when there is none. */
  find(owner: Omit<EmailContentOwner, 'stripeCustomerId'>, contentId: string): Promise<EmailContent | null>;
}

export function createEmailContentStore(connection: Connection): EmailContentStore {
  const contents: Model<StoredContent> = (connection.models.EmailContent as Model<StoredContent> | undefined) ?? connection.model<StoredContent>('EmailContent', contentSchema);
  return {
    async keep(owner, content, at) {
      const created = await contents.create({ ...owner, ...content, writtenAt: at });
      return String(created._id);
    },
    async find(owner, contentId) {
      if (!Types.ObjectId.isValid(contentId)) return null;
      const found = await contents.findOne({ _id: contentId, accountId: owner.accountId, livemode: owner.livemode, caseId: owner.caseId }).lean();
      return found ? { to: found.to, from: found.from, replyTo: found.replyTo, subject: found.subject, html: found.html, text: found.text } : null;
    },
  };
}
