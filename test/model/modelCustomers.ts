import type { ScriptedDecline } from '../../devservices/stripe-sandbox/sandboxState';
import type { StripeSandbox } from '../../devservices/stripe-sandbox/stripeSandbox';
import type { RecoveryCase } from '../../backend/src/recovery';
import type { CustomerSpec } from './modelHistory';
import type { CardSeen } from './modelRunner';

/**
 * The model's customers at the sandbox: a card that declines as the spec
 * says, and a subscription (renewals) or none (one-time orders); and the
 * card-update page as a browser goes through it.
 */

const ACCOUNT = 'platform';

export interface CustomerState {
  spec: CustomerSpec;
  customerId: string;
  subscriptionId: string | null;
  paymentMethodId: string;
  fingerprint: string;
  email: string;
  /** The renewal invoices (subscription) or failed checkouts' payment intents (order), oldest first. */
  targets: string[];
}

export function declineOf(spec: CustomerSpec): ScriptedDecline {
  return { code: 'card_declined', decline_code: spec.declineCode, ...(spec.networkAdvice && spec.brand === 'mastercard' ? { network_advice_code: spec.networkAdvice } : {}) };
}

export function behaviourOf(spec: CustomerSpec, works: boolean) {
  return works ? { declines: [], then: 'succeed' as const } : { declines: [declineOf(spec)], then: 'repeat_last' as const };
}

export function addCustomer(sandbox: StripeSandbox, cards: Map<string, CardSeen>, spec: CustomerSpec, index: number): CustomerState {
  const email = `model-customer-${index}@example.com`;
  const customer = sandbox.billing.createCustomer(ACCOUNT, { email, name: 'Alice Martin', address: { country: spec.country } });
  const decline = declineOf(spec);
  const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: spec.brand, behaviour: { declines: [decline], then: spec.keepsDeclining ? 'repeat_last' : 'succeed' } });
  cards.set(pm.id as string, { brand: spec.brand, decline, initiatedBy: 'merchant' });
  sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
  sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
  const subscription = spec.pays === 'subscription' ? sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: 4900, currency: 'usd' }) : null;
  const fingerprint = (pm.card as { fingerprint: string }).fingerprint;
  return { spec, customerId: customer.id as string, subscriptionId: (subscription?.id as string | undefined) ?? null, paymentMethodId: pm.id as string, fingerprint, email, targets: [] };
}

/**
 * The card-update page as a browser goes through it: our page's form, Stripe's
 * Billing Portal saving a working card (default, SetupIntent off_session),
 * back to /update/done. `settle` runs while the portal's webhooks are handled,
 * before the customer lands back on our page. False when our page could not
 * open the portal (Stripe failing: the page says so, nothing is saved).
 */
export async function saveCardOnCardUpdatePage(
  sandbox: StripeSandbox,
  cards: Map<string, CardSeen>,
  customer: CustomerState,
  link: { url: string },
  settle: () => Promise<void>,
): Promise<boolean> {
  const page = new URL(link.url);
  // Posted from our own page, as a browser would say (POST /update checks Origin).
  const form = (fields: Record<string, string>) => ({ method: 'POST', redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: page.origin }, body: new URLSearchParams(fields).toString() });
  const started = await fetch(new URL('/update', page), form({ token: page.searchParams.get('token') ?? '' }));
  await started.arrayBuffer();
  const portal = started.status === 303 ? started.headers.get('location') : null;
  if (!portal) return false;
  const saved = await fetch(portal, form({ card: customer.spec.brand }));
  await saved.arrayBuffer();
  const settings = sandbox.billing.customer(ACCOUNT, customer.customerId).invoice_settings as { default_payment_method: string };
  const pm = sandbox.billing.paymentMethod(ACCOUNT, settings.default_payment_method);
  cards.set(pm.id as string, { brand: (pm.card as { brand: string }).brand, decline: null, initiatedBy: 'merchant' });
  customer.paymentMethodId = pm.id as string;
  customer.fingerprint = (pm.card as { fingerprint: string }).fingerprint;
  await settle();
  const back = saved.headers.get('location');
  if (back) await (await fetch(back)).arrayBuffer();
  return true;
}

/** Is the case one the customer can still act on (a card-update link is offered)? */
export const isOpen = (found: RecoveryCase | null): found is RecoveryCase => found !== null && found.status === 'active';
