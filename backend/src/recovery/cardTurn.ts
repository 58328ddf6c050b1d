import { cardKeyOf, type RecordedCardAttempt } from '../cardLedger';
import { checkNetworkLimits, type NetworkLimits } from '../retryPolicy';
import { putOffAfterFailedStep, refuseRetry, waitForCardTurn, withdrawAttempt } from './attemptTransitions';
import { historyOf, type LedgerRead } from './cardLedgerReads';
import type { CardDetails, OurAttempt, RecoveryCase } from './recoveryCase';
import type { StepWrites } from './stepWrites';

/** What a step learns between its claim and its charge: the card is its to charge, busy with another case's charge, or past a network limit. */
type CardTurn = { kind: 'charge' } | { kind: 'busy' } | { kind: 'refused'; reason: string; notBefore: Date | null };

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
async function cardTurnAfterClaim(
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

/**
 * Whether a step that just claimed `claimed` for `attempt` may charge. When it
 * may not, the attempt, never sent to Stripe, is taken back in the step's
 * release with the reason (card busy, limit reached), since a later step would
 * replay a pending attempt as a charge without this check. A failed read takes
 * it back too, with the put-off of any failed step, then throws; the step's own
 * handler then finds the case written and leaves it.
 * `triedBefore`: the case's tried cards before the attempt began.
 */
export async function mayChargeAfterClaim(
  writes: Pick<StepWrites, 'release'>,
  reads: Parameters<typeof cardTurnAfterClaim>[0],
  step: { claimed: RecoveryCase; attempt: OurAttempt; triedBefore: CardDetails[] | undefined; newCard: CardDetails | null; charged: RecordedCardAttempt[]; now: Date; limits: NetworkLimits },
): Promise<boolean> {
  const { claimed, attempt, triedBefore, now } = step;
  const takeBack = (then: (withdrawn: RecoveryCase) => RecoveryCase) => writes.release((fresh) => then(withdrawAttempt(fresh, attempt, triedBefore)));
  let turn: CardTurn;
  try {
    turn = await cardTurnAfterClaim(reads, claimed, step.newCard, step.charged, now, step.limits);
  } catch (error) {
    const failure = { failures: claimed.actionFailures + 1, refusedByStripe: false, message: error instanceof Error ? error.message : String(error) };
    await takeBack((withdrawn) => putOffAfterFailedStep(withdrawn, failure, now));
    throw error;
  }
  if (turn.kind === 'busy') await takeBack((withdrawn) => waitForCardTurn(withdrawn, now));
  if (turn.kind === 'refused') {
    const { reason, notBefore } = turn;
    await takeBack((withdrawn) => refuseRetry(withdrawn, reason, notBefore, now));
  }
  return turn.kind === 'charge';
}
