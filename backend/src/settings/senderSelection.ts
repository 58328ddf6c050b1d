import { secretBinding, type Account, type AccountStore, type SecretBox } from '../accounts';
import type { SenderChoice, SenderOutcomeNote } from '../dunning';
import { senderChoiceOf, type OperatorSender } from './senderSettings';

export interface SenderSelection {
  /** Who the account's emails come from, and whether its own Postmark server sends them (dunning/senderIdentity). */
  senderFor(account: Account | null): SenderChoice;
  /** The merchant's own server token, opened only where an email is sent, and only when the sender rule sends through it. */
  merchantServerToken(account: Account | null): string | null;
  /** Keeps Postmark's refusal of the account's From for the settings view; a later accepted email clears it. */
  noteSender: SenderOutcomeNote;
}

export function createSenderSelection(deps: { accounts: AccountStore; secrets: SecretBox; operator: OperatorSender }): SenderSelection {
  const senderFor = (account: Account | null) => senderChoiceOf(account, deps.operator);
  return {
    senderFor,
    merchantServerToken(account) {
      const sealed = account?.settings?.postmarkServerTokenSealed;
      return account && sealed && senderFor(account).usesOwnServer ? deps.secrets.open(sealed, secretBinding(account.accountId, account.livemode)) : null;
    },
    async noteSender(account, from, refusal, at) {
      if (!account) return;
      // An accepted email writes only when there is a refusal to clear: sends stay one write as before.
      if (refusal === null && !account.settings?.senderRefusal) return;
      await deps.accounts.updateSettings(account.accountId, account.livemode, { senderRefusal: refusal === null ? undefined : { from, message: refusal, at } });
    },
  };
}
