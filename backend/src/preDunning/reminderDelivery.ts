import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account } from '../accounts';
import { sendNoting, type Mailer, type OutgoingEmail, type SenderOutcomeNote, type TestModeRecipients } from '../dunning';

export type ReminderDeliveryOutcome =
  | { kind: 'sent'; messageId: string; foundAfterLostAnswer: boolean }
  | { kind: 'recorded_test_mode' }
  | { kind: 'recipient_inactive' | 'rejected'; message: string };

/**
 * The send mark of one reminder: the same for every attempt at the same step
 * of the same billing date, so an attempt after a crash finds, through
 * Postmark's outbound search (Mailer.findSent, as dunning's lost answers do),
 * a reminder that already went out and never sends it twice.
 */
export function reminderSendKey(renewalId: string, forRenewalAt: Date, stepIndex: number): string {
  return createHash('sha256').update(`${renewalId}|${forRenewalAt.toISOString()}|${stepIndex}`).digest('hex').slice(0, 40);
}

/**
 * Hands a reminder to the mail service or, in test mode to anyone but the
 * Stripe account's own verified address, records it instead (the same gate as
 * every dunning email). Before sending it asks Postmark whether this exact
 * reminder already went out.
 */
export function createReminderDelivery(deps: { mailer: Mailer; recipients: TestModeRecipients; merchantServerToken: (account: Account | null) => string | null; noteSender?: SenderOutcomeNote; logger: Logger }) {
  return {
    async deliver(account: Account | null, livemode: boolean, email: OutgoingEmail, sendKey: string, now: Date): Promise<ReminderDeliveryOutcome> {
      if (!(await deps.recipients.maySend(account, livemode, email.to, now))) return { kind: 'recorded_test_mode' };
      const serverToken = deps.merchantServerToken(account) ?? undefined;
      const [found] = await deps.mailer.findSent({ sendKey }, serverToken);
      if (found) {
        deps.logger.info({ accountId: email.metadata.accountId, subscriptionId: email.metadata.subscriptionId, messageId: found.messageId }, 'reminder found at Postmark; not sent again');
        return { kind: 'sent', messageId: found.messageId, foundAfterLostAnswer: true };
      }
      const result = await sendNoting(deps.mailer, deps.noteSender, account, { ...email, metadata: { ...email.metadata, sendKey } }, serverToken, now);
      return result.kind === 'sent' ? { kind: 'sent', messageId: result.messageId, foundAfterLostAnswer: false } : result;
    },
  };
}
