import type { CopyByLocale } from './localizedCopy';

/**
 * The dunning sequence as data. Defaults follow what the products we compete
 * with send: a soft reminder on day 0, a retry notice on day 3, an urgent
 * reminder on day 7 and a final notice on day 14, each counted from the day
 * the case opened. Merchants can change days, count, copy, or switch emails off.
 */

export type StepTone = 'soft_reminder' | 'retry_notice' | 'urgent_reminder' | 'final_notice';

/** Which version of the default copy fits the decline. */
export type CopyVariant = 'insufficient_funds' | 'card_must_change' | 'authentication_required' | 'general';

export interface EmailCopy {
  subject: string;
  html: string;
  text: string;
}

export interface DunningStep {
  dayOffset: number;
  tone: StepTone;
  /** A merchant's own copy in their default language; null uses our defaults, which adapt to the decline. */
  custom: EmailCopy | null;
  /** The merchant's own copy for customers in other languages (issue 16); a language without one gets our default in it. */
  customByLocale?: CopyByLocale | null;
}

export interface DunningPolicy {
  enabled: boolean;
  steps: DunningStep[];
  sendConfirmation: boolean;
  /** The customer's local hours in which emails go out: [start, end). */
  daytimeHours: [number, number];
}

export const DEFAULT_DUNNING_POLICY: DunningPolicy = {
  enabled: true,
  steps: [
    { dayOffset: 0, tone: 'soft_reminder', custom: null },
    { dayOffset: 3, tone: 'retry_notice', custom: null },
    { dayOffset: 7, tone: 'urgent_reminder', custom: null },
    { dayOffset: 14, tone: 'final_notice', custom: null },
  ],
  sendConfirmation: true,
  daytimeHours: [9, 18],
};

/** Problems with a merchant's sequence, each naming the step; empty when it is fine. */
export function validateDunningPolicy(policy: DunningPolicy): string[] {
  const problems: string[] = [];
  if (policy.steps.length > 10) problems.push('steps: at most 10 emails in a sequence');
  policy.steps.forEach((step, index) => {
    if (!Number.isInteger(step.dayOffset) || step.dayOffset < 0 || step.dayOffset > 90) problems.push(`steps[${index}].dayOffset: a whole number of days from 0 to 90`);
    if (index > 0 && step.dayOffset <= policy.steps[index - 1]!.dayOffset) problems.push(`steps[${index}].dayOffset: each step must come at least a day after the one before`);
  });
  const [start, end] = policy.daytimeHours;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= 24 && end - start >= 2)) {
    problems.push('daytimeHours: two whole hours from 0 to 24, at least two hours apart');
  }
  return problems;
}
