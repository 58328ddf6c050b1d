import { customCopyProblems, sanitizeCustomCopy, type CopyByLocale, type EmailCopy } from '../dunning';

/**
 * The merchant's pre-dunning sequence: reminders before a renewal whose card
 * expires first. Default 30, 14 and 3 days before the billing date, in our
 * own copy; merchants may change days, count and copy like the dunning steps.
 */

export interface PreDunningStep {
  /** Whole days before the renewal, 1 to 60; each step comes later (fewer days before) than the one before it. */
  daysBefore: number;
  /** A merchant's own copy in their default language; null uses ours. */
  custom: EmailCopy | null;
  /** The merchant's own copy for customers in other languages (issue 16). */
  customByLocale?: CopyByLocale | null;
}

export interface PreDunningPolicy {
  enabled: boolean;
  steps: PreDunningStep[];
}

export const DEFAULT_PRE_DUNNING_POLICY: PreDunningPolicy = {
  enabled: true,
  steps: [
    { daysBefore: 30, custom: null },
    { daysBefore: 14, custom: null },
    { daysBefore: 3, custom: null },
  ],
};

export const MAX_PRE_DUNNING_STEPS = 5;
export const MAX_DAYS_BEFORE = 60;

/** The variables a pre-dunning template may use, with what a preview shows for each. */
export const REMINDER_VARIABLES = {
  customerName: { description: "The customer's first name, or 'there' when Stripe has none", sample: 'Alice' },
  productName: { description: "The merchant's product name", sample: 'Acme Analytics' },
  merchantName: { description: "The merchant's business name", sample: 'Acme Inc.' },
  supportEmail: { description: "The merchant's support address", sample: 'support@acme.test' },
  card_brand: { description: 'The card brand, e.g. Visa', sample: 'Visa' },
  card_last4: { description: 'The last four digits of the card', sample: '4242' },
  card_expiry: { description: 'When the card expires, MM/YYYY', sample: '03/2027' },
  renewal_date: { description: 'The renewal date, in the customer’s time', sample: 'Monday 12 April' },
  renewal_amount: { description: 'What the renewal will charge, with its currency', sample: '$49.00' },
  card_update_url: { description: 'The customer’s card-update link', sample: 'https://recover.example.com/update?token=…' },
} as const;

export type ReminderVariable = keyof typeof REMINDER_VARIABLES;
export type ReminderValues = Partial<Record<ReminderVariable, string>>;
const reminderVariableNames: ReadonlySet<string> = new Set(Object.keys(REMINDER_VARIABLES));

/** Problems with the sequence itself, each naming the step; empty when it is fine. */
export function validatePreDunningPolicy(policy: PreDunningPolicy): string[] {
  const problems: string[] = [];
  if (policy.steps.length > MAX_PRE_DUNNING_STEPS) problems.push(`steps: at most ${MAX_PRE_DUNNING_STEPS} reminders before a renewal`);
  policy.steps.forEach((step, index) => {
    if (!Number.isInteger(step.daysBefore) || step.daysBefore < 1 || step.daysBefore > MAX_DAYS_BEFORE) problems.push(`steps[${index}].daysBefore: a whole number of days from 1 to ${MAX_DAYS_BEFORE}`);
    if (index > 0 && step.daysBefore >= policy.steps[index - 1]!.daysBefore) problems.push(`steps[${index}].daysBefore: each reminder must come at least a day closer to the renewal than the one before`);
  });
  return problems;
}

/**
 * Everything wrong with a merchant's sequence, templates included, by the
 * same rules as dunning's (validateTemplate) with the pre-dunning variables.
 * Example: "steps[1].custom.html line 3: Unknown variable "amount" …"
 */
export function validatePreDunningSettings(policy: PreDunningPolicy): string[] {
  return [...validatePreDunningPolicy(policy), ...customCopyProblems(policy.steps, reminderVariableNames)];
}

/** The sequence with every custom HTML body through dunning's allow-list sanitizer, and the parts it took something out of. */
export function sanitizePreDunningPolicy(policy: PreDunningPolicy): { policy: PreDunningPolicy; removed: string[] } {
  const { steps, removed } = sanitizeCustomCopy(policy.steps);
  return { policy: { ...policy, steps }, removed };
}
