import type { DeclineBucketName } from './behaviourModel';
import type { CaseOutcome, TracedAttempt, TracedDecision } from './caseRun';
import { ourPolicy } from './ourPolicy';
import { generatePopulation, type SimulatedCase } from './population';
import { DAILY_14, DAILY_14_RETRYABLE, FIXED_3_5_7, NO_RETRIES, type RecoveryPolicy } from './simplePolicies';

const DAY_MS = 86_400_000;

export interface SimulationOptions {
  customers: number;
  seed: number;
  /** The first day renewals fail (they spread over the model's renewal days). */
  start?: Date;
  policies?: RecoveryPolicy[];
  /** Keep the full trace (decisions, attempts) of this many cases per policy. */
  traceCases?: number;
}

export const SIMULATION_DEFAULTS = { customers: 10_000, seed: 15, start: new Date('2026-03-02T00:00:00Z') } as const;

export interface BucketFigures {
  cases: number;
  recovered: number;
  recoveredShare: number;
}

export interface PolicyFigures {
  policy: string;
  label: string;
  cases: number;
  recovered: number;
  recoveredShare: number;
  recoveredAmountMinor: number;
  failedAmountMinor: number;
  recoveredByCardUpdate: number;
  retries: number;
  retriesPerRecovered: number;
  networkViolations: number;
  violationsByRule: Record<string, number>;
  retriesOutsideDay: number;
  meanDaysToRecovery: number;
  byBucket: Partial<Record<DeclineBucketName, BucketFigures>>;
}

export interface CaseTrace {
  policy: string;
  found: SimulatedCase;
  recoveredAt: Date | null;
  recoveredBy: CaseOutcome['recoveredBy'];
  decisions: TracedDecision[];
  attempts: TracedAttempt[];
}

export interface Comparison {
  /** Recovered share of ours minus the other's, in percentage points. */
  points: number;
  /** Recovered amount of ours over the other's. */
  amountRatio: number;
  /** Retries per recovered payment of ours over the other's. */
  retriesRatio: number;
}

export interface SimulationResult {
  options: { customers: number; seed: number; start: Date };
  policies: PolicyFigures[];
  oursVsStrongestSimple: Comparison | null;
  oursVsFixed: Comparison | null;
  traces: CaseTrace[];
}

export const DEFAULT_POLICIES = (): RecoveryPolicy[] => [NO_RETRIES, FIXED_3_5_7, DAILY_14, DAILY_14_RETRYABLE, ourPolicy()];

/**
 * Replays one seeded population of failed renewals under each policy and
 * returns the figures. Pure and deterministic: the same options give the same
 * figures. `npm run bench:recovery` prints them; tests call it on small populations.
 */
export function simulateRecovery(options: SimulationOptions): SimulationResult {
  const start = options.start ?? SIMULATION_DEFAULTS.start;
  const population = generatePopulation({ customers: options.customers, seed: options.seed, start });
  const traces: CaseTrace[] = [];
  const figures = (options.policies ?? DEFAULT_POLICIES()).map((policy) => {
    const outcomes = population.map((found) => policy.run(found, options.seed));
    outcomes.slice(0, options.traceCases ?? 0).forEach((outcome, index) => traces.push(traceOf(policy.name, population[index]!, outcome)));
    return figuresOf(policy, population, outcomes);
  });
  const find = (name: string) => figures.find((entry) => entry.policy === name) ?? null;
  return {
    options: { customers: options.customers, seed: options.seed, start },
    policies: figures,
    oursVsStrongestSimple: compare(find('ours'), find('daily_14_retryable')),
    oursVsFixed: compare(find('ours'), find('fixed_3_5_7')),
    traces,
  };
}

function figuresOf(policy: RecoveryPolicy, population: SimulatedCase[], outcomes: CaseOutcome[]): PolicyFigures {
  let recovered = 0;
  let recoveredAmountMinor = 0;
  let recoveredByCardUpdate = 0;
  let retries = 0;
  let retriesOutsideDay = 0;
  let daysToRecovery = 0;
  const violationsByRule: Record<string, number> = {};
  const byBucket: Partial<Record<DeclineBucketName, BucketFigures>> = {};
  outcomes.forEach((outcome, index) => {
    const found = population[index]!;
    const bucket = (byBucket[found.bucket] ??= { cases: 0, recovered: 0, recoveredShare: 0 });
    bucket.cases += 1;
    retries += outcome.retries;
    retriesOutsideDay += outcome.retriesOutsideDay;
    for (const rule of outcome.violations) violationsByRule[rule] = (violationsByRule[rule] ?? 0) + 1;
    if (outcome.recoveredAt === null) return;
    recovered += 1;
    bucket.recovered += 1;
    recoveredAmountMinor += found.amountMinor;
    if (outcome.recoveredBy === 'card_update') recoveredByCardUpdate += 1;
    daysToRecovery += (outcome.recoveredAt - found.failedAt) / DAY_MS;
  });
  for (const bucket of Object.values(byBucket)) bucket.recoveredShare = bucket.cases === 0 ? 0 : bucket.recovered / bucket.cases;
  return {
    policy: policy.name,
    label: policy.label,
    cases: population.length,
    recovered,
    recoveredShare: population.length === 0 ? 0 : recovered / population.length,
    recoveredAmountMinor,
    failedAmountMinor: population.reduce((sum, found) => sum + found.amountMinor, 0),
    recoveredByCardUpdate,
    retries,
    retriesPerRecovered: recovered === 0 ? 0 : retries / recovered,
    networkViolations: Object.values(violationsByRule).reduce((sum, count) => sum + count, 0),
    violationsByRule,
    retriesOutsideDay,
    meanDaysToRecovery: recovered === 0 ? 0 : daysToRecovery / recovered,
    byBucket,
  };
}

function compare(ours: PolicyFigures | null, other: PolicyFigures | null): Comparison | null {
  if (!ours || !other) return null;
  return {
    points: (ours.recoveredShare - other.recoveredShare) * 100,
    amountRatio: other.recoveredAmountMinor === 0 ? 0 : ours.recoveredAmountMinor / other.recoveredAmountMinor,
    retriesRatio: other.retriesPerRecovered === 0 ? 0 : ours.retriesPerRecovered / other.retriesPerRecovered,
  };
}

function traceOf(policy: string, found: SimulatedCase, outcome: CaseOutcome): CaseTrace {
  return {
    policy,
    found,
    recoveredAt: outcome.recoveredAt === null ? null : new Date(outcome.recoveredAt),
    recoveredBy: outcome.recoveredBy,
    decisions: outcome.decisions,
    attempts: outcome.attempts,
  };
}
