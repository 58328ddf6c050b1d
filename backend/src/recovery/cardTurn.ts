import { cardKeyOf, type RecordedCardAttempt } from '../cardLedger';
import { checkNetworkLimits, type NetworkLimits } from '../retryPolicy';
import { historyOf, type LedgerRead } from './cardLedgerReads';
import type { CardDetails, RecoveryCase } from './recoveryCase';

/** What a step learns between its claim and its charge: the card is its to charge, busy with another case's charge, or past a network limit. */
export type CardTurn = { kind: 'charge' } | { kind: 'busy' } | { kind: 'refused'; reason: string; notBefore: Date | null };

/**
 * The last check before a charge, read after the claim that put this case's
 * attempt on record as charging the card. Two steps on two cases of one card
 * (two workers, or two lanes) each write their claim, then read: the later
 * reader sees the other's claim and waits, so two charges on a card are never
 * in flight together. The card's attempts are read again too, after the
 * in-flight check (outboxes first, then the ledger, as every ledger read): a
 * charge answered since the step's first read, whose claim this read no
 * longer sees, is then in an outbox or in the ledger, and the network limits
 * count it.
 * `ledger`: reads made now, not the step's earlier ones; `charged`: the step's own charges not yet written.
 */
export async function cardTurnAfterClaim(
  reads: { otherChargeInFlight: (accountId: string, cardKey: string, caseId: string) => Promise<boolean>; ledger: LedgerRead },
  claimed: RecoveryCase,
  newCard: CardDetails | null,
  charged: RecordedCardAttempt[],
  now: Date,
  limits: NetworkLimits,
): Promise<CardTurn> {
  const card = newCard ?? claimed.card;
  if (await reads.otherChargeInFlight(claimed.accountId, cardKeyOf(card, claimed.stripeCustomerId), claimed.id)) return { kind: 'busy' };
  // The case's own attempt, just begun, is not in this history: the check asks whether it may be made.
  const history = await historyOf(claimed, newCard, now, reads.ledger, charged);
  const check = checkNetworkLimits(history, card?.brand ?? null, now, limits);
  return check.allowed ? { kind: 'charge' } : { kind: 'refused', reason: `Retry refused: ${check.explanation}`, notBefore: check.notBefore };
}
