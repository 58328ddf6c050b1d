import type { Logger } from 'pino';
import { brandingOf, type Account, type AccountStore } from '../accounts';
import type { Clock } from '../clock';
import { describeDeclineForCustomer } from '../dunning';
import { UpstreamError } from '../errors';
import { chooseLocale, formatMoney, merchantLanguageOf, type Locale } from '../i18n';
import {
  type AccountRef,
  type BillingGateway,
  requestRetryAfterCardUpdate,
  type CardDetails,
  type CardUpdateVerdict,
  type CaseStore,
  type RecoveryCase,
  type RecoveryService,
} from '../recovery';
import type { CardUpdatePage } from './cardUpdatePages';
import { cardUpdateUrl, issueLinkToken, verifyAnyLinkToken, verifyLinkToken, type CardUpdateClaims, type RenewalLinkClaims } from './linkToken';
import type { RenewalCardUpdate } from './renewalCardUpdate';

export type CardUpdateOutcome = { kind: 'page'; page: CardUpdatePage } | { kind: 'redirect'; url: string };

export interface CardUpdateService {
  /** GET /update: what the customer sees for this link. */
  show(token: string): Promise<CardUpdatePage>;
  /** POST /update: a Billing Portal session for the case's customer, or a page when there is nothing to do. */
  start(token: string): Promise<CardUpdateOutcome>;
  /** GET /update/done: back from the portal; the case is retried now only when the customer's card is one it has not tried. */
  finish(token: string): Promise<CardUpdatePage>;
  /** A fresh card-update link for the case's customer, for the merchant to pass on; null when the case has no customer. */
  linkFor(found: RecoveryCase): Promise<{ url: string; expiresAt: Date } | null>;
}

