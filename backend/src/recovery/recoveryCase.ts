import type { RecordedCardAttempt } from '../cardLedger/cardAttemptStore';
import type { OutboundEvent } from '../outbound/outboundEvent';
import type { HoldoutGroup } from '../lift/holdout';
import type { DeclineBucket } from '../retryPolicy/declineRules';
import type { RollupIncrement } from '../stats/caseContribution';
import type { OrderDetails } from './oneTimePayments';

/** A recovery case: one failed invoice (or one-time payment) we are trying to win back. */

export type CaseStatus = 'active' | 'recovered' | 'exhausted' | 'canceled' | 'churned';

/** How the money came back. */
export type RecoveredBy = 'our_retry' | 'card_update' | 'customer_payment' | 'stripe_retry' | 'merchant';

/** Why a case stopped without the money. */
export type StopReason =
  | 'invoice_voided'
  | 'marked_uncollectible'
  | 'subscription_canceled'
  | 'app_uninstalled'
  | 'merchant_canceled'
  | 'plan_ended'
  | 'payment_canceled'
  /** The subscription is unpaid and its collection paused at Stripe: nothing may charge it. */
  | 'subscription_not_collecting';

export type CaseOutcome =
  | { status: 'recovered'; recoveredBy: RecoveredBy; at: Date }
  | { status: 'exhausted' | 'canceled' | 'churned'; reason: StopReason; at: Date };

export type CaseTarget =
  | { kind: 'invoice'; invoiceId: string }
  | { kind: 'one_time_payment'; paymentIntentId: string };

/** Stripe's decline vocabulary, kept verbatim so classification can evolve without losing data. */
export interface DeclineDetails {
  code?: string;
  declineCode?: string;
  adviceCode?: string;
  networkDeclineCode?: string;
  networkAdviceCode?: string;
  message?: string;
}

export interface CardDetails {
  paymentMethodId?: string;
  brand?: string;
  fingerprint?: string;
  last4?: string;
  /** Where the card was issued (ISO country): Indian cards are charged off-session only under an e-mandate. */
  country?: string;
}

/** One charge attempt we made. `pending` until Stripe's answer is recorded: a crash replays it with the same idempotency key. */
export interface OurAttempt {
  number: number;
  idempotencyKey: string;
  trigger: 'schedule' | 'new_payment_method' | 'manual';
  paymentMethodId: string | null;
  /** The new card this attempt charges (read at Stripe), so the ledger names it by fingerprint; absent for the case's own card. */
  card?: CardDetails | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'pending' | 'succeeded' | 'declined' | 'needs_customer_action';
  decline: DeclineDetails | null;
}

/** An email exactly as it went (or would have gone) to the customer. */
export interface EmailContent {
  to: string;
  from: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
}

/**
 * Written on the case before an email is handed to Postmark, cleared in the
 * same write that records it: found set, the send may have happened (a crash
 * or a lost answer), so Postmark is asked before sending again.
 */
export interface EmailSendMark {
  /** The `step` metadata of the message: the step index, or "confirmation". */
  step: string;
  /** Unique per attempt, sent as metadata too. */
  key: string;
  startedAt: Date;
}

/** An email we sent about the case, with what Postmark told us happened to it. */
export interface CaseEmail {
  messageId: string | null;
  kind: 'dunning' | 'confirmation';
  stepIndex: number | null;
  sentAt: Date;
  /** Test mode records emails to customers instead of sending them; older records lack it (sent). */
  delivery?: 'sent' | 'recorded_test_mode';
  /** Where what the customer got (or would have got) is kept: its id in the email contents (dunning/emailContentStore). */
  contentId?: string | null;
  /** What the customer got, as records written before contents were kept apart hold it; absent on newer ones. */
  content?: EmailContent | null;
  status: 'sent' | 'delivered' | 'bounced' | 'complained' | 'unsubscribed';
  deliveredAt: Date | null;
  firstOpenedAt: Date | null;
  firstClickedAt: Date | null;
  opens: number;
  clicks: number;
}

