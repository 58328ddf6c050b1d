import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, AccountProfileLookup, AccountStore } from '../accounts';
import { createTestModeRecipients } from './testModeRecipients';
import { SenderRefusedError, type Mailer, type OutgoingEmail, type SenderOutcomeNote } from './mailer';
import type { EmailSendMark, RecoveryCase } from '../recovery';

/** What became of an email: handed to Postmark (or found there), recorded in test mode, or refused. */
export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string; foundAfterLostAnswer: boolean }
  | { kind: 'recorded_test_mode' }
  | { kind: 'recipient_inactive' | 'rejected'; message: string }
  /** Someone wrote the case since it was read, so its send mark was not written: nothing was sent. */
  | { kind: 'written_meanwhile' };

/** What became of the email, and the case as it stands after it: a send is marked on the case first, which is a write. */
export type Delivered = DeliveryOutcome & { current: RecoveryCase };

/** Writes a send's mark on the case before the send: the case as written, or null when it was not written. */
export type MarkSend = (sending: EmailSendMark) => Promise<RecoveryCase | null>;

export interface EmailDelivery {
  /** Sends one email about the case, or records it when test mode may not send it; `step` names it in Postmark's metadata. */
  deliver(current: RecoveryCase, account: Account | null, email: OutgoingEmail, step: string, now: Date, mark: MarkSend): Promise<Delivered>;
}

/**
 * Test mode delivers only to the address the merchant has verified with
 * Stripe (testModeRecipients.ts); every other email is recorded on the case
 * instead. Live mode marks the case
 * before handing a step to Postmark; a mark left by an attempt whose answer
 * was lost makes the next attempt ask Postmark's outbound search first.
 */
export function createEmailDelivery(deps: {
  mailer: Mailer;
  accounts: AccountStore;
  /** Reads the Stripe account's own email with the key of the account's mode. */
  accountProfilesFor: (livemode: boolean) => AccountProfileLookup | null;
  merchantServerToken: (account: Account | null) => string | null;
  /** Keeps Postmark's answer to the From for the settings view (absent: not kept). */
  noteSender?: SenderOutcomeNote;
  logger: Logger;
}): EmailDelivery {
  const { mailer, logger } = deps;
  const recipients = createTestModeRecipients(deps);

  return {
    async deliver(current, account, email, step, now, mark) {
      if (!(await recipients.maySend(account, current.livemode, email.to, now))) return { kind: 'recorded_test_mode', current };
      const serverToken = deps.merchantServerToken(account) ?? undefined;
      const earlier = current.sendingStep;
      if (earlier && earlier.step === step) {
        const [found] = await mailer.findSent({ caseId: current.id, step, sendKey: earlier.key }, serverToken);
        if (found) {
          logger.info({ accountId: current.accountId, caseId: current.id, step, messageId: found.messageId }, 'email found at Postmark after a lost answer; not sent again');
          return { kind: 'sent', messageId: found.messageId, foundAfterLostAnswer: true, current };
        }
      }
      const key = randomUUID();
      // The caller records the outcome from the marked case: from the one it read, its write would miss the mark's revision.
      const marked = await mark({ step, key, startedAt: now });
      if (!marked) return { kind: 'written_meanwhile', current };
      const result = await sendNoting(mailer, deps.noteSender, account, { ...email, metadata: { ...email.metadata, step, sendKey: key } }, serverToken, now);
      return result.kind === 'sent' ? { kind: 'sent', messageId: result.messageId, foundAfterLostAnswer: false, current: marked } : { ...result, current: marked };
    },
  };
}

/** Sends, keeping what Postmark said of the From: its refusal (then rethrown), or that it took the message. */
export async function sendNoting(mailer: Mailer, note: SenderOutcomeNote | undefined, account: Account | null, email: OutgoingEmail, serverToken: string | undefined, now: Date) {
  try {
    const result = await mailer.send(email, serverToken);
    if (result.kind === 'sent') await note?.(account, email.from, null, now);
    return result;
  } catch (error) {
    if (error instanceof SenderRefusedError) await note?.(account, email.from, error.message, now);
    throw error;
  }
}
