/** What names a card: its fingerprint (the same card number) and, for one saved copy of it, the payment method. */
export interface CardIdentity {
  fingerprint?: string | undefined;
  paymentMethodId?: string | undefined;
}

/**
 * Two cards are the same card when their fingerprints match; only when one
 * of them has no fingerprint do their payment-method ids decide. Unknown is
 * not the same: the worker reads the card at Stripe before charging it.
 * Example: pm_A (fp X) and pm_B (fp X) → same card (one card saved twice);
 * pm_A and pm_A without fingerprints → same; pm_A (fp X) and pm_B → not known to be the same.
 */
export function isSameCard(a: CardIdentity, b: CardIdentity): boolean {
  if (a.fingerprint && b.fingerprint) return a.fingerprint === b.fingerprint;
  return Boolean(a.paymentMethodId && a.paymentMethodId === b.paymentMethodId);
}

/** A card counts as new for a case only when it is none of the cards the case has declined or tried. */
export function isUntriedCard(candidate: CardIdentity, tried: Array<CardIdentity | null | undefined>): boolean {
  return !tried.some((card) => card && isSameCard(card, candidate));
}

/** Adds cards to a list of tried cards, once each (a later copy with more details replaces the earlier one). */
export function withTriedCards<Card extends CardIdentity>(tried: Card[], cards: Array<Card | null | undefined>): Card[] {
  let result = tried;
  for (const card of cards) {
    if (!card || (!card.fingerprint && !card.paymentMethodId)) continue;
    const known = result.find((candidate) => isSameCard(candidate, card));
    if (!known) result = [...result, card];
    else if (!known.fingerprint && card.fingerprint) result = result.map((candidate) => (candidate === known ? card : candidate));
  }
  return result;
}
