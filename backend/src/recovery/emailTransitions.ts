import type { CaseEmail, EmailSendMark, RecoveryCase } from './recoveryCase';
import { appendToTimeline } from './caseTimeline';

/** What Postmark reported about one message, in our words. */
export type EmailEvent =
  | { kind: 'delivered'; messageId: string; at: Date }
  | { kind: 'opened' | 'clicked'; messageId: string; at: Date }
  | { kind: 'bounced'; messageId: string; at: Date; permanent: boolean; description: string }
  | { kind: 'complained' | 'unsubscribed'; messageId: string; at: Date };

/**
 * Records an email sent (or, in test mode, recorded instead of sent) in the
 * same write that counts its dunning step, and the ones skipped for it, as
 * done and clears the send mark: no step is sent twice or lost.
 */
export function recordEmailSent(
  current: RecoveryCase,
  email: {
    messageId: string | null;
    kind: CaseEmail['kind'];
    stepIndex: number | null;
    skipped: number[];
    subject: string;
    delivery?: NonNullable<CaseEmail['delivery']>;
    /** Where its content was kept just before (null: none kept). */
    contentId?: string | null;
  },
  now: Date,
): RecoveryCase {
  const delivery = email.delivery ?? 'sent';
  const sent: CaseEmail = {
    messageId: email.messageId,
    kind: email.kind,
    stepIndex: email.stepIndex,
    sentAt: now,
    delivery,
    contentId: email.contentId ?? null,
    status: 'sent',
    deliveredAt: null,
    firstOpenedAt: null,
    firstClickedAt: null,
    opens: 0,
    clicks: 0,
  };
  const done = email.stepIndex === null ? current.dunningStepsDone : [...new Set([...current.dunningStepsDone, ...email.skipped, email.stepIndex])].sort((a, b) => a - b);
  const summary = delivery === 'sent' ? `Email sent: “${email.subject}”.` : `Test mode: email recorded, not sent: “${email.subject}”.`;
  return {
    ...current,
    emails: [...current.emails, sent],
    dunningStepsDone: done,
    sendingStep: null,
    // Any dunning email answers a pending reminder request.
    reminderRequestedAt: email.kind === 'dunning' ? null : current.reminderRequestedAt,
    timeline: appendToTimeline(current.timeline, { at: now, kind: 'email_sent', summary }),
  };
}

/** Marks an email as handed to Postmark, before the call: a crash leaves the mark, and the next try asks Postmark first. */
export function markSending(current: RecoveryCase, mark: EmailSendMark): RecoveryCase {
  return { ...current, sendingStep: mark };
}

/** The address will not take email: stop the sequence and show the merchant. */
export function markUndeliverable(current: RecoveryCase, reason: string, now: Date): RecoveryCase {
  if (current.emailStatus === 'undeliverable') return current;
  return { ...current, emailStatus: 'undeliverable', timeline: appendToTimeline(current.timeline, { at: now, kind: 'email_undeliverable', summary: `Emails stopped: ${reason}.` }) };
}

/** Applies a Postmark event to the email it is about; null when the case has no such email. */
export function recordEmailEvent(current: RecoveryCase, event: EmailEvent): RecoveryCase | null {
  const index = current.emails.findIndex((email) => email.messageId === event.messageId);
  if (index < 0) return null;
  const email = current.emails[index]!;
  let updated: CaseEmail;
  switch (event.kind) {
    case 'delivered':
      updated = { ...email, status: email.status === 'sent' ? 'delivered' : email.status, deliveredAt: email.deliveredAt ?? event.at };
      break;
    case 'opened':
      updated = { ...email, opens: email.opens + 1, firstOpenedAt: email.firstOpenedAt ?? event.at };
      break;
    case 'clicked':
      updated = { ...email, clicks: email.clicks + 1, firstClickedAt: email.firstClickedAt ?? event.at };
      break;
    case 'bounced':
      updated = { ...email, status: 'bounced' };
      break;
    case 'complained':
      updated = { ...email, status: 'complained' };
      break;
    case 'unsubscribed':
      updated = { ...email, status: 'unsubscribed' };
      break;
  }
  const emails = current.emails.map((candidate, position) => (position === index ? updated : candidate));
  const next: RecoveryCase = { ...current, emails };
  const stops = (event.kind === 'bounced' && event.permanent) || event.kind === 'complained' || event.kind === 'unsubscribed';
  if (!stops) return next;
  const reason = event.kind === 'bounced' ? `the address bounced (${event.description})` : event.kind === 'complained' ? 'the customer marked our email as spam' : 'the customer unsubscribed';
  return markUndeliverable(next, reason, event.at);
}
