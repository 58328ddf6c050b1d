import type { ChargeRecord } from '../../devservices/stripe-sandbox/sandboxState';
import { checkNetworkLimits, classifyDecline, DEFAULT_NETWORK_LIMITS, describeLocalDate, type CardAttempt } from '../../backend/src/retryPolicy';
import type { Observation } from './modelRunner';
import { offSessionWithoutConsent } from './consentChecks';
import { promisedRetryDate, promisesRetry } from './modelObservations';
import { keysPerAttemptViolations, paidByPayRequest, payAfterPaidViolations, payRequestsOf } from './payRequestChecks';

/**
 * The promises every history must keep, each a pure check of what the model
 * observed; each returns the violations it found, worded for the reader.
 */
const ours = (key: string | null) => key?.startsWith('recovery-') ?? false;

/**
 * What a charge paid: its invoice, else the order its payment intent pays
 * (modelOrders: the order reference, else the failed order the customer paid
 * again), else the payment intent alone.
 */
function paidFor(seen: Observation, charge: ChargeRecord): string {
  return charge.invoice ? `invoice ${charge.invoice}` : (seen.orderOf.get(charge.paymentIntent) ?? `intent:${charge.paymentIntent}`);
}

/** At most one successful charge per invoice or order, whoever made it. */
export function oneSuccessfulChargePerInvoiceOrOrder(seen: Observation): string[] {
  const paid = new Map<string, ChargeRecord[]>();
  for (const charge of seen.charges) if (charge.outcome === 'succeeded') paid.set(paidFor(seen, charge), [...(paid.get(paidFor(seen, charge)) ?? []), charge]);
  return [...paid]
    .filter(([, charges]) => charges.length > 1)
    .map(([what, charges]) => `${what} was charged successfully ${charges.length} times: ${charges.map((charge) => `${charge.paymentIntent} (${charge.idempotencyKey ?? 'no key'}, ${charge.at})`).join(', ')}`);
}

/** At most one key per attempt number, and no new pay request once the invoice or order is paid (counted at the request log). */
export function payRequestsExactlyOnce(seen: Observation): string[] {
  const paidAt = new Map(seen.paidAtSeq);
  for (const [invoice, at] of paidByPayRequest(seen.requests)) paidAt.set(invoice, Math.min(at, paidAt.get(invoice) ?? at));
  return [...keysPerAttemptViolations(seen.requests), ...payAfterPaidViolations(seen.requests, paidAt)];
}

/** No new pay request of ours while the case is paused, after it was canceled, churned or closed. */
export function noChargeWhenStopped(seen: Observation): string[] {
  return payRequestsOf(seen.requests)
    .filter((request) => ours(request.key) && !request.replayed)
    .flatMap((request) =>
      seen.stops
        .filter((stop) => stop.target === request.target && request.seq > stop.fromSeq && (stop.untilSeq === null || request.seq <= stop.untilSeq))
        .map((stop) => `pay request #${request.seq} (${request.key}) while ${stop.why} (from request #${stop.fromSeq})`),
    );
}

function attemptOf(seen: Observation, charge: ChargeRecord): CardAttempt {
  const card = seen.cards.get(charge.paymentMethod);
  return {
    at: new Date(charge.at),
    outcome: charge.outcome === 'succeeded' ? 'succeeded' : 'declined',
    // Ours are the merchant's; a customer's own checkout or payment is the customer's; otherwise as the card was given.
    initiatedBy: ours(charge.idempotencyKey) ? 'merchant' : seen.orderOf.has(charge.paymentIntent) ? 'customer' : (card?.initiatedBy ?? 'merchant'),
    declineCode: charge.declineCode,
    networkAdviceCode: charge.outcome === 'declined' ? (card?.decline?.network_advice_code ?? null) : null,
  };
}

