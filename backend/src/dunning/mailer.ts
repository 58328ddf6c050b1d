/**
 * The mailer port: how dunning (and every other email we send) hands a message
 * to the mail service. Declared here, implemented by adapters/postmark.
 */

/** A dunning email, built by dunning/ in our words. */
export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  htmlBody: string;
  textBody: string;
  /** One tag per dunning step, so Postmark's stats split by step. */
  tag: string;
  /** Echoed back by Postmark's webhooks: account, case and step. */
  metadata: Record<string, string>;
}

export type SendResult =
  | { kind: 'sent'; messageId: string; submittedAt: Date }
  /** Postmark will never deliver to this address (hard bounce, complaint, manual suppression). */
  | { kind: 'recipient_inactive'; message: string }
  /** Postmark refused the message itself (bad address, missing field): retrying will not help. */
  | { kind: 'rejected'; message: string };

/** A message Postmark already holds. */
export interface SentMessage {
  messageId: string;
  submittedAt: Date;
  metadata: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail, serverToken?: string): Promise<SendResult>;
  /**
   * The messages Postmark accepted whose metadata has every given key and
   * value, newest first (Postmark's outbound search, `metadata_<key>=`): tells
   * whether a send whose answer was lost went through.
   */
  findSent(metadata: Record<string, string>, serverToken?: string): Promise<SentMessage[]>;
}
