/**
 * An upcoming renewal: one active subscription of a merchant's customer, the
 * card Stripe will charge at its next billing date, and what we did about it
 * before that date (pre-dunning reminders, the risk score). One record per
 * (account, mode, subscription); it follows the subscription from period to
 * period, and each period's reminders start afresh.
 */

export type CardFunding = 'credit' | 'debit' | 'prepaid' | 'unknown';

/** The card a renewal will be charged on: the subscription's own default, else the customer's. */
export interface RenewalCard {
  paymentMethodId: string;
  /** Stripe's card fingerprint: the same physical card across payment methods; null when Stripe gave none. */
  fingerprint: string | null;
  brand: string | null;
  last4: string | null;
  expMonth: number;
  expYear: number;
  funding: CardFunding;
  /** The issuing country (ISO 3166-1 alpha-2); null when unknown. */
  country: string | null;
}

/** Where the renewal's card came from: the subscription's own default payment method or the customer's invoice default. */
export type CardSource = 'subscription' | 'customer';

/** A pre-dunning reminder sent (or, in test mode, recorded instead of sent) for the current period. */
export interface ReminderSent {
  /** The step's place in the merchant's pre-dunning sequence. */
  stepIndex: number;
  daysBefore: number;
  at: Date;
  /** Postmark's message id; null when recorded only (test mode). */
  messageId: string | null;
  /** True in test mode: the email was recorded on the renewal with its content and not sent to the customer. */
  recordedOnly: boolean;
  subject: string;
  htmlBody: string;
  textBody: string;
}

/** Why reminders stopped for this period; they never restart for the same period. */
export type ReminderStop =
  | 'card_updated_by_network' // payment_method.automatically_updated: the account updater gave a new expiry
  | 'card_updated_by_customer' // a new default card (through our link, the portal or the merchant)
  | 'card_valid_through_renewal' // the card now outlives the renewal (e.g. the merchant changed it)
  | 'subscription_ended' // canceled, or set to cancel at period end
  | 'renewal_passed' // the billing date came
  | 'pre_dunning_off'; // the merchant turned pre-dunning off

export interface PreDunningState {
  /** The billing date the reminders below are for; a new period resets them. */
  forRenewalAt: Date | null;
  sent: ReminderSent[];
  stoppedBecause: ReminderStop | null;
  stoppedAt: Date | null;
  /** When the next reminder is due (already moved into the customer's daytime); null when none is planned. */
  nextReminderAt: Date | null;
  /** A worker's hold while it sends, so two workers never send the same reminder. */
  leaseUntil: Date | null;
  leaseOwner: string | null;
}

/** One reason behind a risk score, in the merchant's words, with how much it added. */
export interface RiskReason {
  /** Stable code, e.g. card_expires_before_renewal, earlier_failures, prepaid_card. */
  code: string;
  /** e.g. "The card ending 4242 expires 03/2027, before the renewal on 12 April 2027." */
  text: string;
  /** Points this reason added to the score (rules) or its share of the logit (model), for ranking reasons. */
  weight: number;
}

export interface RenewalRisk {
  /** 0 (safe) to 100 (almost sure to fail). */
  score: number;
  /** At most five, largest first. */
  reasons: RiskReason[];
  /** Which scorer produced it: the transparent rules, or the account's own logistic model. */
  model: 'rules' | 'account_model';
  scoredAt: Date;
}

/** A dispute (chargeback) the customer opened on one of their payments: charge.dispute.created. */
export interface CustomerDispute {
  /** Stripe's dispute id: the same dispute told twice counts once. */
  disputeId: string;
  openedAt: Date;
}

export interface Renewal {
  /** `${accountId}:${livemode ? 'live' : 'test'}:${subscriptionId}` */
  id: string;
  accountId: string;
  livemode: boolean;
  isAppInstall: boolean;
  subscriptionId: string;
  customerId: string;
  customerEmail: string | null;
  customerName: string | null;
  /** From the customer's address: picks the time zone for the reminders. */
  customerCountry: string | null;
  /** The customer's Stripe `preferred_locales`: the language of reminders and the renewal page. */
  customerLocales?: string[];
  /** Stripe's subscription status (active, trialing, past_due, …). */
  status: string;
  cancelAtPeriodEnd: boolean;
  /** The next billing date (current_period_end of the subscription, or its item's); null when none. */
  renewsAt: Date | null;
  /** What the renewal will charge (from invoice.upcoming when we have it, else the plan's price × quantity). */
  amountMinor: number;
  currency: string;
  card: RenewalCard | null;
  cardSource: CardSource | null;
  /** The last invoice of this subscription that was paid, and its amount. */
  lastPaidAt: Date | null;
  lastPaidAmountMinor: number | null;
  preDunning: PreDunningState;
  risk: RenewalRisk | null;
  /**
   * When the last reminder of any period went out. A new period clears
   * `preDunning.sent`, but a reminder sent this morning still counts for the
   * one-email-a-day rule when the renewal (and its dunning) comes this afternoon.
   */
  lastReminderAt: Date | null;
  /** Every dispute this customer opened in this account and mode that we were told of, oldest first: a risk factor. */
  customerDisputes: CustomerDispute[];
  /** The billing date for which a customer.renewal_at_risk event went out; one per period. */
  riskAlertedFor: Date | null;
  /** The Stripe event time of the newest fact applied, so a late older event never overwrites a newer one. */
  factAt: Date;
  updatedAt: Date;
}

export function renewalIdOf(accountId: string, livemode: boolean, subscriptionId: string): string {
  return `${accountId}:${livemode ? 'live' : 'test'}:${subscriptionId}`;
}

/** Whether the card stops working before the renewal charges it: a card is valid through the last day of its expiry month. */
export function cardExpiresBefore(card: Pick<RenewalCard, 'expMonth' | 'expYear'>, renewsAt: Date): boolean {
  const firstDayAfterExpiry = Date.UTC(card.expYear, card.expMonth, 1);
  return firstDayAfterExpiry <= renewsAt.getTime();
}