/** After a never-retry decline (REFERENCE.md §1), the same card (fingerprint) is never charged by us again. */
export function noRetryOfUnchangedNeverRetryCard(seen: Observation): string[] {
  const forbidden = new Map<string, string>();
  const problems: string[] = [];
  for (const charge of seen.charges) {
    const why = forbidden.get(charge.fingerprint);
    if (why && ours(charge.idempotencyKey)) problems.push(`card ${charge.fingerprint} charged again (${charge.idempotencyKey}, ${charge.at}) after ${why}`);
    if (charge.outcome !== 'declined' || forbidden.has(charge.fingerprint)) continue;
    const attempt = attemptOf(seen, charge);
    const bucket = classifyDecline({ code: 'card_declined', declineCode: attempt.declineCode ?? undefined, ...(attempt.networkAdviceCode ? { networkAdviceCode: attempt.networkAdviceCode } : {}) }, { needsCustomerAction: false }).bucket;
    if (bucket === 'never_retry') forbidden.set(charge.fingerprint, `a never-retry decline (${charge.declineCode}) at ${charge.at}`);
  }
  return problems;
}

/** Each of our charges was allowed by the card networks' rules, given every earlier charge on that card. */
export function networkLimitsKept(seen: Observation): string[] {
  const problems: string[] = [];
  seen.charges.forEach((charge, index) => {
    if (!ours(charge.idempotencyKey)) return;
    const earlier = seen.charges.slice(0, index).filter((other) => other.fingerprint === charge.fingerprint).map((other) => attemptOf(seen, other));
    const brand = seen.cards.get(charge.paymentMethod)?.brand ?? null;
    const check = checkNetworkLimits(earlier, brand, new Date(charge.at), DEFAULT_NETWORK_LIMITS);
    if (!check.allowed) problems.push(`${charge.idempotencyKey} on ${brand} card ${charge.fingerprint} at ${charge.at} broke ${check.rule}: ${check.explanation}`);
  });
  return problems;
}

/** An email (sent, or recorded in test mode) promises a retry only when one is planned, and names the local date of that planned charge. */
export function emailPromisesMatchPlan(seen: Observation): string[] {
  return seen.emails.flatMap((email) => {
    if (!email.caseId) return [];
    const date = promisedRetryDate(email);
    const plan = email.plan;
    const where = `email "${email.subject}" at ${email.sentAt.toISOString()}`;
    if (promisesRetry(email) && plan?.kind !== 'retry') return [`${where} promises a retry, but the plan was ${plan?.kind ?? 'none'}`];
    if (date && plan?.at && describeLocalDate(plan.at, email.zone) !== date) {
      return [`${where} names ${date}, but the next charge is planned for ${describeLocalDate(plan.at, email.zone)} (${plan.at.toISOString()}, ${email.zone})`];
    }
    return [];
  });
}

/** No off-session confirm of a payment intent without the customer's consent (the request log; see consentChecks). */
export function noOffSessionChargeWithoutConsent(seen: Observation): string[] {
  return offSessionWithoutConsent(seen);
}

/** A test-mode history emails no customer: nothing reaches the Postmark receiver for them (recording on the case is fine). */
export function noCustomerEmailInTestMode(seen: Observation): string[] {
  if (seen.livemode) return [];
  return seen.emails.filter((email) => email.delivery === 'sent' && seen.customerAddresses.has(email.to.toLowerCase())).map((email) => `test mode emailed the customer ${email.to}: "${email.subject}"`);
}

export const INVARIANTS = {
  'at most one successful charge per invoice or order': oneSuccessfulChargePerInvoiceOrOrder,
  'pay requests: one idempotency key per attempt, none after the invoice or order is paid (request log)': payRequestsExactlyOnce,
  'no charge on a paused, canceled, churned or closed case': noChargeWhenStopped,
  'no retry of an unchanged never-retry card': noRetryOfUnchangedNeverRetryCard,
  'no card-network limit broken': networkLimitsKept,
  "no off-session confirm without the customer's consent (request log)": noOffSessionChargeWithoutConsent,
  "every email's promise matches the plan at send time": emailPromisesMatchPlan,
  'no email to a customer in test mode': noCustomerEmailInTestMode,
} as const;
