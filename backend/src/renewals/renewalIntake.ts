import type { AccountRef, BillingGateway } from '../recovery';
import type { CardSource, Renewal, RenewalCard } from './renewal';
import { reminderStopForCardChange, type CardChangeOrigin } from './cardChange';
import type { RenewalFact, SubscriptionState } from './renewalFact';
import { RENEWING_STATUSES } from './renewalPaging';
import type { RenewalStore, Tenancy } from './renewalStore';

/** The Stripe reads intake makes, in the event's own mode. */
export type RenewalReads = Pick<BillingGateway, 'fetchPaymentCard' | 'fetchCustomer' | 'fetchSubscriptionState' | 'fetchPaymentIntent'>;

export interface RenewalTenant extends Tenancy {
  isAppInstall: boolean;
}

export interface RenewalIntake {
  /** Applies what one event said; returns a summary for the event's record ('' when nothing concerned renewals). */
  applyEvent(tenant: RenewalTenant, facts: RenewalFact[]): Promise<string>;
  /** Re-reads one subscription at Stripe (daily pass, invoice.upcoming of an unknown subscription); the read's time is `at`. */
  refreshSubscription(tenant: RenewalTenant, subscriptionId: string, at: Date, known: Renewal | null): Promise<string>;
}

const isRenewing = (state: { status: string; cancelAtPeriodEnd: boolean }) => (RENEWING_STATUSES as readonly string[]).includes(state.status) && !state.cancelAtPeriodEnd;

/**
 * Keeps renewals current from Stripe's facts: subscriptions create and move
 * them, the card follows the subscription's own default else the customer's,
 * and card changes and cancellations stop the period's reminders
 * (cardChange.ts). Without a Stripe key for the mode, card details an event
 * does not carry stay unknown until the daily pass.
 */
/** Where a renewal charge's outcome goes (renewalRisk's outcome records); true when it was the period's first. */
export type RenewalChargeSink = (tenant: Tenancy, charge: Extract<RenewalFact, { kind: 'renewal_charge' }>) => Promise<boolean>;

