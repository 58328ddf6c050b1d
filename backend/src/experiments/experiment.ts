import type { DunningPolicy } from '../dunning';
import { customerShare } from '../lift/customerShare';
import type { CaseExperiment } from '../recovery';
import type { RetryPolicy } from '../retryPolicy';

/**
 * An A/B test of the merchant's recovery (issue 15): arm A is the account's
 * current settings, arm B a variant of one part of them (the email sequence
 * or the retry policy). Customers are split by a hash, cases record their arm
 * when they open, and the result is read once, at a horizon fixed up front.
 */

export type ExperimentKind = CaseExperiment['kind'];
export type Arm = CaseExperiment['arm'];
export type ExperimentStatus = 'running' | 'stopped' | 'finished';

/** What arm B changes: a whole email sequence, or some fields of the retry policy (the rest stay the account's). */
export type ExperimentVariant = { dunning: DunningPolicy } | { retryPolicy: Partial<RetryPolicy> };

/** One arm's running counts; `recoveryDaysTotal` sums days from opening to recovery over recovered cases. */
export interface ArmTally {
  cases: number;
  ended: number;
  recovered: number;
  recoveryDaysTotal: number;
  emailsOpened: number;
  emailsClicked: number;
}

export interface Experiment {
  id: string;
  accountId: string;
  livemode: boolean;
  name: string;
  kind: ExperimentKind;
  status: ExperimentStatus;
  /** Ended cases per arm at which the result is read, chosen up front. */
  horizonCases: number;
  variant: ExperimentVariant;
  createdAt: Date;
  stoppedAt: Date | null;
  finishedAt: Date | null;
  tallies: Record<Arm, ArmTally>;
}

export const ARMS: readonly Arm[] = ['A', 'B'];
export const MIN_HORIZON_CASES = 50;

export const emptyTally = (): ArmTally => ({ cases: 0, ended: 0, recovered: 0, recoveryDaysTotal: 0, emailsOpened: 0, emailsClicked: 0 });

/**
 * The arm a customer gets in an experiment: B when the customer's point for
 * the experiment's id is below one half, A otherwise. The same customer is
 * always in the same arm of one experiment, and two experiments split
 * customers independently (different salts).
 * Example: armFor('exp_1', 'cus_42') is the same on every call and machine.
 */
export function armFor(experimentId: string, customerId: string): Arm {
  return customerShare(experimentId, customerId) < 0.5 ? 'B' : 'A';
}

/**
 * The arms a case takes when it opens. Not enrolled: cases without a customer
 * (the split is per customer), the holdout's control cases (we take no action
 * on them; a case without `group` is treated), and cases whose arm already has
 * `horizonCases` cases: each arm is a fixed cohort, followed to its end.
 * Example: running email test, horizon 50, arm B at 50 cases → a B customer's
 * new case gets no arm (the account's settings); an A customer's case joins A.
 */
export function enrollmentsFor(opening: { stripeCustomerId: string | null; group?: string }, running: Experiment[]): CaseExperiment[] {
  const customerId = opening.stripeCustomerId;
  if (!customerId || opening.group === 'control') return [];
  return running
    .filter((experiment) => experiment.status === 'running')
    .map((experiment) => ({ id: experiment.id, kind: experiment.kind, arm: armFor(experiment.id, customerId) }))
    .filter((enrollment) => {
      const experiment = running.find((candidate) => candidate.id === enrollment.id)!;
      return experiment.tallies[enrollment.arm].cases < experiment.horizonCases;
    });
}