/** The experiment arm a case was enrolled in when it opened (issue 15); it never changes during the case. */
export interface CaseExperiment {
  id: string;
  kind: 'email_sequence' | 'retry_policy';
  arm: 'A' | 'B';
}

/** What the plan says happens next, with the reason shown to the merchant. */
export interface PlannedAction {
  kind: 'retry' | 'wait_for_new_payment_method' | 'exhausted' | 'none';
  at: Date | null;
  reason: string;
}

export type TimelineKind =
  | 'case_opened'
  | 'payment_failed'
  | 'payment_action_required'
  | 'payment_succeeded'
  | 'invoice_voided'
  | 'marked_uncollectible'
  | 'payment_canceled'
  | 'subscription_changed'
  | 'subscription_canceled'
  | 'payment_method_changed'
  | 'app_uninstalled'
  | 'retry_planned'
  | 'retry_attempted'
  | 'retry_refused'
  | 'default_payment_method_set'
  | 'case_exhausted'
  | 'end_action'
  | 'email_sent'
  | 'email_event'
  | 'email_undeliverable'
  | 'merchant_control'
  | 'event_ignored'
  | 'card_unchanged'
  | 'control_group'
  | 'stripe_unavailable'
  | 'entries_folded';

/**
 * Who asked for a merchant control: a Dashboard user in the Stripe App (the
 * user id Stripe signed with the request) or a merchant API key (its id and
 * name, never the key itself).
 */
export type ControlActor = { kind: 'dashboard_user'; userId: string } | { kind: 'api_key'; keyId: string; keyName: string };

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  summary: string;
  eventId?: string;
  /** Who did it, on entries a merchant control wrote; entries written before actors were recorded have none. */
  by?: ControlActor;
  /** How many entries this one stands for: repeats in a row, or the entries an `entries_folded` marker replaces. */
  count?: number;
  /** When the last of those happened. */
  lastAt?: Date;
}

/**
 * A consequence of a case change, written in the same database write as the
 * change and removed once relayed: an event for the merchant's webhooks, or
 * the change's stats rollup delta. The id is unique across all cases
 * (`evt_rec_<case>_<sequence>` for an event, `rollup_<case>_<revision>` for a
 * delta), so the relay can apply a delta once however often it sees it.
 */
export type OutboxEntry =
  | { id: string; kind: 'event'; event: OutboundEvent }
  | { id: string; kind: 'rollup'; increments: RollupIncrement[] }
  /** What the save adds to the arms of the experiments the case is enrolled in. */
  | { id: string; kind: 'experiment_tally'; changes: ExperimentTallyChange[] }
  /**
   * Our charge attempt for the card ledger, written with the attempt's result; the relay copies it
   * into cardAttempts, and until then ledger reads find it here (see caseOutboxStore.pendingCardAttempts).
   */
  | { id: string; kind: 'card_attempt'; attempt: RecordedCardAttempt };

/** One experiment arm's counters to add (cases, ended, recovered, …). */
export interface ExperimentTallyChange {
  experimentId: string;
  arm: 'A' | 'B';
  delta: Record<string, number>;
}