export function createRenewalIntake(deps: { renewals: RenewalStore; billingFor: (livemode: boolean) => RenewalReads | null; onRenewalCharge?: RenewalChargeSink }): RenewalIntake {
  const { renewals } = deps;
  const refOf = (tenant: RenewalTenant): AccountRef => ({ accountId: tenant.accountId, isAppInstall: tenant.isAppInstall });

  async function readCard(tenant: RenewalTenant, paymentMethodId: string | null): Promise<RenewalCard | null | undefined> {
    if (!paymentMethodId) return null;
    const billing = deps.billingFor(tenant.livemode);
    return billing ? billing.fetchPaymentCard(refOf(tenant), paymentMethodId) : undefined;
  }

  /** Saves the renewal's new card and stops reminders when the change calls for it. */
  async function changeCard(tenant: RenewalTenant, renewal: Renewal, card: RenewalCard | null, source: CardSource | null, at: Date, origin: CardChangeOrigin): Promise<string> {
    const saved = await renewals.setCard(tenant, renewal.subscriptionId, card, source, at);
    // Only a change that was saved (not outrun by a newer card fact) may stop reminders.
    const stop = saved && saved.card?.paymentMethodId === card?.paymentMethodId ? reminderStopForCardChange(renewal, renewal.card, card, origin) : null;
    if (stop) await renewals.stopReminders(renewal.id, stop, at);
    return `renewal ${renewal.subscriptionId}: card ${card ? `${card.brand ?? 'card'} ${card.last4 ?? ''} ${card.expMonth}/${card.expYear}`.replace('  ', ' ') : 'none'}${stop ? `, reminders stopped (${stop})` : ''}`;
  }

  /** `rereadCard`: the daily pass reads the card even when it is the same payment method, to catch a missed account update. */
  async function applySubscription(tenant: RenewalTenant, state: SubscriptionState, at: Date, rereadCard = false): Promise<string> {
    const known = await renewals.get(tenant, state.subscriptionId);
    if (!known && !isRenewing(state)) return `subscription ${state.subscriptionId} does not renew (${state.status}); no renewal kept`;
    const saved = await renewals.applySubscription({ ...tenant, ...state, at });
    if (!isRenewing(state)) {
      await renewals.stopReminders(saved.id, 'subscription_ended', at);
      return `renewal ${state.subscriptionId}: ${state.cancelAtPeriodEnd ? 'cancels at period end' : state.status}, reminders stopped (subscription_ended)`;
    }
    const notes = [`renewal ${state.subscriptionId}: ${known ? 'updated' : 'created'}, renews ${saved.renewsAt?.toISOString().slice(0, 10) ?? 'never'}`];
    // A new subscription of a customer who disputed before carries those disputes too.
    if (!known) await inheritDisputes(tenant, state.customerId);
    const billing = deps.billingFor(tenant.livemode);
    // The customer is read once on first sight (contact details), and whenever the customer's card is the one charged.
    const needsCustomer = !known || (!state.defaultPaymentMethodId && (rereadCard || saved.cardSource !== 'customer' || saved.card === null));
    const customer = needsCustomer && billing ? await billing.fetchCustomer(refOf(tenant), state.customerId) : null;
    if (customer && !known) await renewals.applyCustomer({ ...tenant, customerId: state.customerId, email: customer.email, name: customer.name, country: customer.country, preferredLocales: customer.preferredLocales, at });
    if (!state.defaultPaymentMethodId && !customer) return notes.join('; ');
    const [paymentMethodId, source]: [string | null, CardSource] = state.defaultPaymentMethodId ? [state.defaultPaymentMethodId, 'subscription'] : [customer?.defaultPaymentMethodId ?? null, 'customer'];
    const samePaymentMethod = saved.card !== null && saved.card.paymentMethodId === paymentMethodId;
    if (samePaymentMethod && saved.cardSource === source && !rereadCard) return notes.join('; ');
    const card = await readCard(tenant, paymentMethodId);
    if (card === undefined) return notes.join('; ');
    if (samePaymentMethod && card && card.expMonth === saved.card!.expMonth && card.expYear === saved.card!.expYear && saved.cardSource === source) return notes.join('; ');
    // The same payment method with a new expiry is the account updater's work, seen late; another one is the merchant's choice.
    notes.push(await changeCard(tenant, saved, card, card ? source : null, at, samePaymentMethod ? 'network' : 'merchant'));
    return notes.join('; ');
  }

  async function inheritDisputes(tenant: RenewalTenant, customerId: string): Promise<void> {
    const theirs = await renewals.findByCustomer(tenant, customerId);
    const disputes = new Map(theirs.flatMap((renewal) => renewal.customerDisputes.map((dispute) => [dispute.disputeId, dispute] as const)));
    for (const dispute of disputes.values()) await renewals.recordDispute(tenant, customerId, dispute);
  }

  /** The disputing customer: named by the event, else the disputed payment intent's at Stripe. */
  async function disputingCustomer(tenant: RenewalTenant, fact: Extract<RenewalFact, { kind: 'dispute' }>): Promise<string | null> {
    if (fact.customerId) return fact.customerId;
    const billing = deps.billingFor(tenant.livemode);
    if (!fact.paymentIntentId || !billing) return null;
    return (await billing.fetchPaymentIntent(refOf(tenant), fact.paymentIntentId))?.customerId ?? null;
  }

  async function applyFact(tenant: RenewalTenant, fact: RenewalFact): Promise<string> {
    switch (fact.kind) {
      case 'subscription': {
        const { kind: _kind, at, ...state } = fact;
        return applySubscription(tenant, state, at);
      }
      case 'upcoming_invoice': {
        const known = await renewals.get(tenant, fact.subscriptionId);
        if (!known) return refreshSubscription(tenant, fact.subscriptionId, fact.at, null);
        // renewsAt only when unknown: the upcoming invoice's attempt time is not the period end, and a moved date would restart reminders.
        await renewals.applySubscription({ ...tenant, ...stateOf(known), amountMinor: fact.amountMinor, currency: fact.currency, renewsAt: known.renewsAt ?? fact.renewsAt, at: fact.at });
        return `renewal ${fact.subscriptionId}: upcoming invoice of ${fact.amountMinor} ${fact.currency}`;
      }
      case 'invoice_paid':
        await renewals.recordPaid(tenant, fact.subscriptionId, fact.paidAt, fact.amountMinor);
        return `renewal ${fact.subscriptionId}: paid ${fact.amountMinor}`;
      case 'renewal_charge': {
        const recorded = deps.onRenewalCharge ? await deps.onRenewalCharge({ accountId: tenant.accountId, livemode: tenant.livemode }, fact) : false;
        return recorded ? `renewal ${fact.subscriptionId}: charge ${fact.outcome}, outcome recorded` : '';
      }
      case 'dispute': {
        const customerId = await disputingCustomer(tenant, fact);
        if (!customerId) return `dispute ${fact.disputeId}: no customer known for it`;
        const added = await renewals.recordDispute(tenant, customerId, { disputeId: fact.disputeId, openedAt: fact.openedAt });
        return added > 0 ? `dispute ${fact.disputeId}: counted on ${added} renewal${added === 1 ? '' : 's'} of ${customerId}` : '';
      }
      case 'customer': {
        await renewals.applyCustomer({ ...tenant, customerId: fact.customerId, email: fact.email, name: fact.name, country: fact.country, ...(fact.preferredLocales ? { preferredLocales: fact.preferredLocales } : {}), at: fact.at });
        if (fact.newDefaultPaymentMethodId === undefined) return '';
        const charged = (await renewals.findByCustomer(tenant, fact.customerId)).filter((renewal) => renewal.cardSource !== 'subscription');
        if (charged.length === 0) return '';
        const card = await readCard(tenant, fact.newDefaultPaymentMethodId);
        if (card === undefined) return '';
        const notes = [];
        for (const renewal of charged) notes.push(await changeCard(tenant, renewal, card, card ? 'customer' : null, fact.at, 'customer'));
        return notes.join('; ');
      }
      case 'card': {
        const using = (await renewals.findByCard(tenant, { paymentMethodId: fact.paymentMethodId, fingerprint: null })).filter((renewal) => renewal.card?.paymentMethodId === fact.paymentMethodId);
        if (using.length === 0) return '';
        const card = fact.card ?? (await readCard(tenant, fact.paymentMethodId));
        if (!card) return '';
        const notes = [];
        for (const renewal of using) notes.push(await changeCard(tenant, renewal, card, renewal.cardSource, fact.at, fact.change === 'automatically_updated' ? 'network' : 'customer'));
        return notes.join('; ');
      }
    }
  }

  async function refreshSubscription(tenant: RenewalTenant, subscriptionId: string, at: Date, known: Renewal | null): Promise<string> {
    const billing = deps.billingFor(tenant.livemode);
    if (!billing) return `subscription ${subscriptionId}: no Stripe key for ${tenant.livemode ? 'live' : 'test'} mode to read it`;
    const state = await billing.fetchSubscriptionState(refOf(tenant), subscriptionId);
    if (!state) {
      if (!known) return `subscription ${subscriptionId}: not found at Stripe`;
      return applySubscription(tenant, { ...stateOf(known), status: 'canceled' }, at);
    }
    return applySubscription(tenant, state, at, true);
  }

  return {
    async applyEvent(tenant, facts) {
      const notes: string[] = [];
      for (const fact of facts) notes.push(await applyFact(tenant, fact));
      return notes.filter((note) => note.length > 0).join('; ');
    },
    refreshSubscription,
  };
}

function stateOf(renewal: Renewal): SubscriptionState {
  const { subscriptionId, customerId, status, cancelAtPeriodEnd, renewsAt, amountMinor, currency } = renewal;
  return { subscriptionId, customerId, status, cancelAtPeriodEnd, renewsAt, amountMinor, currency, defaultPaymentMethodId: renewal.cardSource === 'subscription' ? (renewal.card?.paymentMethodId ?? null) : null };
}
