import type { AccountRef } from '../recovery';

/** What Stripe knows about the merchant's own account, in our words. */
export interface AccountProfileLookup {
  /**
   * The account's own email, which Stripe verified (GET /v1/account, with
   * Stripe-Account for an App install); null when Stripe has none.
   */
  fetchAccountEmail(account: AccountRef): Promise<string | null>;
}