export function createCardUpdateService(deps: {
  linkKey: Uint8Array;
  publicUrl: string;
  accounts: AccountStore;
  cases: CaseStore;
  recovery: RecoveryService;
  /** The gateway of a case's own mode; null when that mode has no key. */
  billingFor: (livemode: boolean) => BillingGateway | null;
  clock: Clock;
  logger: Logger;
  linkValidityDays: number;
  /** The flow of pre-dunning links (bound to a customer's renewal, no case); absent: those links show as invalid. */
  renewalFlow?: RenewalCardUpdate;
}): CardUpdateService {
  const { accounts, cases, recovery, clock, logger } = deps;

  /** A renewal link's claims, or the page for an expired one; null for a case link (or an invalid token), which the case flow handles. */
  async function renewalLinkOf(token: string): Promise<{ claims: RenewalLinkClaims } | { page: CardUpdatePage } | null> {
    if (!deps.renewalFlow) return null;
    const check = await verifyAnyLinkToken(token, deps.linkKey, clock.now());
    if (check.ok && check.link === 'renewal') return { claims: check.claims };
    if (!check.ok && check.reason === 'expired') return { page: expiredPage(await accounts.find(check.accountId, check.livemode)) };
    return null;
  }

  /** An expired link names no case we may read: the merchant's language. */
  const expiredPage = (account: Account | null): CardUpdatePage => ({ kind: 'expired', branding: brandingOf(account), locale: merchantLanguageOf(account?.settings) });

  /** Resolves a link to its case and merchant (and the customer's language), or to the page that explains why there is none. */
  async function resolve(token: string): Promise<{ claims: CardUpdateClaims; found: RecoveryCase; account: Account | null; locale: Locale; page: CardUpdatePage | null } | { page: CardUpdatePage }> {
    const check = await verifyLinkToken(token, deps.linkKey, clock.now());
    if (!check.ok && check.reason === 'invalid') return { page: { kind: 'invalid' } };
    if (!check.ok) return { page: expiredPage(await accounts.find(check.claims.accountId, check.claims.livemode)) };
    const account = await accounts.find(check.claims.accountId, check.claims.livemode);
    const branding = brandingOf(account);
    const found = await cases.findById(check.claims.accountId, check.claims.livemode, check.claims.caseId);
    // A valid signature for a case that is gone (or another customer's) shows nothing of it.
    if (!found || found.stripeCustomerId !== check.claims.stripeCustomerId) return { page: { kind: 'invalid', locale: merchantLanguageOf(account?.settings) } };
    const locale = chooseLocale(found.customerLocales, merchantLanguageOf(account?.settings));
    if (found.status === 'recovered') return { claims: check.claims, found, account, locale, page: { kind: 'already_paid', branding, locale } };
    if (found.status !== 'active') return { claims: check.claims, found, account, locale, page: { kind: 'nothing_due', branding, locale } };
    return { claims: check.claims, found, account, locale, page: null };
  }

  function pageFor(found: RecoveryCase, branding: ReturnType<typeof brandingOf>, token: string, locale: Locale): CardUpdatePage {
    const due = {
      customerName: found.customerName?.trim().split(/\s+/)[0] || null,
      amount: formatMoney(found.amountMinor, found.currency, locale),
      reason: describeDeclineForCustomer(found.decline, found.needsCustomerAction, locale),
    };
    if (found.needsCustomerAction && found.hostedInvoiceUrl) return { kind: 'confirm_payment', branding, due, invoiceUrl: found.hostedInvoiceUrl, locale };
    return { kind: 'update_card', branding, due, token, locale };
  }

  /** The customer's default card as Stripe has it now; null when Stripe cannot say (its webhooks will). */
  async function currentDefaultCard(billing: BillingGateway, ref: AccountRef, stripeCustomerId: string): Promise<CardDetails | null> {
    try {
      const paymentMethodId = (await billing.fetchCustomer(ref, stripeCustomerId))?.defaultPaymentMethodId ?? null;
      return paymentMethodId ? ((await billing.fetchCard(ref, paymentMethodId)) ?? null) : null;
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      return null;
    }
  }

  return {
    async linkFor(found) {
      if (!found.stripeCustomerId) return null;
      const now = clock.now();
      const claims = { accountId: found.accountId, livemode: found.livemode, stripeCustomerId: found.stripeCustomerId, caseId: found.id };
      const token = await issueLinkToken(claims, deps.linkKey, now, deps.linkValidityDays);
      return { url: cardUpdateUrl(deps.publicUrl, token), expiresAt: new Date(now.getTime() + deps.linkValidityDays * 24 * 60 * 60 * 1000) };
    },

    async show(token) {
      const renewalLink = await renewalLinkOf(token);
      if (renewalLink) return 'page' in renewalLink ? renewalLink.page : deps.renewalFlow!.show(renewalLink.claims, token);
      const resolved = await resolve(token);
      if (!('found' in resolved) || resolved.page) return resolved.page!;
      return pageFor(resolved.found, brandingOf(resolved.account), token, resolved.locale);
    },

    async start(token) {
      const renewalLink = await renewalLinkOf(token);
      if (renewalLink) return 'page' in renewalLink ? { kind: 'page', page: renewalLink.page } : deps.renewalFlow!.start(renewalLink.claims, token);
      const resolved = await resolve(token);
      if (!('found' in resolved) || resolved.page) return { kind: 'page', page: resolved.page! };
      const { account, locale } = resolved;
      const branding = brandingOf(account);
      const billing = deps.billingFor(resolved.found.livemode);
      if (!billing || !resolved.found.stripeCustomerId) return { kind: 'page', page: { kind: 'temporarily_unavailable', branding, locale } };
      try {
        const returnUrl = new URL(`/update/done?token=${encodeURIComponent(token)}`, deps.publicUrl).toString();
        const url = await billing.createCardUpdateSession(
          { accountId: resolved.claims.accountId, isAppInstall: account?.source === 'app' },
          resolved.found.stripeCustomerId,
          returnUrl,
        );
        // Only ever redirect to the web address Stripe gave us.
        if (!/^https?:\/\//.test(url)) throw new UpstreamError('stripe', 'the portal session has no web address', false);
        logger.info({ accountId: resolved.claims.accountId, caseId: resolved.found.id, outcome: 'portal_session_created' }, 'card update started');
        return { kind: 'redirect', url };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        logger.warn({ accountId: resolved.claims.accountId, caseId: resolved.found.id, err: error.message }, 'card update could not start');
        return { kind: 'page', page: { kind: 'temporarily_unavailable', branding, locale } };
      }
    },

    async finish(token) {
      const renewalLink = await renewalLinkOf(token);
      if (renewalLink) return 'page' in renewalLink ? renewalLink.page : deps.renewalFlow!.finish(renewalLink.claims, token);
      const resolved = await resolve(token);
      if (!('found' in resolved) || resolved.page) return resolved.page!;
      const { claims, found, account, locale } = resolved;
      const branding = brandingOf(account);
      const billing = deps.billingFor(found.livemode);
      const card = billing && found.stripeCustomerId ? await currentDefaultCard(billing, { accountId: claims.accountId, isAppInstall: account?.source === 'app' }, found.stripeCustomerId) : null;
      let verdict = 'unknown' as CardUpdateVerdict;
      await recovery.mutate(claims.accountId, found, (fresh) => {
        const decision = requestRetryAfterCardUpdate(fresh, card, clock.now());
        verdict = decision.verdict;
        return decision.case;
      });
      logger.info({ accountId: claims.accountId, caseId: found.id, outcome: `card_update_${verdict}` }, 'customer back from card update');
      if (verdict === 'already_tried') return { kind: 'card_unchanged', branding, token, locale };
      return { kind: 'card_updated', branding, retryingNow: verdict === 'new_card', locale };
    },
  };
}
