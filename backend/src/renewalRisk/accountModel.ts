import LogisticRegression from 'ml-logistic-regression';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { RenewalRisk, RiskReason } from '../renewals/renewal';
import { MAX_REASONS } from './riskRules';
import type { RiskFeatures } from './riskFeatures';
import { describeReason, type RiskReasonCode, type WordingContext } from './riskWording';

/**
 * An account's own logistic model: once an account has enough renewals with
 * known outcomes, it learns from them how much each factor matters for its
 * customers. Fitted with ml-logistic-regression (gradient ascent on the
 * likelihood; see docs/decisions.md) on standardised columns plus an
 * intercept. Kept as plain numbers, so it can be saved, compared and explained.
 */

/** Renewals with known outcomes an account needs before its own model replaces the rules. */
export const MIN_OUTCOMES_FOR_MODEL = 500;
/** The newest outcomes a fit reads: enough for 14 coefficients, and a fit stays well under a second. */
export const MAX_OUTCOMES_FOR_FIT = 2000;
// Converges within a few hundred steps at the step size below (checked against a known model in the tests).
const FIT_STEPS = 500;

/** One column of the model's design matrix and the reason it speaks for. */
interface Column {
  name: string;
  reason: RiskReasonCode;
  value(features: RiskFeatures): number;
}

const HARD_KINDS = ['never_retry', 'customer_must_act', 'blocked_by_stripe'] as const;
const LESS_COMMON_BRANDS = new Set(['amex', 'discover', 'jcb', 'unionpay', 'diners']);

export const MODEL_COLUMNS: readonly Column[] = [
  { name: 'no_card', reason: 'no_card', value: (f) => Number(!f.hasCard) },
  { name: 'card_expires_before_renewal', reason: 'card_expires_before_renewal', value: (f) => Number(f.cardExpiresBeforeRenewal) },
  { name: 'failures_insufficient_funds', reason: 'earlier_failures', value: (f) => Math.min(5, f.earlierFailures.insufficient_funds) },
  { name: 'failures_hard', reason: 'earlier_failures', value: (f) => Math.min(5, HARD_KINDS.reduce((sum, kind) => sum + f.earlierFailures[kind], 0)) },
  { name: 'failures_other', reason: 'earlier_failures', value: (f) => Math.min(5, f.earlierFailures.soft + f.earlierFailures.ambiguous) },
  { name: 'months_since_last_payment', reason: 'long_since_last_payment', value: (f) => (f.daysSinceLastPayment === null ? 0 : Math.min(6, f.daysSinceLastPayment / 30)) },
  { name: 'never_paid', reason: 'never_paid', value: (f) => Number(f.daysSinceLastPayment === null) },
  { name: 'prepaid', reason: 'prepaid_card', value: (f) => Number(f.funding === 'prepaid') },
  { name: 'debit', reason: 'debit_card', value: (f) => Number(f.funding === 'debit') },
  { name: 'amount_increase', reason: 'amount_higher_than_last_paid', value: (f) => Math.min(2, f.amountIncrease) },
  { name: 'disputes', reason: 'disputes', value: (f) => Math.min(5, f.disputes) },
  { name: 'card_issued_in_india', reason: 'card_country', value: (f) => Number(f.cardCountry === 'IN') },
  { name: 'cross_border_card', reason: 'cross_border_card', value: (f) => Number(f.isCrossBorderCard && f.cardCountry !== 'IN') },
  { name: 'less_common_brand', reason: 'card_brand', value: (f) => Number(LESS_COMMON_BRANDS.has(f.cardBrand ?? '')) },
];

/** A fitted model: logit = intercept + Σ coefficient × (value − mean) / scale. */
export interface AccountModel {
  columns: string[];
  intercept: number;
  coefficients: number[];
  means: number[];
  scales: number[];
  sampleSize: number;
  failureRate: number;
}

