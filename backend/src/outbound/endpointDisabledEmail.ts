import type { Logger } from 'pino';
import type { AccountProfileLookup, AccountStore } from '../accounts';
import type { Mailer, OutgoingEmail } from '../dunning';
import type { Clock } from '../clock';
import type { WebhookEndpoint } from './webhookEndpoint';

/**
 * The one email a merchant gets when we give up on an endpoint: it goes to
 * the Stripe account's own email (a merchant address, so test mode sends it
 * too), from the operator's Postmark sender.
 * Example: "Your webhook endpoint https://hooks.example.com/recovery was disabled".
 */
export function endpointDisabledEmail(endpoint: WebhookEndpoint, reason: string, from: string, to: string): OutgoingEmail {
  const mode = endpoint.livemode ? 'live' : 'test';
  const text = [
    `We stopped sending recovery events to your webhook endpoint ${endpoint.url} (${endpoint.id}, ${mode} mode): ${reason}.`,
    '',
    'Events that could not be delivered are kept in the endpoint’s delivery log. Fix the endpoint, enable it again in the App’s settings (or POST /api/webhook-endpoints/:id with status "enabled"), then resend the events you need.',
  ].join('\n');
  const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    from,
    to,
    subject: `Your webhook endpoint ${endpoint.url} was disabled`,
    textBody: text,
    htmlBody: text.split('\n').map((line) => `<p>${escape(line)}</p>`).join(''),
    tag: 'webhook-endpoint-disabled',
    metadata: { accountId: endpoint.accountId, endpointId: endpoint.id, kind: 'webhook_endpoint_disabled' },
  };
}

/** Sends that email when the operator has a mailer and the account's email is known; otherwise the App's endpoint view is the notice. */
export function createDisabledEndpointNotice(deps: { mailer: Mailer | null; from: string; accountEmailOf: (accountId: string, livemode: boolean) => Promise<string | null>; logger: Logger }) {
  return async (endpoint: WebhookEndpoint, reason: string): Promise<void> => {
    const to = await deps.accountEmailOf(endpoint.accountId, endpoint.livemode);
    if (!deps.mailer || !to) {
      deps.logger.warn({ accountId: endpoint.accountId, endpointId: endpoint.id }, 'webhook endpoint disabled; no mailer or account email to tell the merchant');
      return;
    }
    const result = await deps.mailer.send(endpointDisabledEmail(endpoint, reason, deps.from, to));
    if (result.kind !== 'sent') deps.logger.warn({ endpointId: endpoint.id, result: result.kind }, 'the disabled-endpoint email was refused');
  };
}

/**
 * The merchant's address: the Stripe account's own email as the accounts
 * module cached it, else read from Stripe with the key of the account's mode
 * (and cached). A live-mode merchant may never have had it read by dunning.
 */
export function createMerchantEmailLookup(deps: { accounts: AccountStore; accountProfilesFor: (livemode: boolean) => AccountProfileLookup | null; selfHostedAccountId: string; clock: Clock }) {
  return async (accountId: string, livemode: boolean): Promise<string | null> => {
    const account = await deps.accounts.find(accountId, livemode);
    const cached = account?.stripeAccountEmail?.email;
    const profiles = deps.accountProfilesFor(livemode);
    if (cached || !profiles) return cached ?? null;
    const isAppInstall = account ? account.source === 'app' : accountId !== deps.selfHostedAccountId;
    const email = await profiles.fetchAccountEmail({ accountId, isAppInstall });
    if (account) await deps.accounts.noteStripeAccountEmail(accountId, livemode, email, deps.clock.now());
    return email;
  };
}
