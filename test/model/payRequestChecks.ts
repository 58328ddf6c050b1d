import type { RequestRecord } from '../../devservices/stripe-sandbox/sandboxState';

/**
 * Exactly-once, counted at the Stripe sandbox's request log: what the backend
 * sent, not what Stripe made of it (Stripe refuses to pay a paid invoice and
 * replays a known key, so outcomes alone cannot show a second pay request).
 * A pay request is POST /v1/invoices/:id/pay (a subscription's invoice) or
 * POST /v1/payment_intents/:id/confirm (a one-time payment); its target is
 * that invoice or payment intent.
 */

const PAY_PATH = /^\/v1\/(invoices\/([^/]+)\/pay|payment_intents\/([^/]+)\/confirm)$/;
const ATTEMPT_KEY = /^recovery-(.+)-attempt-(\d+)$/;

export interface PayRequest {
  seq: number;
  /** The invoice paid or the payment intent confirmed. */
  target: string;
  /** The invoice, for an invoice's pay request; null for a payment intent's confirm. */
  invoiceId: string | null;
  key: string | null;
  /** The attempt number our key names (`recovery-<case>-attempt-<n>`), null for another key. */
  attempt: number | null;
  replayed: boolean;
  status: number | null;
}

/** The pay requests of the log (invoices paid, payment intents confirmed), oldest first. */
export function payRequestsOf(log: readonly RequestRecord[]): PayRequest[] {
  return log.flatMap((entry) => {
    const match = entry.method === 'POST' ? PAY_PATH.exec(entry.path) : null;
    if (!match) return [];
    const attempt = entry.idempotencyKey ? ATTEMPT_KEY.exec(entry.idempotencyKey) : null;
    const target = match[2] ?? match[3]!;
    return [{ seq: entry.seq, target, invoiceId: match[2] ?? null, key: entry.idempotencyKey, attempt: attempt ? Number(attempt[2]) : null, replayed: entry.replayed, status: entry.status }];
  });
}

/**
 * Per invoice and attempt number, at most one idempotency key; every pay
 * request carries a key. Example: `recovery-c1-attempt-2` sent twice is one
 * key (a replay, fine); `recovery-c1-attempt-2` and `recovery-c9-attempt-2`
 * for the same invoice are two charges for one attempt.
 */
export function keysPerAttemptViolations(log: readonly RequestRecord[]): string[] {
  const keys = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const request of payRequestsOf(log)) {
    if (!request.key) {
      problems.push(`pay request #${request.seq} for ${request.target} has no idempotency key`);
      continue;
    }
    if (request.attempt === null) continue;
    const slot = `${request.target} attempt ${request.attempt}`;
    const seen = keys.get(slot) ?? new Set<string>();
    seen.add(request.key);
    keys.set(slot, seen);
    if (seen.size === 2) problems.push(`${slot}: more than one idempotency key (${[...seen].join(', ')}), the second at request #${request.seq}`);
  }
  return problems;
}

/**
 * No pay request after the invoice or order was paid (`paidAtSeq`: per
 * target, the log length when it was paid, by whatever route), except a replay of a key first sent before
 * the payment: a worker that crashed mid-request asking again what happened.
 */
export function payAfterPaidViolations(log: readonly RequestRecord[], paidAtSeq: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  const firstSeqOfKey = new Map<string, number>();
  for (const request of payRequestsOf(log)) {
    if (request.key && !firstSeqOfKey.has(request.key)) firstSeqOfKey.set(request.key, request.seq);
    const paidAt = paidAtSeq.get(request.target);
    if (paidAt === undefined || request.seq <= paidAt) continue;
    const keptKey = request.replayed && request.key !== null && firstSeqOfKey.get(request.key)! <= paidAt;
    if (!keptKey) problems.push(`pay request #${request.seq} for ${request.target} (key ${request.key ?? 'none'}) after it was paid at request #${paidAt}`);
  }
  return problems;
}

/** Where in the log each invoice or payment intent was paid by one of our own pay requests (a 200 that was not a replay). */
export function paidByPayRequest(log: readonly RequestRecord[]): Map<string, number> {
  const paid = new Map<string, number>();
  for (const request of payRequestsOf(log)) {
    if (request.status === 200 && !request.replayed && !paid.has(request.target)) paid.set(request.target, request.seq);
  }
  return paid;
}
