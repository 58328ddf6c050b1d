import type Stripe from 'stripe';
import type { AccountRef } from './billingGateway';
import { translateError } from './billingGateway';

/** What Stripe knows about the merchant's own account, in our words. */
export interface AccountProfileLookup {
  /**
   * The account's own email, which Stripe verified (GET /v1/account, with
   * Stripe-Account for an App install); null when Stripe has none.
   */
  fetchAccountEmail(account: AccountRef): Promise<string | null>;
}

export function createAccountProfileLookup(stripe: Stripe): AccountProfileLookup {
  return {
    async fetchAccountEmail(account) {
      try {
        const found = await stripe.accounts.retrieve(null, {}, account.isAppInstall ? { stripeAccount: account.accountId } : {});
        return typeof found.email === 'string' && found.email.length > 0 ? found.email : null;
      } catch (error) {
        throw translateError(error);
      }
    },
  };
}
