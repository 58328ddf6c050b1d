import { isUntriedCard } from '../cardLedger';
import { timeZoneForPlace, type RetryPolicy } from '../retryPolicy';
import type { CaseFact } from './billingFacts';
import type { AccountRef, BillingGateway, InvoiceSnapshot } from './billingGateway';
import { subscriptionStop } from './chargeChecks';
import { decideCaseFact } from './caseTransitions';
import { triedCardsOf } from './newCardTransitions';
import type { CardDetails, RecoveryCase } from './recoveryCase';

/**
 * What a retry step reads at Stripe before it decides: the invoice and the
 * customer's country, the card a new-card request names, the subscription
 * (with the invoice, else right before a charge), and the merchant's end action. Stripe's state wins
 * over what webhooks said.
 */

type Save = (change: (fresh: RecoveryCase) => RecoveryCase | null) => Promise<RecoveryCase>;

/** The case after a refresh, and its subscription when the invoice read brought it (for subscriptionStopNow). */
export interface Refreshed {
  current: RecoveryCase;
  subscription: InvoiceSnapshot['subscription'];
}

/** A paid, voided or written-off invoice closes the case; otherwise Stripe's counts, the customer's country, the zone derived from their address and their preferred languages are noted. */
export async function refreshFromStripe(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, save: Save, now: Date, merchantTimeZone = 'UTC'): Promise<Refreshed> {
  const invoice = current.target.kind === 'invoice' ? await gateway.fetchInvoice(account, current.target.invoiceId) : null;
  return { current: await noteInvoice(current, invoice, account, gateway, save, now, merchantTimeZone), subscription: invoice?.subscription ?? null };
}

async function noteInvoice(current: RecoveryCase, invoice: InvoiceSnapshot | null, account: AccountRef, gateway: BillingGateway, save: Save, now: Date, merchantTimeZone: string): Promise<RecoveryCase> {
  if (invoice && current.target.kind === 'invoice' && invoice.status !== 'open' && invoice.status !== 'draft') {
    const base = { eventId: `refresh:${current.id}:${now.getTime()}`, occurredAt: now, target: current.target };
    const fact: CaseFact =
      invoice.status === 'paid'
        ? { ...base, kind: 'payment_succeeded', paidOutOfBand: false, stripeAttemptCount: invoice.attemptCount }
        : { ...base, kind: invoice.status === 'void' ? 'invoice_voided' : 'marked_uncollectible' };
    return save((fresh) => {
      const decision = decideCaseFact(fresh, fact, { accountId: fresh.accountId, livemode: fresh.livemode }, false);
      return decision.kind === 'update' ? decision.case : null;
    });
  }
  // The zone was never stored before the address was read: read it until Stripe has one.
  const customer = !current.customerTimeZone && current.stripeCustomerId ? await gateway.fetchCustomer(account, current.stripeCustomerId) : null;
  const country = customer?.country ?? null;
  const locales = customer?.preferredLocales ?? [];
  if (!invoice && !country && locales.length === 0) return current;
  // One write for whatever Stripe told us.
  return save((fresh) => ({
    ...fresh,
    ...(invoice
      ? {
          nextStripeRetryAt: invoice.nextPaymentAttemptAt,
          stripeAttemptCount: Math.max(fresh.stripeAttemptCount, invoice.attemptCount),
          amountMinor: invoice.amountRemainingMinor > 0 ? invoice.amountRemainingMinor : fresh.amountMinor,
        }
      : {}),
    // The customer's place moves their daytime: the zone used from now on is stored, and the email job plans again from now
    // (the retry is planned again by the step that reads this).
    ...(country && customer
      ? { customerCountry: country, customerTimeZone: timeZoneForPlace(customer, merchantTimeZone), ...(fresh.status === 'active' ? { nextEmailAt: now } : {}) }
      : {}),
    // The language of emails and pages travels with the place (issue 16).
    ...(locales.length > 0 ? { customerLocales: locales.slice(0, 10) } : {}),
  }));
}

/**
 * The card a step would charge. A new-card request is checked on the card
 * itself (read at Stripe, fingerprint first): only an untried card is `newCard`;
 * a card the case already tried, or one Stripe no longer has, is set aside.
 */
export async function cardToCharge(
  current: RecoveryCase,
  account: AccountRef,
  gateway: BillingGateway,
): Promise<{ newCard: CardDetails | null; setAside: { card: CardDetails; why: string } | null }> {
  if (!current.newPaymentMethodId) return { newCard: null, setAside: null };
  const card = await gateway.fetchCard(account, current.newPaymentMethodId);
  if (!card) return { newCard: null, setAside: { card: { paymentMethodId: current.newPaymentMethodId }, why: 'is no longer saved at Stripe' } };
  if (!isUntriedCard(card, triedCardsOf(current))) return { newCard: null, setAside: { card, why: 'is the card we already tried' } };
  return { newCard: card, setAside: null };
}

/**
 * Why the subscription forbids charging now (canceled, expired, not collecting); null when it may be charged.
 * `read`: the subscription as this step's invoice read brought it, moments ago; else it is read now.
 */
export async function subscriptionStopNow(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, read: Refreshed['subscription'] = null) {
  if (!current.subscriptionId) return null;
  const subscription = read?.id === current.subscriptionId ? read : await gateway.fetchSubscription(account, current.subscriptionId);
  // Unknown to Stripe (another account's id, a test fixture): the invoice itself decides, as Stripe will refuse to pay it.
  return subscription ? subscriptionStop(subscription) : null;
}

/** Runs the merchant's end action before the case is marked exhausted, so a failure retries it later. */
export async function runEndAction(current: RecoveryCase, account: AccountRef, gateway: BillingGateway, policy: RetryPolicy): Promise<string | null> {
  const key = `recovery-${current.id}-end-${policy.endAction}`;
  if (policy.endAction === 'cancel_subscription' && current.subscriptionId) {
    await gateway.cancelSubscription(account, current.subscriptionId, key);
    return 'Subscription canceled (merchant setting).';
  }
  if (policy.endAction === 'mark_uncollectible' && current.target.kind === 'invoice') {
    await gateway.markUncollectible(account, current.target.invoiceId, key);
    return 'Invoice marked uncollectible (merchant setting).';
  }
  return null;
}