export interface RecoveryCase {
  id: string;
  accountId: string;
  livemode: boolean;
  /** `invoice:<id>` or `payment_intent:<id>`: unique per account. */
  caseKey: string;
  target: CaseTarget;
  stripeCustomerId: string | null;
  customerEmail: string | null;
  customerName: string | null;
  subscriptionId: string | null;
  /** A one-time payment's order fields (metadata, description), to recognise the customer paying it another way. */
  order?: OrderDetails | null;
  /** The merchant's own key-value pairs, given when they handed the payment over through the API (Stripe-like metadata). */
  metadata?: Record<string, string> | null;
  amountMinor: number;
  currency: string;
  status: CaseStatus;
  outcome: CaseOutcome | null;
  decline: DeclineDetails | null;
  card: CardDetails | null;
  /** True while the customer must confirm the payment themselves (3-D Secure). */
  needsCustomerAction: boolean;
  /** Stripe's own count of attempts on the invoice, ours and its own. */
  stripeAttemptCount: number;
  failureCount: number;
  /** When Stripe itself plans to retry; our retries keep clear of it. */
  nextStripeRetryAt: Date | null;
  openedAt: Date;
  lastFailedAt: Date;
  closedAt: Date | null;
  /** The last time the customer's payment method changed while the case was open. */
  paymentMethodChangedAt: Date | null;
  hostedInvoiceUrl: string | null;
  /** The payment method that changed last (the new card to charge), if any. */
  newPaymentMethodId: string | null;
  /** Cards declined or charged on this case (the case's card once it is replaced): none of them is a new card again. */
  triedCards?: CardDetails[];
  /** Where the customer is, for paydays and "morning" (from the Stripe customer). */
  customerCountry: string | null;
  customerTimeZone: string | null;
  /** The customer's Stripe `preferred_locales`, in their order, read with the place: the language of emails and pages. */
  customerLocales?: string[];
  ourAttempts: OurAttempt[];
  plannedAction: PlannedAction | null;
  /** When a worker should next look at the case; null when it waits for an event. */
  nextActionAt: Date | null;
  /** What asked for the next action early: a new card or the merchant. */
  nextActionTrigger: OurAttempt['trigger'] | null;
  emails: CaseEmail[];
  /** When the email job should next look at the case (a dunning step or the confirmation). */
  nextEmailAt: Date | null;
  /** The email job's own lease, separate from the retry worker's. */
  emailLeaseUntil: Date;
  /** An email handed to Postmark whose answer is not recorded yet (see EmailSendMark). */
  sendingStep?: EmailSendMark | null;
  /** Set when the case is recovered; cleared once the thank-you email is sent (or not wanted). */
  confirmationDueAt: Date | null;
  /** Dunning steps sent or skipped, by index in the merchant's sequence. */
  dunningStepsDone: number[];
  /** The customer's address cannot receive email (bounced, complained, inactive): the merchant sees it. */
  emailStatus: 'ok' | 'undeliverable';
  /** Set while the merchant has paused recovery: no retries and no dunning emails until resumed. */
  pausedAt: Date | null;
  /** The merchant asked for a reminder email now; the email job sends the next step and clears it. */
  reminderRequestedAt: Date | null;
  /**
   * The holdout group, decided when the case opened and never changed: a control case gets no action of ours
   * (Stripe's own retries and emails carry on) and is followed to its end. Older cases lack it (treated).
   */
  group?: HoldoutGroup;
  /** Opened while the holdout was on, for a known customer: the case is part of the treated-versus-control lift. */
  countsInLift?: boolean;
  /** The decline bucket when the case opened, so stats compare failures and recoveries of the same kind. */
  openingDeclineBucket: DeclineBucket | null;
  /** Consecutive failed actions (Stripe down, timeouts): drives the back-off. */
  actionFailures: number;
  /** A worker's claim on the case; a crashed worker's lease simply runs out. */
  leaseOwner: string | null;
  leaseUntil: Date;
  /** The experiments the case takes part in (at most one per kind); absent or empty when none. */
  experiments?: CaseExperiment[];
  /** Events already applied, so a re-delivered or re-processed event changes nothing. */
  appliedEventIds: string[];
  timeline: TimelineEntry[];
  /** Consequences of saved changes not relayed yet, oldest first (older records lack it: none). */
  outbox?: OutboxEntry[];
  /** The sequence number of the case's last event (older records lack it: 0). */
  eventSequence?: number;
  /** Set while the outbox holds entries: the relay claims cases by it. */
  outboxDueAt?: Date | null;
  /** The relay's own lease, separate from the retry worker's and the email job's. */
  outboxLeaseUntil?: Date;
  outboxLeaseOwner?: string | null;
  revision: number;
}

export function caseKeyOf(target: CaseTarget): string {
  return target.kind === 'invoice' ? `invoice:${target.invoiceId}` : `payment_intent:${target.paymentIntentId}`;
}

export function isClosed(status: CaseStatus): boolean {
  return status !== 'active';
}
