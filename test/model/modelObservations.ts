import type { CaughtEmail } from '../../devservices/postmark-receiver/receiverState';
import type { RecoveryCase } from '../../backend/src/recovery';
import { timeZoneForCountry } from '../../backend/src/retryPolicy';

/** An email as the customer got it, beside the case's plan at the moment it was sent. */
export interface EmailSeen {
  to: string;
  subject: string;
  text: string;
  caseId: string | null;
  sentAt: Date;
  /** The case's planned action right after the send (the send does not change it); null without a case. */
  plan: { kind: string; at: Date | null } | null;
  zone: string;
}

export function emailSeen(email: CaughtEmail, atSend: RecoveryCase | null): EmailSeen {
  return {
    to: email.to,
    subject: email.subject,
    text: email.textBody ?? email.htmlBody ?? '',
    caseId: email.metadata.caseId ?? null,
    sentAt: email.receivedAt,
    plan: atSend?.plannedAction ? { kind: atSend.plannedAction.kind, at: atSend.plannedAction.at } : null,
    // As the dunning service names dates: the customer's own zone, else their country's, else the merchant's (UTC).
    zone: atSend?.customerTimeZone ?? timeZoneForCountry(atSend?.customerCountry ?? null, 'UTC'),
  };
}

/** "we will try again on Friday 1 May" → "Friday 1 May"; null when the email names no date. */
export function promisedRetryDate(email: Pick<EmailSeen, 'text'>): string | null {
  return /try again on ([A-Z][a-z]+ \d{1,2} [A-Z][a-z]+)/.exec(email.text)?.[1] ?? null;
}

/** Does the email tell the customer we will charge again ("we will try again soon", "We will try your payment … again")? */
export function promisesRetry(email: Pick<EmailSeen, 'text' | 'subject'>): boolean {
  return /\bwe will try\b/i.test(`${email.subject}\n${email.text}`);
}
