import type { CaughtEmail } from '../../devservices/postmark-receiver/receiverState';
import type { CaseEmail, EmailContent, RecoveryCase } from '../../backend/src/recovery';
import { timeZoneForCountry } from '../../backend/src/retryPolicy';

/** An email as the customer got it (or, in test mode, would have), beside the case's plan at the moment it was sent or recorded. */
export interface EmailSeen {
  /** Caught by the Postmark receiver (sent), or recorded on the case instead of sent (test mode). */
  delivery: 'sent' | 'recorded_test_mode';
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
    delivery: 'sent',
    to: email.to,
    subject: email.subject,
    text: email.textBody ?? email.htmlBody ?? '',
    caseId: email.metadata.caseId ?? null,
    sentAt: email.receivedAt,
    ...planAt(atSend),
  };
}

/** A test-mode email the case recorded instead of sending, beside the case's plan read right after it was recorded (recording does not change the plan). */
export function recordedEmailSeen(email: CaseEmail, content: EmailContent, atRecord: RecoveryCase): EmailSeen {
  return { delivery: 'recorded_test_mode', to: content.to, subject: content.subject, text: content.text || content.html, caseId: atRecord.id, sentAt: email.sentAt, ...planAt(atRecord) };
}

function planAt(found: RecoveryCase | null): Pick<EmailSeen, 'plan' | 'zone'> {
  return {
    plan: found?.plannedAction ? { kind: found.plannedAction.kind, at: found.plannedAction.at } : null,
    // As the dunning service names dates: the customer's own zone, else their country's, else the merchant's (UTC).
    zone: found?.customerTimeZone ?? timeZoneForCountry(found?.customerCountry ?? null, 'UTC'),
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
