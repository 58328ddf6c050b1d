import type { CardSource, Renewal, RenewalCard, RenewalRisk, ReminderSent, ReminderStop } from './renewal';

/**
 * The renewals collection's port. Every read and write names the account and
 * the mode, so one merchant's renewals, or one mode's, are never touched from
 * the other. The implementation (createRenewalStore, mongoose) lives beside it.
 *
 * CONTRACT NOTE (remove when implemented): this interface was written first so
 * the renewal-intake, pre-dunning and risk work could proceed in parallel;
 * change it only by adding methods.
 */

export interface Tenancy {
  accountId: string;
  livemode: boolean;
}

/** What intake learns about a subscription, from an event or from a read at Stripe. */
export interface SubscriptionFact extends Tenancy {
  isAppInstall: boolean;
  subscriptionId: string;
  customerId: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  renewsAt: Date | null;
  amountMinor: number;
  currency: string;
  /** When Stripe said it (event.created, or the time of the read): older facts never overwrite newer ones. */
  at: Date;
}

export interface CustomerFact extends Tenancy {
  customerId: string;
  email: string | null;
  name: string | null;
  country: string | null;
  at: Date;
}

export interface AtRiskFilter {
  /** Renewals due from now up to this date (default: 30 days ahead). */
  renewsBefore: Date;
  minScore?: number;
  /** Only renewals with this reason code among their reasons. */
  reasonCode?: string;
  /** Only renewals whose reminders are in this state. */
  preDunning?: 'planned' | 'sent' | 'stopped' | 'none';
}

export interface RenewalPage {
  renewals: Renewal[];
  /** Opaque; pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface RenewalStore {
  /** Creates the renewal on first sight; a new renewsAt starts a fresh pre-dunning period. Returns it as saved. */
  applySubscription(fact: SubscriptionFact): Promise<Renewal>;
  /** Updates the customer's email, name and country on every renewal of that customer. */
  applyCustomer(fact: CustomerFact): Promise<void>;
  /** The card the renewal will be charged on; null when none. */
  setCard(tenancy: Tenancy, subscriptionId: string, card: RenewalCard | null, source: CardSource | null, at: Date): Promise<Renewal | null>;
  /** Every renewal whose card is this payment method (or has this fingerprint), for account-updater and card-change events. */
  findByCard(tenancy: Tenancy, card: { paymentMethodId: string; fingerprint: string | null }): Promise<Renewal[]>;
  findByCustomer(tenancy: Tenancy, customerId: string): Promise<Renewal[]>;
  get(tenancy: Tenancy, subscriptionId: string): Promise<Renewal | null>;
  /** Records the last paid invoice of the subscription (invoice.paid). */
  recordPaid(tenancy: Tenancy, subscriptionId: string, paidAt: Date, amountMinor: number): Promise<void>;

  /** Plans (or clears, with null) the next reminder of the current period. */
  planReminder(id: string, nextReminderAt: Date | null): Promise<void>;
  /** Takes up to `limit` renewals whose reminder is due, held for `leaseMs` by `owner`; a crashed holder's lease expires. */
  claimDueReminders(now: Date, limit: number, owner: string, leaseMs: number): Promise<Renewal[]>;
  /**
   * Saves a reminder sent (or recorded) for the period it names, with the next
   * one planned, and releases the hold; false when the holder lost its lease
   * or the period changed meanwhile (nothing is written then).
   */
  recordReminder(id: string, owner: string, forRenewalAt: Date, reminder: ReminderSent, nextReminderAt: Date | null): Promise<boolean>;
  /** Releases a hold without sending, moving the next reminder (e.g. to the next day when the customer already had an email today). */
  releaseReminder(id: string, owner: string, nextReminderAt: Date | null): Promise<void>;
  /** Stops this period's reminders for good; idempotent, the first reason wins. */
  stopReminders(id: string, reason: ReminderStop, at: Date): Promise<void>;

  /** Renewals of one account and mode due between from and until, soonest first, for scoring and the daily pass. */
  listRenewingBetween(tenancy: Tenancy, from: Date, until: Date, cursor: string | null, limit: number): Promise<RenewalPage>;
  /** Every (account, mode) with at least one renewal, for jobs that walk all accounts. */
  listTenancies(): Promise<Tenancy[]>;
  saveRisk(id: string, risk: RenewalRisk): Promise<void>;
  /** Marks that customer.renewal_at_risk went out for this billing date; false when it already had. */
  markRiskAlerted(id: string, forRenewalAt: Date): Promise<boolean>;
  /** The at-risk list: highest score first (ties: soonest renewal), paged. */
  listAtRisk(tenancy: Tenancy, filter: AtRiskFilter, cursor: string | null, limit: number): Promise<RenewalPage>;
}
