/**
 * What the backend's merchant API answers, as the views read it. The backend
 * publishes the full contract at GET /api/openapi.json; these types are the
 * part the views use. Amounts are integers in the currency's minor unit and
 * are never summed across currencies.
 */

export type CaseStatus = 'active' | 'recovered' | 'exhausted' | 'canceled' | 'churned';
export type RecoveryMethod = 'our_retry' | 'card_update' | 'customer_payment' | 'stripe_retry' | 'merchant';
export type DeclineBucket = 'never_retry' | 'customer_must_act' | 'soft' | 'ambiguous' | 'blocked_by_stripe';

export interface CurrencyStats {
  currency: string;
  recoveredThisMonthMinor: number;
  recoveredTotalMinor: number;
  failedThisMonthMinor: number;
  mrrSavedMinor: number;
  activeMinor: number;
}

export interface TrendDay {
  day: string; // YYYY-MM-DD (UTC)
  failed: number;
  recovered: number;
  amounts: Array<{ currency: string; failedMinor: number; recoveredMinor: number }>;
}

export interface DashboardStats {
  object: 'recovery_stats';
  month: string; // YYYY-MM
  recoveredThisMonth: number;
  failedThisMonth: number;
  recoveredTotal: number;
  /** Cases recovered this month ÷ cases that ended this month (recovered or lost); null with none ended. */
  recoveryRate: number | null;
  activeSequences: number;
  churnPrevented: number;
  currencies: CurrencyStats[];
  trend: TrendDay[];
  byDeclineBucket: Array<{ bucket: DeclineBucket; failed: number; recovered: number }>;
  byRecoveryMethod: Array<{ method: RecoveryMethod; count: number; amounts: Array<{ currency: string; amountMinor: number }> }>;
  emails: { sent: number; opened: number; clicked: number };
}

/**
 * Which side of the holdout a case is on: `control` cases get no action of
 * ours (Stripe's own retries and emails carry on), so the lift can be measured.
 */
export type CaseGroup = 'treated' | 'control';

/** The columns every list of cases shares. */
export interface CaseRow {
  id: string;
  group: CaseGroup;
  invoiceId: string | null;
  customerId: string | null;
  customerEmail: string | null; // masked: a***@example.com
  amountMinor: number;
  currency: string;
}

export interface PaymentRow extends CaseRow {
  status: CaseStatus;
  declineBucket: DeclineBucket | null;
  /** The bucket the case opened with: what the stats group failures and recoveries by. */
  openingDeclineBucket: DeclineBucket | null;
  recoveredBy: RecoveryMethod | null;
  attempts: number;
  emailsSent: number;
  openedAt: string;
  closedAt: string | null;
}

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  /** Pass as `starting_after` for the next page. */
  next_cursor: string | null;
}

export interface AttentionRow extends CaseRow {
  reason: 'email_undeliverable' | 'needs_new_card' | 'needs_authentication';
  summary: string;
}

export interface SequenceRow extends CaseRow {
  paused: boolean;
  stepsDone: number;
  stepsTotal: number;
  nextEmailAt: string | null;
  nextRetryAt: string | null;
  openedAt: string;
}

export interface CaseDetail {
  id: string;
  object: 'recovery_case';
  group: CaseGroup;
  status: CaseStatus;
  paused: boolean;
  livemode: boolean;
  invoiceId: string | null;
  /** A failed one-time payment's PaymentIntent; null for an invoice. */
  paymentIntentId: string | null;
  customerId: string | null;
  customerEmail: string | null;
  subscriptionId: string | null;
  metadata: Record<string, string>;
  amountMinor: number;
  currency: string;
  outcome: { status: string; recoveredBy?: RecoveryMethod; reason?: string; at: string } | null;
  decline: { code?: string; declineCode?: string; adviceCode?: string; networkAdviceCode?: string; message?: string } | null;
  declineBucket: DeclineBucket | null;
  openingDeclineBucket: DeclineBucket | null;
  needsCustomerAction: boolean;
  emailStatus: 'ok' | 'undeliverable';
  nextAction: { kind: 'retry' | 'wait_for_new_payment_method' | 'exhausted' | 'none'; at: string | null; reason: string } | null;
  /** `status` explains a pending charge (its answer from Stripe is asked for again); null otherwise. */
  retries: Array<{ number: number; trigger: string; at: string; outcome: string; status: string | null; decline: CaseDetail['decline'] }>;
  /** `delivery`: test mode records emails to customers instead of sending them. */
  emails: Array<{ index: number; kind: 'dunning' | 'confirmation'; step: number | null; sentAt: string; delivery: 'sent' | 'recorded_test_mode'; status: string; deliveredAt: string | null; openedAt: string | null; clickedAt: string | null; opens: number; clicks: number }>;
  openedAt: string;
  closedAt: string | null;
  /** `count`: how many repeats in a row, or folded entries, this entry stands for. */
  timeline: Array<{ at: string; kind: string; summary: string; eventId?: string; count?: number }>;
}

export type CaseControl = 'retry' | 'remind' | 'pause' | 'resume' | 'cancel';

/** One email of a case as the customer got it, or as test mode recorded it instead (GET /api/recovery/emails/:caseId/:index). */
export interface RecoveryEmail {
  object: 'recovery_email';
  caseId: string;
  index: number;
  kind: 'dunning' | 'confirmation';
  step: number | null;
  delivery: 'sent' | 'recorded_test_mode';
  at: string;
  to: string;
  from: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
}

