import type { Logger } from 'pino';
import { brandingOf, type Account, type AccountStore } from '../accounts';
import type { Clock } from '../clock';
import { UpstreamError } from '../errors';
import type { AccountRef, BillingGateway } from '../recovery';
import { cardExpiresBefore, type Renewal, type RenewalCard } from '../renewals/renewal';
import type { RenewalStore } from '../renewals/renewalStore';
import { chooseLocale, formatFullDate, formatMoney, merchantLanguageOf, translate, type Locale } from '../i18n';
import { customerTimeZoneFor } from '../retryPolicy';
import type { CardUpdateOutcome } from './cardUpdateService';
import type { CardUpdatePage } from './cardUpdatePages';
import type { RenewalLinkClaims } from './linkToken';

/** The card behind a payment method, with its expiry; null when Stripe has none. */
export type PaymentCardReader = (account: AccountRef, paymentMethodId: string) => Promise<RenewalCard | null>;

export interface RenewalCardUpdate {
  show(claims: RenewalLinkClaims, token: string): Promise<CardUpdatePage>;
  start(claims: RenewalLinkClaims, token: string): Promise<CardUpdateOutcome>;
  finish(claims: RenewalLinkClaims, token: string): Promise<CardUpdatePage>;
}

const SUBSCRIPTION_RENEWS = new Set(['active', 'trialing']);

/**
 * The card-update flow of a pre-dunning link: the page says the card on file
 * expires before the renewal and hands the customer to the same Billing
 * Portal session. Back from it with a different card that outlives the
 * renewal, that card becomes the one Stripe charges next (nothing is charged
 * now) and the reminders stop; the same card, or another that also expires
 * first, asks for a different one. A reload after success shows the thank-you again.
 */
