import type { PaymentMethodChangedFact } from './billingFacts';
import { isUntriedCard } from '../cardLedger/cardIdentity';
import { withAppliedEntry } from './caseTimeline';
import type { CaseDecision } from './caseTransitions';
import type { RecoveryCase } from './recoveryCase';

/** What a customer's new or changed payment method does to a case: part of the case state machine (caseTransitions.ts). */

/**
 * A card that is none of the case's declined or tried cards (by fingerprint,
 * else by payment-method id), seen after the last failure, is a new chance:
 * the worker retries with it at once, and only once. The same card told
 * again (attached twice, made the default again) changes nothing.
 * Example: declined Visa fp X; payment_method.attached pm_B fp X → "the card we already tried", no retry.
 */
export function recordPaymentMethodChange(current: RecoveryCase, fact: PaymentMethodChangedFact): CaseDecision {
  if (isReopenable(current, fact.occurredAt)) return reopenForNewCard(current, fact);
  if (current.status !== 'active') return { kind: 'ignore', reason: 'case is closed' };
  const candidate = fact.paymentMethodId ? { ...fact.card, paymentMethodId: fact.paymentMethodId } : null;
  const source = fact.source.replaceAll('_', ' ');
  if (!candidate || !isUntriedCard(candidate, [current.card, ...(current.triedCards ?? [])])) {
    const why = candidate ? 'it is the card we already tried' : 'Stripe did not say which card';
    return { kind: 'update', case: withAppliedEntry(current, fact.eventId, { at: fact.occurredAt, kind: 'card_unchanged', summary: `Customer's payment method changed (${source}), but ${why}: no retry.` }) };
  }
  const alreadyAsked = current.newPaymentMethodId === candidate.paymentMethodId && current.nextActionTrigger === 'new_payment_method';
  const isNewChance = fact.occurredAt > current.lastFailedAt && !alreadyAsked;
  const next: RecoveryCase = {
    ...current,
    paymentMethodChangedAt: isNewChance ? latest(current.paymentMethodChangedAt, fact.occurredAt) : current.paymentMethodChangedAt,
    ...(isNewChance ? { newPaymentMethodId: candidate.paymentMethodId, nextActionAt: fact.occurredAt, nextActionTrigger: 'new_payment_method' as const } : {}),
  };
  const summary = `Customer's payment method changed (${source})${current.group === 'control' ? ' (control group: no retry from us).' : isNewChance ? ': retrying with it now.' : alreadyAsked ? ': the retry with it is already planned.' : '.'}`;
  return { kind: 'update', case: withAppliedEntry(next, fact.eventId, { at: fact.occurredAt, kind: 'payment_method_changed', summary }) };
}

/**
 * An exhausted invoice case is closed only on our side: Stripe still holds the
 * invoice open (the worker checks it before charging and closes the case
 * otherwise). A card the case never tried, saved after the case ended, is a
 * new chance: the case reopens and the worker charges that card once, under
 * its own card-network limits. The same card told again changes nothing.
 * Example: exhausted on 22 May; 25 May the customer saves a Mastercard fp Y → active, retry with it now.
 */
function isReopenable(current: RecoveryCase, at: Date): boolean {
  return current.status === 'exhausted' && current.target.kind === 'invoice' && (current.closedAt === null || at >= current.closedAt);
}

function reopenForNewCard(current: RecoveryCase, fact: PaymentMethodChangedFact): CaseDecision {
  const candidate = fact.paymentMethodId ? { ...fact.card, paymentMethodId: fact.paymentMethodId } : null;
  if (!candidate || !isUntriedCard(candidate, [current.card, ...(current.triedCards ?? [])])) {
    return { kind: 'ignore', reason: 'case is closed and the card is not a new one' };
  }
  const reopened: RecoveryCase = {
    ...current,
    status: 'active',
    outcome: null,
    closedAt: null,
    paymentMethodChangedAt: fact.occurredAt,
    newPaymentMethodId: candidate.paymentMethodId,
    nextActionAt: fact.occurredAt,
    nextActionTrigger: 'new_payment_method',
  };
  const summary = `Customer saved a new card (${fact.source.replaceAll('_', ' ')}) after recovery ended: recovery reopened, retrying with it now.`;
  return { kind: 'update', case: withAppliedEntry(reopened, fact.eventId, { at: fact.occurredAt, kind: 'payment_method_changed', summary }) };
}

function latest(a: Date | null, b: Date): Date {
  return a && a > b ? a : b;
}
