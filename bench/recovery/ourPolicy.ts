import { classifyDecline, DEFAULT_RETRY_POLICY, planNextRetry, timeZoneForPlace, type CardAttempt, type RetryDecision, type RetryPlanInput, type RetryPolicy } from '../../backend/src/retryPolicy';
import { CaseRun } from './caseRun';
import type { SimulatedCase } from './population';
import type { RecoveryPolicy } from './simplePolicies';

/**
 * Ours: the real planner (backend/src/retryPolicy) driven the way
 * recovery/retryService does. The worker plans when the case opens; at the
 * planned time it plans again and charges when the plan says "now"; each
 * decline goes back into the plan as the case's decline, the attempt count and
 * the card's history; a new card the customer saves wakes the case and is
 * planned with `paymentMethodChangedSinceLastFailure`. A case the plan
 * exhausted reopens for a new card saved while the invoice is open (issue 18), and charges it once.
 * Changes to the planner show up here without touching this file; new inputs
 * to the plan are filled in `planInputOf` below, from what the case knows.
 */
export function ourPolicy(policy: RetryPolicy = DEFAULT_RETRY_POLICY): RecoveryPolicy {
  return { name: 'ours', label: 'Ours (backend/src/retryPolicy)', run: (found, seed) => runOurs(found, seed, policy) };
}

const MAX_STEPS = 200;

function runOurs(found: SimulatedCase, seed: number, policy: RetryPolicy): ReturnType<RecoveryPolicy['run']> {
  const run = new CaseRun(found, seed);
  const plan = (now: number, newCard: boolean): RetryDecision => {
    const decision = planNextRetry(planInputOf(found, run, newCard, policy), policy, new Date(now));
    run.decide({ decidedAt: new Date(now), kind: decision.kind, at: decision.kind === 'retry' ? decision.at : decision.kind === 'wait_for_new_payment_method' ? decision.recheckAt : null, reason: decision.reason });
    return decision;
  };

  let now = found.failedAt;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const decision = plan(now, false);
    if (decision.kind === 'exhausted') {
      if (found.cardUpdateAt !== null && found.cardUpdateAt >= now) chargeNewCardAsPlanned(run, found.cardUpdateAt, plan);
      break;
    }
    const dueAt = decision.kind === 'retry' ? decision.at.getTime() : decision.recheckAt.getTime();
    if (found.cardUpdateAt !== null && found.cardUpdateAt >= now && found.cardUpdateAt <= dueAt) {
      chargeNewCardAsPlanned(run, found.cardUpdateAt, plan);
      break;
    }
    now = Math.max(now, dueAt);
    if (decision.kind !== 'retry' || decision.at.getTime() > now) continue;
    if (run.retry(now, decision.reason)) break;
  }
  return run.outcome;
}

/** The new card's step: the plan for a new payment method, then its charge (once: a declined new card ends the model's case). */
function chargeNewCardAsPlanned(run: CaseRun, updatedAt: number, plan: (now: number, newCard: boolean) => RetryDecision): void {
  const decision = plan(updatedAt, true);
  if (decision.kind !== 'retry') return;
  run.chargeNewCard(Math.max(updatedAt, decision.at.getTime()), decision.reason);
}

/** What the case would hold for the plan (recovery/retryPlanning.ts planInputOf), from the simulated case. */
function planInputOf(found: SimulatedCase, run: CaseRun, newCard: boolean, policy: RetryPolicy): RetryPlanInput {
  const decline = found.declineCode === 'incorrect_number' || found.declineCode === 'expired_card' ? { code: found.declineCode, declineCode: found.declineCode } : { code: 'card_declined', declineCode: found.declineCode };
  const ownHistory: CardAttempt[] = run.history.map((attempt) => ({ at: new Date(attempt.at), outcome: 'declined', initiatedBy: 'merchant', declineCode: attempt.declineCode }));
  return {
    openedAt: new Date(found.failedAt),
    classification: classifyDecline(decline, { needsCustomerAction: false }),
    ourAttemptCount: run.outcome.retries,
    lastAttemptAt: new Date(run.lastAttemptAt),
    nextStripeRetryAt: null,
    paymentMethodChangedSinceLastFailure: newCard,
    // The worker reads the customer's address before its first plan and stores the zone it derives (recovery/caseRefresh.ts).
    customerCountry: found.place.country,
    customerTimeZone: timeZoneForPlace({ country: found.place.country, state: found.place.region, postalCode: found.place.postalCode }, policy.merchantTimeZone),
    cardBrand: found.brand,
    // The model's cards are issued in the customer's country (cardBehaviour.ts: India's e-mandates).
    cardCountry: found.place.country,
    // A new card has no history with us yet.
    cardHistory: newCard ? [] : ownHistory,
  };
}
