import type { SimulatedCase } from '../bench/recovery/population';
import type { CardFacts } from '../devservices/stripe-sandbox/sandboxBilling';
import type { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { ACCOUNT, DAY, type CaughtEmail, type DemoCustomer } from './demoCustomers';

/**
 * Issue 14 in the demo: subscribers whose renewal comes due while the demo
 * runs. Half renew on a card that expires first (the backend's pre-dunning
 * reminds them; some update their card through the reminder's link, the rest
 * let it decline), some have that card renewed by the networks' account
 * updater, the rest on a card that outlives the renewal.
 */

type Sandbox = Awaited<ReturnType<typeof startStripeSandbox>>;

export type CardOutlook = 'expires_first' | 'renewed_by_account_updater' | 'outlives_renewal';

export interface RenewalSubscriber {
  /** What the subscriber does with our reminders (the demo's customers act on emails the same way). */
  customer: DemoCustomer;
  subscriptionId: string;
  /** The card on file when the demo starts. */
  paymentMethodId: string;
  outlook: CardOutlook;
  renewsAt: Date;
  /** The invoice the sandbox cut when the subscription renewed; null until then. */
  renewalInvoiceId: string | null;
}

/** What really happened to the renewals whose card was expiring: reminded, then replaced and paid, or not. */
export interface PreDunningOutcome {
  /** Renewals whose customer got at least one pre-dunning reminder before the renewal. */
  reminded: number;
  /** Of those: the card was replaced after a reminder and the renewal's charge on the new card succeeded. */
  prevented: number;
  preventedMinorByCurrency: Record<string, number>;
}

/** Share of the reminded customers who mean to update their card (the rest let it expire). */
const UPDATE_SHARE = 0.6;

/** One renewal subscriber for every ten failing renewals (30 for the default 300), at least six: each adds steps to the demo's clock. */
export function renewalSubscriberCount(customers: number): number {
  return Math.max(6, Math.round(customers / 10));
}

/**
 * Creates the subscribers in the sandbox, numbered after the demo's other
 * customers. Renewals fall between 55 % and 85 % of the demo's days, so the
 * reminders (30, 14 and 3 days before; a renewal first seen late gets its
 * latest missed step at once) and the renewal itself happen inside it; at the
 * demo's starting hour, when its clock stops anyway.
 */
export function createRenewalSubscribers(sandbox: Sandbox, profiles: SimulatedCase[], options: { firstNumber: number; start: Date; days: number; random: () => number }): RenewalSubscriber[] {
  const { random, start, days } = options;
  const expiring = Math.ceil(profiles.length / 2);
  const updated = Math.max(1, Math.round(profiles.length / 5));
  return profiles.map((profile, index) => {
    const outlook: CardOutlook = index < expiring ? 'expires_first' : index < expiring + updated ? 'renewed_by_account_updater' : 'outlives_renewal';
    const number = options.firstNumber + index;
    const email = `customer${number}@example.com`;
    const { country, region, postalCode } = profile.place;
    const renewsAt = new Date(start.getTime() + Math.round((0.55 + random() * 0.3) * days) * DAY);
    const customer = sandbox.billing.createCustomer(ACCOUNT, { email, name: `Customer ${number}`, address: { country, state: region, postal_code: postalCode } });
    const card: CardFacts = { ...(outlook === 'outlives_renewal' ? {} : monthBefore(renewsAt)), funding: fundingOf(random()), country };
    const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: profile.brand, last4: String(1000 + number).slice(-4), behaviour: { declines: [], then: 'succeed' }, ...card });
    sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
    sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
    const subscription = sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: profile.amountMinor, currency: profile.currency, currentPeriodEnd: Math.floor(renewsAt.getTime() / 1000) });
    // The issuer's new expiry reaches the card before the first reminder would go.
    if (outlook === 'renewed_by_account_updater') sandbox.billing.updateCardByNetwork(ACCOUNT, pm.id as string, { expMonth: card.expMonth!, expYear: card.expYear! + 4 });
    const updatesAfterEmail = outlook === 'expires_first' && random() < UPDATE_SHARE ? (random() < 0.6 ? 1 : 2) : null;
    return {
      customer: { customerId: customer.id as string, email, declineCode: 'expired_card', actsOn: 'pre-dunning', updatesAfterEmail, updateDueAt: null, updated: false },
      subscriptionId: subscription.id as string,
      paymentMethodId: pm.id as string,
      outlook,
      renewsAt,
      renewalInvoiceId: null,
    };
  });
}

