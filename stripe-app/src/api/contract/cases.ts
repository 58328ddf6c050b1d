/** Recovery cases: the lists of the dashboard and a case in full. */

export type CaseStatus = 'active' | 'recovered' | 'exhausted' | 'canceled' | 'churned';
export type RecoveryMethod = 'our_retry' | 'card_update' | 'customer_payment' | 'stripe_retry' | 'merchant';
export type DeclineBucket = 'never_retry' | 'customer_must_act' | 'soft' | 'ambiguous' | 'blocked_by_stripe';

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
  /** `count`: how many repeats in a row, or folded entries, this entry stands for; `by`: who asked, on a merchant control's entry. */
  timeline: Array<{ at: string; kind: string; summary: string; eventId?: string; count?: number; by?: ControlActor }>;
}

export type CaseControl = 'retry' | 'remind' | 'pause' | 'resume' | 'cancel';

/** Who asked for a control: a Dashboard user (usr_…, as Stripe signed the App's request) or a merchant API key. */
export type ControlActor = { kind: 'dashboard_user'; userId: string } | { kind: 'api_key'; keyId: string; keyName: string };

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
