import { isSameCard, isUntriedCard } from '../cardLedger/cardIdentity';
import { withTimelineEntry } from './caseTimeline';
import type { CardDetails, RecoveryCase } from './recoveryCase';

/**
 * What the card-update page may promise: `new_card` (we try it now, or the
 * retry with it is already planned), `already_tried` (the customer came back
 * with a card this case has declined or tried: nothing is charged), `unknown`
 * (Stripe did not tell us the card yet; its webhooks will).
 */
export type CardUpdateVerdict = 'new_card' | 'already_tried' | 'unknown';

/** Every card this case must not take for a new one: the declined card and the cards already tried. */
export function triedCardsOf(current: RecoveryCase): CardDetails[] {
  return [...(current.card ? [current.card] : []), ...(current.triedCards ?? [])];
}

/**
 * The customer came back from the card-update page with `card` as their
 * default: the case is retried with it at once only when it is a new card
 * (see isUntriedCard), and only once; a reload changes nothing.
 * Example: declined Visa fp X; back with fp X → already_tried, no retry; back with fp Y → new_card,
 * retried now; back with fp Y again → new_card, nothing more planned.
 */
export function requestRetryAfterCardUpdate(current: RecoveryCase, card: CardDetails | null, now: Date): { case: RecoveryCase | null; verdict: CardUpdateVerdict } {
  if (current.status !== 'active' || !card) return { case: null, verdict: 'unknown' };
  if (!isUntriedCard(card, triedCardsOf(current))) {
    const summary = 'Customer came back from the card-update page with the card we already tried: no retry.';
    return { case: withTimelineEntry(current, { at: now, kind: 'card_unchanged', summary }), verdict: 'already_tried' };
  }
  const alreadyAsked = current.newPaymentMethodId !== null && current.nextActionTrigger === 'new_payment_method' && isSameCard({ paymentMethodId: current.newPaymentMethodId }, card);
  if (alreadyAsked) return { case: null, verdict: 'new_card' };
  return {
    case: withTimelineEntry(
      { ...current, paymentMethodChangedAt: now, newPaymentMethodId: card.paymentMethodId ?? null, nextActionAt: now, nextActionTrigger: 'new_payment_method' },
      { at: now, kind: 'payment_method_changed', summary: 'Customer added a new card on the card-update page: retrying with it now.' },
    ),
    verdict: 'new_card',
  };
}

/**
 * The worker read the "new" card at Stripe and it is one this case already
 * tried (same fingerprint under another payment method), or Stripe no longer
 * has it: it is set aside and the case follows its plan, with no immediate retry.
 */
export function setAsideTriedCard(current: RecoveryCase, card: CardDetails, why: string, now: Date): RecoveryCase {
  if (current.newPaymentMethodId !== card.paymentMethodId) return current;
  return withTimelineEntry(
    { ...current, newPaymentMethodId: null, nextActionTrigger: current.nextActionTrigger === 'new_payment_method' ? 'schedule' : current.nextActionTrigger },
    { at: now, kind: 'card_unchanged', summary: `The customer's new card ${why}: no retry with it.` },
  );
}
