import { cardKeyOf, type RecordedCardAttempt } from '../cardLedger';
import { checkNetworkLimits, type CardAttempt, type NetworkLimits, type RetryDecision } from '../retryPolicy';
import { applyPlan, putOffAfterFailedStep, refuseRetry, waitForCardTurn, withdrawAttempt } from './attemptTransitions';
import { historyOf, type LedgerRead } from './cardLedgerReads';
import type { CardDetails, OurAttempt, RecoveryCase } from './recoveryCase';
import type { StepWrites } from './stepWrites';

/**
 * What a step learns between its claim and its charge: the card is its to charge, busy with another case's charge,
 * past a network limit, or the plan, made on this read, does not retry now.
 */
type CardTurn = { kind: 'charge' } | { kind: 'busy' } | { kind: 'refused'; reason: string; notBefore: Date | null } | { kind: 'not_now'; decision: RetryDecision };

/** What a claimed step does next: charge, nothing (the attempt was taken back in the release), or conclude on a plan that does not retry now. */
export type AfterClaim = { kind: 'charge' } | { kind: 'taken_back' } | { kind: 'conclude'; decision: RetryDecision };

/** The plan's decision is a retry due by `now`. */
export function retriesNow(decision: RetryDecision, now: Date): boolean {
  return decision.kind === 'retry' && decision.at <= now;
}

/**
 * The last check before a charge, read after the claim that put this case's
 * attempt on record as charging the card. Two steps on two cases of one card
 * (two workers, or two lanes) each write their claim, then read: the later
 * reader sees the other's claim and waits, so two charges on a card are never
 * in flight together. The card's attempts are read again too, after the
 * in-flight check (outboxes first, then the ledger, as every ledger read): a
 * charge answered since the step's first read, whose claim this read no
 * longer sees, is then in an outbox or in the ledger, and the network limits
 * count it. The plan is made on this same read (a step reads a card's attempts once on its
 * way to a charge): a later attempt seen here may move it.
 * `ledger`: reads made now, not the step's earlier ones; `charged`: the step's own charges not yet written;
 * `replan`: the step's plan on a history (null: a merchant's retry-now, charged whatever the plan says).
 */
async function cardTurnAfterClaim(
  reads: { otherChargeInFlight: (accountId: string, cardKey: string, caseId: string) => Promise<boolean>; ledger: LedgerRead },
  claimed: RecoveryCase,
  newCard: CardDetails | null,
  charged: RecordedCardAttempt[],
  now: Date,
  limits: NetworkLimits,
  replan: ((history: CardAttempt[]) => RetryDecision) | null,
): Promise<CardTurn> {
  const card = newCard ?? claimed.card;
  if (await reads.otherChargeInFlight(claimed.accountId, cardKeyOf(card, claimed.stripeCustomerId), claimed.id)) return { kind: 'busy' };
  // The case's own attempt, just begun, is not in this history: the check asks whether it may be made.
  const history = await historyOf(claimed, newCard, now, reads.ledger, charged);
  const decision = replan?.(history);
  if (decision && !retriesNow(decision, now)) return { kind: 'not_now', decision };
  const check = checkNetworkLimits(history, card?.brand ?? null, now, limits);
  return check.allowed ? { kind: 'charge' } : { kind: 'refused', reason: `Retry refused: ${check.explanation}`, notBefore: check.notBefore };
}

/**
 * Whether a step that just claimed `claimed` for `attempt` may charge. When it
 * may not, the attempt, never sent to Stripe, is taken back in the step's
 * release with the reason (card busy, limit reached) or the plan's next retry,
 * since a later step would replay a pending attempt as a charge without this
 * check. A plan that ends the case is taken back in a write that keeps the case,
 * and the step concludes it: the merchant's end action runs with no attempt
 * pending. A failed read takes it back too, with the put-off of any failed
 * step, then throws; the step's own handler then finds the case written and leaves it.
 * `triedBefore`: the case's tried cards before the attempt began.
 */
export async function mayChargeAfterClaim(
  writes: Pick<StepWrites, 'claim' | 'release'>,
  reads: Parameters<typeof cardTurnAfterClaim>[0],
  step: {
    claimed: RecoveryCase;
    attempt: OurAttempt;
    triedBefore: CardDetails[] | undefined;
    newCard: CardDetails | null;
    charged: RecordedCardAttempt[];
    now: Date;
    limits: NetworkLimits;
    replan: ((history: CardAttempt[]) => RetryDecision) | null;
  },
): Promise<AfterClaim> {
  const { claimed, attempt, triedBefore, now } = step;
  const withdraw = (fresh: RecoveryCase) => withdrawAttempt(fresh, attempt, triedBefore);
  const takeBack = async (then: (withdrawn: RecoveryCase) => RecoveryCase): Promise<AfterClaim> => {
    await writes.release((fresh) => then(withdraw(fresh)));
    return { kind: 'taken_back' };
  };
  let turn: CardTurn;
  try {
    turn = await cardTurnAfterClaim(reads, claimed, step.newCard, step.charged, now, step.limits, step.replan);
  } catch (error) {
    const failure = { failures: claimed.actionFailures + 1, refusedByStripe: false, message: error instanceof Error ? error.message : String(error) };
    await takeBack((withdrawn) => putOffAfterFailedStep(withdrawn, failure, now));
    throw error;
  }
  switch (turn.kind) {
    case 'charge':
      return turn;
    case 'busy':
      return takeBack((withdrawn) => waitForCardTurn(withdrawn, now));
    case 'refused':
      return takeBack((withdrawn) => refuseRetry(withdrawn, turn.reason, turn.notBefore, now));
    case 'not_now': {
      const { decision } = turn;
      if (decision.kind !== 'exhausted') return takeBack((withdrawn) => applyPlan(withdrawn, decision, now));
      await writes.claim(withdraw);
      return { kind: 'conclude', decision };
    }
  }
}