export function createRenewalCardUpdate(deps: {
  accounts: AccountStore;
  renewals: Pick<RenewalStore, 'get' | 'stopReminders' | 'setCard'>;
  billingFor: (livemode: boolean) => BillingGateway | null;
  paymentCardFor: (livemode: boolean) => PaymentCardReader | null;
  publicUrl: string;
  /** The fallback zone for the renewal date when the customer's country is unknown. */
  merchantTimeZoneFor: (account: Account | null) => string;
  clock: Clock;
  logger: Logger;
}): RenewalCardUpdate {
  const { accounts, renewals, clock, logger } = deps;
  const refOf = (claims: RenewalLinkClaims, account: Account | null): AccountRef => ({ accountId: claims.accountId, isAppInstall: account?.source === 'app' });

  async function resolve(claims: RenewalLinkClaims): Promise<{ renewal: Renewal; account: Account | null; locale: Locale; page: CardUpdatePage | null } | { page: CardUpdatePage }> {
    const account = await accounts.find(claims.accountId, claims.livemode);
    const branding = brandingOf(account);
    const renewal = await renewals.get({ accountId: claims.accountId, livemode: claims.livemode }, claims.subscriptionId);
    // A valid signature for a subscription we do not know (or another customer's) shows nothing of it.
    if (!renewal || renewal.customerId !== claims.customerId) return { page: { kind: 'invalid', locale: merchantLanguageOf(account?.settings) } };
    const locale = chooseLocale(renewal.customerLocales, merchantLanguageOf(account?.settings));
    if (renewal.preDunning.stoppedBecause === 'card_updated_by_customer') return { renewal, account, locale, page: { kind: 'renewal_card_updated', branding, confirmed: true, locale } };
    const now = clock.now();
    const stillExpiring = renewal.card && renewal.renewsAt && renewal.renewsAt > now && cardExpiresBefore(renewal.card, renewal.renewsAt);
    if (renewal.preDunning.stoppedBecause || !SUBSCRIPTION_RENEWS.has(renewal.status) || renewal.cancelAtPeriodEnd || !stillExpiring) return { renewal, account, locale, page: { kind: 'renewal_nothing_due', branding, locale } };
    return { renewal, account, locale, page: null };
  }

  async function currentDefaultCard(billing: BillingGateway, ref: AccountRef, livemode: boolean, customerId: string): Promise<RenewalCard | null> {
    const reader = deps.paymentCardFor(livemode);
    if (!reader) return null;
    try {
      const paymentMethodId = (await billing.fetchCustomer(ref, customerId))?.defaultPaymentMethodId ?? null;
      return paymentMethodId ? await reader(ref, paymentMethodId) : null;
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      return null;
    }
  }

  return {
    async show(claims, token) {
      const resolved = await resolve(claims);
      if (!('renewal' in resolved) || resolved.page) return resolved.page!;
      const { renewal, account, locale } = resolved;
      const card = renewal.card!;
      const zone = customerTimeZoneFor({ customerTimeZone: null, customerCountry: renewal.customerCountry }, deps.merchantTimeZoneFor(account));
      return {
        kind: 'renewal_update_card',
        branding: brandingOf(account),
        token,
        locale,
        renewal: {
          customerName: renewal.customerName?.trim().split(/\s+/)[0] || null,
          card: translate(locale, 'card.ending', { brand: brandName(card.brand, locale), last4: card.last4 ?? '····' }),
          cardExpiry: cardExpiryText(card),
          renewalDate: formatFullDate(renewal.renewsAt!, zone, locale),
          amount: formatMoney(renewal.amountMinor, renewal.currency, locale),
        },
      };
    },

    async start(claims, token) {
      const resolved = await resolve(claims);
      if (!('renewal' in resolved) || resolved.page) return { kind: 'page', page: resolved.page! };
      const branding = brandingOf(resolved.account);
      const { locale } = resolved;
      const billing = deps.billingFor(claims.livemode);
      if (!billing) return { kind: 'page', page: { kind: 'temporarily_unavailable', branding, locale } };
      try {
        const returnUrl = new URL(`/update/done?token=${encodeURIComponent(token)}`, deps.publicUrl).toString();
        const url = await billing.createCardUpdateSession(refOf(claims, resolved.account), claims.customerId, returnUrl);
        if (!/^https?:\/\//.test(url)) throw new UpstreamError('stripe', 'the portal session has no web address', false);
        logger.info({ accountId: claims.accountId, subscriptionId: claims.subscriptionId, outcome: 'portal_session_created' }, 'renewal card update started');
        return { kind: 'redirect', url };
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        logger.warn({ accountId: claims.accountId, subscriptionId: claims.subscriptionId, err: error.message }, 'renewal card update could not start');
        return { kind: 'page', page: { kind: 'temporarily_unavailable', branding, locale } };
      }
    },

    async finish(claims, token) {
      const resolved = await resolve(claims);
      if (!('renewal' in resolved) || resolved.page) return resolved.page!;
      const { renewal, account, locale } = resolved;
      const branding = brandingOf(account);
      const billing = deps.billingFor(claims.livemode);
      const ref = refOf(claims, account);
      const card = billing ? await currentDefaultCard(billing, ref, claims.livemode, claims.customerId) : null;
      if (!billing || !card) return { kind: 'renewal_card_updated', branding, confirmed: false, locale };
      const old = renewal.card!;
      const sameCard = card.paymentMethodId === old.paymentMethodId || (card.fingerprint !== null && card.fingerprint === old.fingerprint);
      if (sameCard || cardExpiresBefore(card, renewal.renewsAt!)) {
        logger.info({ accountId: claims.accountId, subscriptionId: claims.subscriptionId, outcome: sameCard ? 'same_card' : 'new_card_expires_first' }, 'customer back from renewal card update');
        return { kind: 'renewal_card_unchanged', branding, token, sameCard, locale };
      }
      const now = clock.now();
      // The card Stripe charges next, for the subscription too when it has its own default: no charge, nothing retried.
      const targets = await billing.useForFuturePayments(ref, { customerId: claims.customerId, subscriptionId: claims.subscriptionId, paymentMethodId: card.paymentMethodId, idempotencyKey: `renewal-card-${renewal.id}-${card.paymentMethodId}` });
      const tenancy = { accountId: claims.accountId, livemode: claims.livemode };
      await renewals.setCard(tenancy, claims.subscriptionId, card, targets.includes('subscription') ? 'subscription' : 'customer', now);
      await renewals.stopReminders(renewal.id, 'card_updated_by_customer', now);
      logger.info({ accountId: claims.accountId, subscriptionId: claims.subscriptionId, outcome: 'card_updated_by_customer' }, 'customer back from renewal card update');
      return { kind: 'renewal_card_updated', branding, confirmed: true, locale };
    },
  };
}

const BRAND_NAMES: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires' };

/** "Visa", "American Express"; "Card" (in the customer's language) when Stripe gave no brand. */
export function brandName(brand: string | null, locale: Locale = 'en'): string {
  if (!brand) return translate(locale, 'card.genericBrand');
  return BRAND_NAMES[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/** "03/2027" */
export function cardExpiryText(card: Pick<RenewalCard, 'expMonth' | 'expYear'>): string {
  return `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
}
