import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, AccountProfileLookup, AccountStore } from '../accounts';
import type { Mailer, OutgoingEmail } from './mailer';
import { markSending, type RecoveryCase, type RecoveryService } from '../recovery';

/** What became of an email: handed to Postmark (or found there), recorded in test mode, or refused. */
export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string; foundAfterLostAnswer: boolean }
  | { kind: 'recorded_test_mode' }
  | { kind: 'recipient_inactive' | 'rejected'; message: string };

export interface EmailDelivery {
  /** Sends one email about the case, or records it when test mode may not send it; `step` names it in Postmark's metadata. */
  deliver(current: RecoveryCase, account: Account | null, email: OutgoingEmail, step: string, now: Date): Promise<DeliveryOutcome>;
}

/** How long the Stripe account's own email, once read, is trusted before it is read again. */
export const ACCOUNT_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Test mode never emails customers: anyone can install on a test account
 * and create customers with any address. It delivers only to the address
 * the merchant has verified with Stripe (the account's own email); every
 * other email is recorded on the case instead. Live mode marks the case
 * before handing a step to Postmark; a mark left by an attempt whose answer
 * was lost makes the next attempt ask Postmark's outbound search first.
 */
export function createEmailDelivery(deps: {
  mailer: Mailer;
  accounts: AccountStore;
  /** Reads the Stripe account's own email with the key of the account's mode. */
  accountProfilesFor: (livemode: boolean) => AccountProfileLookup | null;
  recovery: RecoveryService;
  merchantServerToken: (account: Account | null) => string | null;
  logger: Logger;
}): EmailDelivery {
  const { mailer, accounts, recovery, logger } = deps;

  async function verifiedAddressOf(account: Account | null, now: Date): Promise<string | null> {
    if (!account) return null;
    const cached = account.stripeAccountEmail ?? null;
    const accountProfiles = deps.accountProfilesFor(account.livemode);
    if ((cached && now.getTime() - new Date(cached.readAt).getTime() < ACCOUNT_EMAIL_TTL_MS) || !accountProfiles) return cached?.email ?? null;
    try {
      const email = await accountProfiles.fetchAccountEmail({ accountId: account.accountId, isAppInstall: account.source === 'app' });
      await accounts.noteStripeAccountEmail(account.accountId, account.livemode, email, now);
      return email;
    } catch (error) {
      logger.warn({ accountId: account.accountId, err: error instanceof Error ? error.message : String(error) }, 'could not read the Stripe account email; test-mode emails are recorded only');
      return cached?.email ?? null;
    }
  }

  const sameAddress = (a: string, b: string | null) => b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();

  return {
    async deliver(current, account, email, step, now) {
      if (!current.livemode && !sameAddress(email.to, await verifiedAddressOf(account, now))) return { kind: 'recorded_test_mode' };
      const serverToken = deps.merchantServerToken(account) ?? undefined;
      const earlier = current.sendingStep;
      if (earlier && earlier.step === step) {
        const [found] = await mailer.findSent({ caseId: current.id, step, sendKey: earlier.key }, serverToken);
        if (found) {
          logger.info({ accountId: current.accountId, caseId: current.id, step, messageId: found.messageId }, 'email found at Postmark after a lost answer; not sent again');
          return { kind: 'sent', messageId: found.messageId, foundAfterLostAnswer: true };
        }
      }
      const key = randomUUID();
      await recovery.mutate(current.accountId, current, (fresh) => markSending(fresh, { step, key, startedAt: now }));
      const result = await mailer.send({ ...email, metadata: { ...email.metadata, step, sendKey: key } }, serverToken);
      return result.kind === 'sent' ? { kind: 'sent', messageId: result.messageId, foundAfterLostAnswer: false } : result;
    },
  };
}
