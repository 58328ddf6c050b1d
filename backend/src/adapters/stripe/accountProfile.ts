import type Stripe from 'stripe';
import type { AccountProfileLookup } from '../../accounts';
import { translateError } from './stripeTranslation';

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
