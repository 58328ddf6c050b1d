import type { DeclineDetails, RecoveryCase } from '../recovery/recoveryCase';
import { classifyDecline } from '../retryPolicy/declineRules';
import type { EarlierFailure, FailureKind } from './riskFeatures';

/**
 * Which kind of failure a decline was, in the decline table's buckets, with
 * insufficient funds apart (it is "soft" to the retry plan, but says the most
 * about the next renewal).
 * Example: { declineCode: 'insufficient_funds' } → insufficient_funds; { declineCode: 'stolen_card' } → never_retry.
 */
export function failureKindOf(decline: DeclineDetails | null, needsCustomerAction = false): FailureKind {
  const classified = classifyDecline(decline, { needsCustomerAction });
  return classified.isInsufficientFunds ? 'insufficient_funds' : classified.bucket;
}

/**
 * The customer's earlier failed payments, one per recovery case (a case is one
 * failed invoice or payment, however often it was retried), dated when it
 * opened. The renewal's own invoice is left out: its failure is the outcome,
 * not a cause.
 */
export function failuresFromCases(cases: readonly RecoveryCase[], exceptInvoiceId: string | null = null): EarlierFailure[] {
  return cases
    .filter((found) => !(exceptInvoiceId && found.target.kind === 'invoice' && found.target.invoiceId === exceptInvoiceId))
    .map((found) => ({ at: found.openedAt, kind: found.openingDeclineBucket === 'soft' || found.openingDeclineBucket === null ? failureKindOf(found.decline, found.needsCustomerAction) : found.openingDeclineBucket }));
}