export interface CardUpdateLink {
  object: 'card_update_link';
  caseId: string;
  url: string;
  expiresAt: string;
}

export interface DunningStepSetting {
  dayOffset: number;
  tone: 'soft_reminder' | 'retry_notice' | 'urgent_reminder' | 'final_notice';
  custom: { subject: string; html: string; text: string } | null;
}

export interface MerchantSettings {
  object: 'settings';
  retryPolicy: {
    windowDays: number;
    maxAttempts: number;
    gapsHours: number[];
    merchantTimeZone: string;
    retryHourLocal: number;
    stripeRetryClearanceHours: number;
    networkLimits: { visaMaxReattemptsPer30Days: number; mastercardMaxDeclinesPer24h: number; mastercardMaxDeclinesPer30Days: number };
    endAction: 'leave_open' | 'cancel_subscription' | 'mark_uncollectible';
    paydayCalendars: Record<string, unknown>;
  };
  dunning: { enabled: boolean; steps: DunningStepSetting[]; sendConfirmation: boolean; daytimeHours: [number, number] };
  branding: { merchantName: string; productName: string; logoUrl: string | null; accentColor: string; supportEmail: string | null };
  postmark: { configured: boolean };
  /** The share of failed payments held out as the control group, as a fraction from 0 to 0.5 (0.1 = 10 %); 0 turns the holdout off. */
  holdoutShare: number;
  /** Explains each card-network limit in words, for the settings view. */
  networkLimitNotes: string[];
}

export interface EmailPreview {
  object: 'email_preview';
  subject: string;
  html: string;
  text: string;
}

export interface ApiKeySummary {
  id: string;
  accountId: string;
  livemode: boolean;
  name: string;
  scope: 'read' | 'read_write';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiErrorBody {
  error: { type: string; message: string; param?: string; code?: string };
}

/**
 * Every event a merchant's webhook endpoint can subscribe to. A copy of
 * OUTBOUND_EVENT_TYPES in backend/src/outbound/outboundEvent.ts, as the App is
 * bundled and uploaded on its own; test/contract.test.tsx holds the two lists equal.
 */
export const OUTBOUND_EVENT_TYPES = [
  'recovery.case_opened', 'recovery.retry_failed', 'recovery.blocked', 'recovery.needs_attention',
  'recovery.succeeded', 'recovery.failed', 'recovery.email_bounced', 'ping',
] as const;

export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Where we post a merchant's events. `enabledEvents` is `['*']` for every event. */
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  description: string | null;
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  /** Why we disabled it (after 3 days of failed deliveries); null when the merchant did, or it is enabled. */
  disabledReason: string | null;
  livemode: boolean;
  createdAt: string;
  /** Until then the previous secret signs too, next to the new one. */
  secretRotationEndsAt: string | null;
}

/** Only the answers to create and rotate carry the signing secret, and only once. */
export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

export type WebhookEndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'enabledEvents' | 'status'>> & { description?: string };

export interface WebhookDeliveryAttempt {
  at: string;
  /** null when no answer came (timeout, refused connection). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** One event on its way to one endpoint, with every attempt so far. */
export interface WebhookDelivery {
  id: string;
  object: 'webhook_delivery';
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'abandoned';
  attempts: WebhookDeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}

/** A difference of two recovered shares (treated − control, or B − A) with its 95 % confidence interval, as fractions. */
export interface ShareDifference {
  estimate: number;
  low: number;
  high: number;
}

export interface LiftGroup {
  cases: number;
  ended: number;
  recovered: number;
  recoveredMinor: number;
  recoveredShare: number | null;
}

/** GET /api/dashboard/lift: what recovery brings back compared with the holdout, per currency. */
export interface RecoveryLift {
  object: 'recovery_lift';
  holdoutShare: number;
  minimumCasesPerGroup: number;
  currencies: Array<{ currency: string; treated: LiftGroup; control: LiftGroup; difference: ShareDifference | null; enoughData: boolean }>;
}

export interface ExperimentArm {
  arm: 'A' | 'B';
  label: string;
  cases: number;
  ended: number;
  recovered: number;
  recoveredShare: number | null;
  meanDaysToRecovery: number | null;
  emailsOpened: number | null;
  emailsClicked: number | null;
}

/** An A/B test with a horizon fixed up front: its result is final only once each arm has `horizonCases` ended cases. */
export interface Experiment {
  id: string;
  object: 'experiment';
  name: string;
  kind: 'email_sequence' | 'retry_policy';
  status: 'running' | 'stopped' | 'finished';
  horizonCases: number;
  createdAt: string;
  /** What arm B changes, as it was drafted. */
  variant: ExperimentDraft['variant'];
  arms: ExperimentArm[];
  result: { final: boolean; difference: ShareDifference | null; pValue: number | null; winner: 'A' | 'B' | null };
}

/** POST /api/experiments: the variant is tested against the current settings. */
export interface ExperimentDraft {
  name: string;
  kind: Experiment['kind'];
  variant: { dunning?: MerchantSettings['dunning']; retryPolicy?: Partial<MerchantSettings['retryPolicy']> };
  horizonCases: number;
}
