import { newcombeDifference, twoProportionTest, Z_95 } from '../lift/proportions';
import { ARMS, MIN_HORIZON_CASES, type Arm, type ArmTally, type Experiment, type ExperimentKind, type ExperimentStatus } from './experiment';

/** The significance level of the one test read at the horizon. */
export const SIGNIFICANCE = 0.05;
/** z for 80 % power: the usual choice when sizing a two-proportion test. */
const Z_POWER_80 = 0.8416212335729143;

export interface ArmView {
  arm: Arm;
  label: string;
  cases: number;
  ended: number;
  recovered: number;
  recoveredShare: number | null;
  meanDaysToRecovery: number | null;
  emailsOpened: number | null;
  emailsClicked: number | null;
}

export interface ExperimentResult {
  final: boolean;
  /** B − A in recovered share, with Newcombe's 95 % interval. */
  difference: { estimate: number; low: number; high: number } | null;
  pValue: number | null;
  winner: Arm | null;
}

/**
 * The horizon: every arm has `horizonCases` cases and every one of them has
 * ended (recovered, exhausted, canceled or churned). Enrollment closes per arm
 * at `horizonCases`, so the cohort is fixed and each case counts once it ends.
 * Example: horizon 50; A 50 cases / 50 ended, B 50 / 49 ended → not yet.
 */
export function isAtHorizon(tallies: Record<Arm, ArmTally>, horizonCases: number): boolean {
  return ARMS.every((arm) => tallies[arm].cases >= horizonCases && tallies[arm].ended >= tallies[arm].cases);
}

/**
 * Reads the experiment once, at its horizon. Before it, only progress shows
 * (final false; winner, pValue and difference null), however large the gap
 * looks: looking early and stopping on a good-looking gap inflates false
 * positives. At the horizon: the pooled two-proportion test and Newcombe's
 * interval of B − A; the winner is the arm with the higher share when
 * p < 0.05, else null (no significant difference). A stopped experiment
 * never becomes final.
 * Example: horizon 100; A 30/100, B 45/100 → final, p ≈ 0.029, winner 'B'.
 */
export function experimentResult(experiment: Pick<Experiment, 'status' | 'tallies' | 'horizonCases'>): ExperimentResult {
  const { A, B } = experiment.tallies;
  const final = experiment.status === 'finished' || (experiment.status === 'running' && isAtHorizon(experiment.tallies, experiment.horizonCases));
  if (!final || A.ended === 0 || B.ended === 0) return { final, difference: null, pValue: null, winner: null };
  const test = twoProportionTest(B.recovered, B.ended, A.recovered, A.ended);
  const difference = newcombeDifference(B.recovered, B.ended, A.recovered, A.ended);
  const winner = test.pValue < SIGNIFICANCE && difference.estimate !== 0 ? (difference.estimate > 0 ? 'B' : 'A') : null;
  return { final, difference: { estimate: difference.estimate, low: difference.low, high: difference.high }, pValue: test.pValue, winner };
}

/** The status the merchant sees: a running experiment at its horizon is finished, even before the store says so. */
export function statusOf(experiment: Pick<Experiment, 'status' | 'tallies' | 'horizonCases'>): ExperimentStatus {
  return experiment.status === 'running' && isAtHorizon(experiment.tallies, experiment.horizonCases) ? 'finished' : experiment.status;
}

const LABELS: Record<ExperimentKind, Record<Arm, string>> = {
  email_sequence: { A: 'Current email sequence', B: 'Variant email sequence' },
  retry_policy: { A: 'Current retry policy', B: 'Variant retry policy' },
};

/** One arm as the API shows it; shares are null until a case has ended, email counts null for retry tests. */
export function armView(kind: ExperimentKind, arm: Arm, tally: ArmTally): ArmView {
  const isEmailTest = kind === 'email_sequence';
  return {
    arm,
    label: LABELS[kind][arm],
    cases: tally.cases,
    ended: tally.ended,
    recovered: tally.recovered,
    recoveredShare: tally.ended > 0 ? tally.recovered / tally.ended : null,
    meanDaysToRecovery: tally.recovered > 0 ? tally.recoveryDaysTotal / tally.recovered : null,
    emailsOpened: isEmailTest ? tally.emailsOpened : null,
    emailsClicked: isEmailTest ? tally.emailsClicked : null,
  };
}

/**
 * Ended cases per arm to detect a change of `minimumDetectableEffect` in
 * recovered share from `baselineShare`, two-sided at 5 % with 80 % power:
 * n = (z₀.₉₇₅·√(2p̄(1−p̄)) + z₀.₈·√(p₁(1−p₁) + p₂(1−p₂)))² / δ², never below 50.
 * Example: suggestHorizonCases(0.3, 0.05) = 1377 (30 % → 35 %).
 */
export function suggestHorizonCases(baselineShare: number, minimumDetectableEffect: number): number {
  const p1 = baselineShare;
  const p2 = Math.min(1, Math.max(0, baselineShare + minimumDetectableEffect));
  const mean = (p1 + p2) / 2;
  const root = Z_95 * Math.sqrt(2 * mean * (1 - mean)) + Z_POWER_80 * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.max(MIN_HORIZON_CASES, Math.ceil((root * root) / (minimumDetectableEffect * minimumDetectableEffect)));
}
