import { UpstreamError } from '../errors';

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

/**
 * The sending server refused the From address (Postmark: not a confirmed sender
 * signature, nor on a verified domain). The merchant must fix their sender; the
 * customer's address is fine, so it is no refusal of the message to them.
 */
export class SenderRefusedError extends UpstreamError {
  constructor(message: string, status?: number) {
    super('postmark', message, false, status);
    this.name = 'SenderRefusedError';
  }
}

/** Remembers what the mail service answered the account's From: a refusal's message, or null once it took one. */
export type SenderOutcomeNote = (account: { accountId: string; livemode: boolean; settings?: { senderRefusal?: unknown } | null } | null, from: string, refusal: string | null, at: Date) => Promise<void>;

/** What Postmark says of a server token: the server it opens, or why not. */
export type ServerCheck =
  | { kind: 'valid'; serverId: number; serverName: string }
  | { kind: 'invalid_token'; message: string }
  /** Postmark did not answer (outage, timeout): nothing is known about the token. */
  | { kind: 'unavailable'; message: string };

/**
 * Reads a Postmark server by its token (`GET /server`). A server token cannot
 * list sender signatures or domains (that needs the account token), so whether
 * a From address is confirmed is known only when Postmark takes or refuses a message.
 */
export interface MailServerDirectory {
  checkServerToken(serverToken: string): Promise<ServerCheck>;
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
