import type { Logger } from 'pino';
import type { Account, AccountProfileLookup, AccountStore } from '../accounts';

/** How long the Stripe account's own email, once read, is trusted before it is read again. */
export const ACCOUNT_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;

export interface TestModeRecipients {
  /**
   * Whether an email to `to` may really go out: always in live mode; in test
   * mode only to the address the merchant verified with Stripe (the account's
   * own email). Every other test-mode email is recorded instead of sent.
   */
  maySend(account: Account | null, livemode: boolean, to: string, now: Date): Promise<boolean>;
}

/**
 * Test mode never emails customers: anyone can install on a test account and
 * create customers with any address. One gate for every email to a customer
 * (dunning, thank-you, pre-dunning), so they all follow the same rule.
 */
export function createTestModeRecipients(deps: {
  accounts: AccountStore;
  /** Reads the Stripe account's own email with the key of the account's mode. */
  accountProfilesFor: (livemode: boolean) => AccountProfileLookup | null;
  logger: Logger;
}): TestModeRecipients {
  async function verifiedAddressOf(account: Account | null, now: Date): Promise<string | null> {
    if (!account) return null;
    const cached = account.stripeAccountEmail ?? null;
    const accountProfiles = deps.accountProfilesFor(account.livemode);
    if ((cached && now.getTime() - new Date(cached.readAt).getTime() < ACCOUNT_EMAIL_TTL_MS) || !accountProfiles) return cached?.email ?? null;
    try {
      const email = await accountProfiles.fetchAccountEmail({ accountId: account.accountId, isAppInstall: account.source === 'app' });
      await deps.accounts.noteStripeAccountEmail(account.accountId, account.livemode, email, now);
      return email;
    } catch (error) {
      deps.logger.warn({ accountId: account.accountId, err: error instanceof Error ? error.message : String(error) }, 'could not read the Stripe account email; test-mode emails are recorded only');
      return cached?.email ?? null;
    }
  }

  const sameAddress = (a: string, b: string | null) => b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();

  return {
    async maySend(account, livemode, to, now) {
      return livemode || sameAddress(to, await verifiedAddressOf(account, now));
    },
  };
}
