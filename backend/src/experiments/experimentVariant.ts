import { sanitizeDunningPolicy, validateDunningSettings, type DunningPolicy } from '../dunning';
import type { CaseExperiment } from '../recovery';
import { validateRetryPolicy, type RetryPolicy } from '../retryPolicy';
import type { Experiment, ExperimentKind, ExperimentVariant } from './experiment';

/** What a merchant sends as arm B; the kind says which part must be there. */
export interface VariantInput {
  dunning?: DunningPolicy | undefined;
  retryPolicy?: Partial<RetryPolicy> | undefined;
}

export type VariantCheck = { ok: true; variant: ExperimentVariant } | { ok: false; problems: string[] };

/**
 * Arm B checked as the settings check the same part: an email sequence by the
 * dunning rules (templates render, HTML through the allow-list sanitizer), a
 * retry-policy variant merged over the account's current policy by the retry
 * rules (card-network limits included). Each problem names its field.
 * Example: retry_policy with { maxAttempts: 30 } → ['variant.retryPolicy.maxAttempts: at most 15, the Visa limit …'].
 */
export function checkVariant(kind: ExperimentKind, input: VariantInput, currentRetryPolicy: RetryPolicy): VariantCheck {
  if (kind === 'email_sequence') {
    if (input.retryPolicy) return { ok: false, problems: ['variant.retryPolicy: an email_sequence experiment varies the email sequence only (variant.dunning)'] };
    if (!input.dunning) return { ok: false, problems: ['variant.dunning: an email_sequence experiment needs the variant sequence'] };
    const sanitized = sanitizeDunningPolicy(input.dunning).policy;
    const problems = validateDunningSettings(sanitized).map((problem) => `variant.dunning.${problem}`);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, variant: { dunning: sanitized } };
  }
  if (input.dunning) return { ok: false, problems: ['variant.dunning: a retry_policy experiment varies the retry policy only (variant.retryPolicy)'] };
  if (!input.retryPolicy || Object.keys(input.retryPolicy).length === 0) {
    return { ok: false, problems: ['variant.retryPolicy: a retry_policy experiment needs at least one field that differs from the current policy'] };
  }
  const problems = validateRetryPolicy({ ...currentRetryPolicy, ...input.retryPolicy }).map((problem) => `variant.retryPolicy.${problem}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, variant: { retryPolicy: input.retryPolicy } };
}

/** The case's enrollment of one kind, if any. */
export function enrollmentOf(experiments: CaseExperiment[] | undefined, kind: ExperimentKind): CaseExperiment | null {
  return experiments?.find((enrollment) => enrollment.kind === kind) ?? null;
}

/**
 * The retry policy a case runs on: the account's (`current`) unless the case
 * is in arm B of a retry-policy experiment, then the variant's fields over it.
 * A variant that no longer passes over the account's changed policy falls
 * back to the account's: the network limits are never traded for a test.
 * Example: current { maxAttempts: 8 }, variant { maxAttempts: 4 }, arm B → maxAttempts 4.
 */
export function armRetryPolicy(current: RetryPolicy, experiment: Experiment | null, arm: CaseExperiment['arm'] | null): RetryPolicy {
  if (arm !== 'B' || !experiment || !('retryPolicy' in experiment.variant)) return current;
  const variant = { ...current, ...experiment.variant.retryPolicy };
  return validateRetryPolicy(variant).length === 0 ? variant : current;
}

/** The email sequence a case runs on: the variant's in arm B of an email-sequence experiment, else the account's. */
export function armDunningPolicy(current: DunningPolicy, experiment: Experiment | null, arm: CaseExperiment['arm'] | null): DunningPolicy {
  if (arm !== 'B' || !experiment || !('dunning' in experiment.variant)) return current;
  return experiment.variant.dunning;
}
