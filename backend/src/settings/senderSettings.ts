import type { Account } from '../accounts';
import { chooseSender, describeSenderReason, NO_SENDER_SETTINGS, type SenderChoice, type SenderReason, type SenderSettings } from '../dunning';

/** The operator's side of the sender rule: EMAIL_FROM and POSTMARK_VERIFIED_DOMAINS. */
export interface OperatorSender {
  from: string;
  verifiedDomains: readonly string[];
}

/** What the merchant chose, null where they chose nothing. */
export function senderSettingsOf(account: Account | null): SenderSettings {
  return { ...NO_SENDER_SETTINGS, ...((account?.settings?.sender as Partial<SenderSettings> | undefined) ?? {}) };
}

/** Who the account's emails come from now, and through whose Postmark server. */
export function senderChoiceOf(account: Account | null, operator: OperatorSender): SenderChoice {
  return chooseSender({
    sender: senderSettingsOf(account),
    merchantName: account?.branding?.merchantName ?? null,
    supportEmail: account?.branding?.supportEmail ?? null,
    hasOwnServer: Boolean(account?.settings?.postmarkServerTokenSealed),
    operatorFrom: operator.from,
    verifiedDomains: operator.verifiedDomains,
  });
}

/** The sender part of GET /api/settings: the choices, and which sender applies and why. */
export interface SenderView extends SenderSettings {
  effectiveFrom: string;
  effectiveReplyTo: string | null;
  usesOwnServer: boolean;
  reason: SenderReason;
  explanation: string;
  /** Postmark's last refusal of this very From (a changed sender starts afresh), with its words and when. */
  lastRefusal: { message: string; at: Date } | null;
}

export function senderViewOf(account: Account | null, operator: OperatorSender): SenderView {
  const choice = senderChoiceOf(account, operator);
  const refusal = account?.settings?.senderRefusal;
  return {
    ...senderSettingsOf(account),
    effectiveFrom: choice.from,
    effectiveReplyTo: choice.replyTo,
    usesOwnServer: choice.usesOwnServer,
    reason: choice.reason,
    explanation: describeSenderReason(choice.reason),
    lastRefusal: refusal && refusal.from === choice.from ? { message: refusal.message, at: refusal.at } : null,
  };
}

/** The merchant's own Postmark server as settings show it: never the token, only whether there is one. */
export interface PostmarkView {
  configured: boolean;
  serverName: string | null;
  /** Where their server's webhooks go, with the user name; the password was shown once. */
  webhook: { url: string; username: string; createdAt: Date } | null;
}

/** Example: postmarkWebhookUrl('https://recovery.example.com', 'acct_1', true) → …/api/webhooks/postmark/accounts/acct_1/live */
export function postmarkWebhookUrl(publicUrl: string, accountId: string, livemode: boolean): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/webhooks/postmark/accounts/${encodeURIComponent(accountId)}/${livemode ? 'live' : 'test'}`;
}

export function postmarkViewOf(account: Account | null, publicUrl: string): PostmarkView {
  const settings = account?.settings;
  const credentials = settings?.postmarkWebhook;
  return {
    configured: Boolean(settings?.postmarkServerTokenSealed),
    serverName: settings?.postmarkServerTokenSealed ? (settings.postmarkServer?.name ?? null) : null,
    webhook: account && credentials ? { url: postmarkWebhookUrl(publicUrl, account.accountId, account.livemode), username: credentials.username, createdAt: credentials.createdAt } : null,
  };
}