/** The sandbox renews each subscription whose billing date has come (as POST /_sandbox/subscriptions/:id/renew does): its first charge may decline. */
export function renewDue(sandbox: Sandbox, subscribers: RenewalSubscriber[], now: Date): void {
  for (const subscriber of subscribers) {
    if (subscriber.renewalInvoiceId || subscriber.renewsAt > now) continue;
    subscriber.renewalInvoiceId = sandbox.billing.renew(ACCOUNT, subscriber.subscriptionId, { nextAttemptInHours: null }).id as string;
  }
}

/** Billing dates still to come: moments the demo's clock must stop at. */
export function renewalsToCome(subscribers: RenewalSubscriber[]): Date[] {
  return subscribers.filter((subscriber) => !subscriber.renewalInvoiceId).map((subscriber) => subscriber.renewsAt);
}

/**
 * Failures pre-dunning prevented, read from what happened: the reminders the
 * customers received, and the renewal charge the sandbox recorded (on which
 * card, created when, with what result). Nothing here reads what the
 * generator meant the customers to do.
 */
export function preDunningOutcome(sandbox: Sandbox, subscribers: RenewalSubscriber[], emails: CaughtEmail[]): PreDunningOutcome {
  const outcome: PreDunningOutcome = { reminded: 0, prevented: 0, preventedMinorByCurrency: {} };
  for (const subscriber of subscribers) {
    if (!subscriber.renewalInvoiceId) continue;
    const invoice = sandbox.billing.invoice(ACCOUNT, subscriber.renewalInvoiceId);
    const renewedAt = (invoice.created as number) * 1000;
    const reminders = emails.filter((email) => email.to === subscriber.customer.email && email.tag?.startsWith('pre-dunning') && email.receivedAt.getTime() <= renewedAt);
    if (reminders.length === 0) continue;
    outcome.reminded += 1;
    const firstReminderAt = Math.min(...reminders.map((email) => email.receivedAt.getTime()));
    const charge = sandbox.state.charges.find((entry) => entry.invoice === subscriber.renewalInvoiceId);
    if (!charge || charge.outcome !== 'succeeded' || charge.paymentMethod === subscriber.paymentMethodId) continue;
    const card = sandbox.billing.paymentMethod(ACCOUNT, charge.paymentMethod);
    if ((card.created as number) * 1000 < firstReminderAt) continue;
    outcome.prevented += 1;
    const currency = invoice.currency as string;
    outcome.preventedMinorByCurrency[currency] = (outcome.preventedMinorByCurrency[currency] ?? 0) + (invoice.amount_paid as number);
  }
  return outcome;
}

/** The moment to read the at-risk list: a day before the first renewal comes due (at the start in a demo shorter than that). */
export function atRiskMomentOf(subscribers: RenewalSubscriber[], start: Date): Date {
  const first = Math.min(...subscribers.map((subscriber) => subscriber.renewsAt.getTime()));
  return new Date(Math.max(start.getTime(), first - DAY));
}

/** Valid through the month before the renewal's: it stops working before the renewal charges it. */
function monthBefore(renewsAt: Date): { expMonth: number; expYear: number } {
  const month = renewsAt.getUTCMonth(); // 0-based: the previous month, 1-based
  return month === 0 ? { expMonth: 12, expYear: renewsAt.getUTCFullYear() - 1 } : { expMonth: month, expYear: renewsAt.getUTCFullYear() };
}

function fundingOf(draw: number): NonNullable<CardFacts['funding']> {
  return draw < 0.1 ? 'prepaid' : draw < 0.4 ? 'debit' : 'credit';
}