export interface LabelledRenewal {
  features: RiskFeatures;
  failed: boolean;
}

/**
 * Fits the account's model on its own outcomes; null when it has fewer than
 * `minOutcomes` or only one kind of outcome (nothing to learn from).
 */
export function fitAccountModel(samples: readonly LabelledRenewal[], minOutcomes = MIN_OUTCOMES_FOR_MODEL): AccountModel | null {
  if (samples.length < minOutcomes) return null;
  const failures = samples.filter((sample) => sample.failed).length;
  if (failures === 0 || failures === samples.length) return null;
  const raw = samples.map((sample) => MODEL_COLUMNS.map((column) => column.value(sample.features)));
  const n = raw.length;
  const means = MODEL_COLUMNS.map((_, j) => raw.reduce((sum, row) => sum + row[j]!, 0) / n);
  // A column the same for every renewal (up to rounding) teaches nothing: scale 1 keeps its coefficient at 0.
  const scales = MODEL_COLUMNS.map((_, j) => {
    const spread = Math.sqrt(raw.reduce((sum, row) => sum + (row[j]! - means[j]!) ** 2, 0) / n);
    return spread > 1e-9 ? spread : 1;
  });
  const design = new Matrix(raw.map((row) => [1, ...row.map((value, j) => (value - means[j]!) / scales[j]!)]));
  // The library steps along the summed gradient with a fixed rate: 4 / λmax(XᵀX) is the largest step that
  // cannot overshoot (the log-likelihood's curvature is at most XᵀX / 4), so the fit converges at any n.
  const largestEigenvalue = Math.max(...new EigenvalueDecomposition(design.transpose().mmul(design), { assumeSymmetric: true }).realEigenvalues);
  const regression = new LogisticRegression({ numSteps: FIT_STEPS, learningRate: 4 / largestEigenvalue });
  regression.train(design, Matrix.columnVector(samples.map((sample) => (sample.failed ? 1 : 0))));
  // One-versus-all: classifier 0 scores "not class 0", i.e. the renewal failed.
  const weights = regression.classifiers[0]!.weights.to1DArray();
  return { columns: MODEL_COLUMNS.map((column) => column.name), intercept: weights[0]!, coefficients: weights.slice(1), means, scales, sampleSize: n, failureRate: failures / n };
}

/** The model's failure probability for these features (0..1). */
export function predictFailure(model: AccountModel, features: RiskFeatures): number {
  const logit = MODEL_COLUMNS.reduce((sum, column, j) => sum + model.coefficients[j]! * ((column.value(features) - model.means[j]!) / model.scales[j]!), model.intercept);
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Scores a renewal with the account's model: the probability of failure as
 * 0..100. Reasons are the factors present on this renewal whose coefficient
 * raises the risk, each weighted by coefficient × value / scale (what the
 * factor adds to the logit against its absence), columns of one reason summed.
 * Example: a coefficient of 0.9 on a prepaid column with scale 0.3 → a prepaid
 * card adds 3.0 to the logit: "The card ending 4242 is a prepaid card…", weight 3.
 */
export function scoreByAccountModel(model: AccountModel, features: RiskFeatures, context: WordingContext, now: Date): RenewalRisk {
  const byReason = new Map<RiskReasonCode, number>();
  MODEL_COLUMNS.forEach((column, j) => {
    const value = column.value(features);
    if (value === 0) return;
    const contribution = (model.coefficients[j]! * value) / model.scales[j]!;
    byReason.set(column.reason, (byReason.get(column.reason) ?? 0) + contribution);
  });
  const reasons: RiskReason[] = [...byReason]
    .filter(([, weight]) => weight > 0.005)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_REASONS)
    .map(([code, weight]) => ({ code, text: describeReason(code, features, context), weight: Math.round(weight * 100) / 100 }));
  return { score: Math.round(predictFailure(model, features) * 100), reasons, model: 'account_model', scoredAt: now };
}
