import { MODEL } from './behaviourModel';
import { isApproved } from './cardBehaviour';
import { localHour } from './localClock';
import { violationAt, type NetworkAttempt, type NetworkViolation } from './networkRules';
import type { SimulatedCase } from './population';

/** One charge a policy made, as the trace shows it. */
export interface TracedAttempt {
  at: Date;
  card: 'renewal_card' | 'new_card';
  approved: boolean;
  /** The card-network rule this attempt broke, counted whether or not the policy knew. */
  violation: NetworkViolation | null;
  localHour: number;
  reason: string;
}

/** A policy's decision, as the trace shows it (the real planner's decisions for ours). */
export interface TracedDecision {
  decidedAt: Date;
  kind: string;
  at: Date | null;
  reason: string;
}

export interface CaseOutcome {
  recoveredAt: number | null;
  recoveredBy: 'retry' | 'card_update' | null;
  /** Off-session retries of the renewal card (the charge of a customer's new card is not a retry). */
  retries: number;
  violations: NetworkViolation[];
  retriesOutsideDay: number;
  attempts: TracedAttempt[];
  decisions: TracedDecision[];
}

/**
 * The bookkeeping every policy shares: charges the renewal card or the new
 * one, asks the model whether it is approved, and counts rule violations and
 * retries outside the customer's day whatever the policy believed.
 */
export class CaseRun {
  readonly history: NetworkAttempt[];
  readonly outcome: CaseOutcome = { recoveredAt: null, recoveredBy: null, retries: 0, violations: [], retriesOutsideDay: 0, attempts: [], decisions: [] };
  lastAttemptAt: number;

  constructor(readonly found: SimulatedCase, private readonly seed: number) {
    this.history = [{ at: found.failedAt, declineCode: found.declineCode }];
    this.lastAttemptAt = found.failedAt;
  }

  get isRecovered(): boolean {
    return this.outcome.recoveredAt !== null;
  }

  /** A retry of the renewal card at `at`; true when approved. */
  retry(at: number, reason: string): boolean {
    const { found, outcome } = this;
    const violation = violationAt(this.history, found.brand, at);
    const approved = isApproved(found, at, outcome.retries, this.lastAttemptAt, this.seed);
    const hour = localHour(at, found.place.timeZone);
    const [dayStarts, dayEnds] = MODEL.customerDayHours.value;
    if (violation) outcome.violations.push(violation);
    if (hour < dayStarts || hour >= dayEnds) outcome.retriesOutsideDay += 1;
    outcome.retries += 1;
    outcome.attempts.push({ at: new Date(at), card: 'renewal_card', approved, violation, localHour: hour, reason });
    this.lastAttemptAt = at;
    if (approved) {
      outcome.recoveredAt = at;
      outcome.recoveredBy = 'retry';
    } else {
      this.history.push({ at, declineCode: found.declineCode });
    }
    return approved;
  }

  /** The charge of the card the customer just saved (they are on hand: India's e-mandate is set up with it). */
  chargeNewCard(at: number, reason: string): boolean {
    const { found, outcome } = this;
    const approved = found.isNewCardApproved;
    outcome.attempts.push({ at: new Date(at), card: 'new_card', approved, violation: null, localHour: localHour(at, found.place.timeZone), reason });
    if (approved) {
      outcome.recoveredAt = at;
      outcome.recoveredBy = 'card_update';
    }
    return approved;
  }

  decide(decision: TracedDecision): void {
    this.outcome.decisions.push(decision);
  }
}
