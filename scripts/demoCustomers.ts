import type { CardBehaviour } from '../devservices/stripe-sandbox/sandboxState';
import type { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { isHardDecline, MODEL } from '../bench/recovery/behaviourModel';
import type { SimulatedCase } from '../bench/recovery/population';

/** The demo's customers: who they are in the sandbox, and what they do with our emails. */

export const ACCOUNT = 'acct_demo_merchant';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface DemoCustomer {
  customerId: string;
  email: string;
  declineCode: string;
  /** Which of our emails the customer acts on: dunning emails after a failed renewal (the default), or pre-dunning reminders before one. */
  actsOn?: 'dunning' | 'pre-dunning';
  /** After which of those emails (1-based) the customer updates their card; null: never. */
  updatesAfterEmail: number | null;
  updateDueAt: Date | null;
  updated: boolean;
}

/** An email as the Postmark receiver caught it. */
export interface CaughtEmail {
  to: string;
  textBody: string | null;
  receivedAt: Date;
  tag?: string | null;
}

/** The customers and their failing renewals, as the behaviour model draws them. */
export function createCustomers(sandbox: Awaited<ReturnType<typeof startStripeSandbox>>, profiles: SimulatedCase[], random: () => number): DemoCustomer[] {
  return profiles.map((profile) => {
    const number = profile.index + 1;
    const email = `customer${number}@example.com`;
    const { country, region, postalCode } = profile.place;
    const customer = sandbox.billing.createCustomer(ACCOUNT, { email, name: `Customer ${number}`, address: { country, state: region, postal_code: postalCode } });
    const pm = sandbox.billing.createPaymentMethod(ACCOUNT, { brand: profile.brand, behaviour: behaviourFor(profile, random) });
    sandbox.billing.attach(ACCOUNT, pm.id as string, customer.id as string, null);
    sandbox.billing.updateCustomer(ACCOUNT, customer.id as string, { invoice_settings: { default_payment_method: pm.id } }, null);
    const subscription = sandbox.billing.createSubscription(ACCOUNT, { customer: customer.id as string, amount: profile.amountMinor, currency: profile.currency });
    sandbox.billing.renew(ACCOUNT, subscription.id as string, { nextAttemptInHours: null });
    return { customerId: customer.id as string, email, declineCode: profile.declineCode, updatesAfterEmail: emailActedOn(profile), updateDueAt: null, updated: false };
  });
}

/** The email (1-based) after which the model's customer saves a new card: the last one sent before their update. */
function emailActedOn(profile: SimulatedCase): number | null {
  if (profile.cardUpdateAt === null) return null;
  const daysIn = (profile.cardUpdateAt - profile.failedAt) / DAY;
  return Math.max(1, MODEL.emailDays.value.filter((day) => day <= daysIn).length);
}

/** The model's card as a sandbox script: hard declines and India's cards never come good; insufficient funds on its funded days; soft ones after a few tries. */
function behaviourFor(profile: SimulatedCase, random: () => number): CardBehaviour {
  const { declineCode } = profile;
  const decline = { code: declineCode === 'incorrect_number' || declineCode === 'expired_card' ? declineCode : 'card_declined', decline_code: declineCode };
  if (isHardDecline(declineCode) || profile.place.country === 'IN') return { declines: [decline], then: 'repeat_last' };
  if (profile.bucket === 'insufficient_funds') {
    const fundedDays = [...new Set(profile.fundedSpells.flatMap((spell) => daysOfMonthBetween(spell.from, spell.until)))];
    return fundedDays.length > 0 ? { declines: [decline], then: 'succeed', succeedOnDaysOfMonth: fundedDays } : { declines: [decline], then: 'repeat_last' };
  }
  const failures = 1 + Math.floor(random() * 3);
  return profile.isRecoverable ? { declines: Array.from({ length: failures }, () => decline), then: 'succeed' } : { declines: [decline], then: 'repeat_last' };
}

/** The UTC days of the month a spell of money touches (the sandbox decides by UTC day). */
function daysOfMonthBetween(fromMs: number, untilMs: number): number[] {
  const days: number[] = [];
  for (let at = fromMs; at < untilMs; at += DAY) days.push(new Date(at).getUTCDate());
  days.push(new Date(untilMs).getUTCDate());
  return days;
}

/** Customers who act on an email (a dunning email, or a reminder before a renewal) follow its link a few hours after it arrives, and save a new card in the portal. */
export async function customersAct(customers: DemoCustomer[], emails: CaughtEmail[], backendUrl: string, now: Date, random: () => number): Promise<void> {
  // One pass over the caught emails per step, not one per customer: the list grows to thousands.
  const emailsTo = new Map<string, CaughtEmail[]>();
  for (const email of emails) {
    const kind = email.tag?.startsWith('dunning') ? 'dunning' : email.tag?.startsWith('pre-dunning') ? 'pre-dunning' : null;
    if (!kind) continue;
    const key = `${kind} ${email.to}`;
    const list = emailsTo.get(key);
    if (list) list.push(email);
    else emailsTo.set(key, [email]);
  }
  for (const customer of customers) {
    if (customer.updated || customer.updatesAfterEmail === null) continue;
    const theirs = emailsTo.get(`${customer.actsOn ?? 'dunning'} ${customer.email}`) ?? [];
    const trigger = theirs[customer.updatesAfterEmail - 1] ?? null;
    if (!trigger) continue;
    customer.updateDueAt ??= new Date(trigger.receivedAt.getTime() + (1 + random() * 6) * HOUR);
    if (customer.updateDueAt > now) continue;
    const link = /\/update\?token=[\w.-]+/.exec(trigger.textBody ?? '')?.[0];
    customer.updated = true;
    if (!link) continue;
    await updateCardThroughLink(`${backendUrl}${link}`);
  }
}

/** What a customer's browser does: the card-update page, its button, the portal's form, and back. */
async function updateCardThroughLink(url: string): Promise<void> {
  const token = new URL(url).searchParams.get('token')!;
  await fetch(url);
  const started = await fetch(new URL('/update', url), { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
  const portal = started.headers.get('location');
  if (!portal) return; // already paid, or nothing to update
  const saved = await fetch(portal, { method: 'POST', body: new URLSearchParams({ card: 'visa' }), redirect: 'manual' });
  const back = saved.headers.get('location');
  if (back) await fetch(back);
}
