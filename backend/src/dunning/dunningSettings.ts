import type { Branding } from '../accounts';
import { renderEmail, copyForStep, type RenderedEmail } from './dunningEmail';
import type { CopyVariant, DunningPolicy, EmailCopy } from './dunningSteps';
import { validateDunningPolicy } from './dunningSteps';
import { sanitizeEmailHtml } from './emailSanitizer';
import { sampleValues, validateTemplate } from './emailTemplates';

/**
 * Everything wrong with a merchant's sequence, each problem naming the step,
 * the part (subject, html, text), and for templates the line and variable.
 * Example: "steps[1].custom.html line 3: Unknown variable "firstName" …"
 */
export function validateDunningSettings(policy: DunningPolicy): string[] {
  return [...validateDunningPolicy(policy), ...customCopyProblems(policy.steps)];
}

/** Template problems in each step's own copy, named by step and part; `allowed` narrows the variables (pre-dunning's set). */
export function customCopyProblems(steps: ReadonlyArray<{ custom: EmailCopy | null }>, allowed?: Parameters<typeof validateTemplate>[1]): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    if (!step.custom) return;
    for (const part of ['subject', 'html', 'text'] as const) {
      for (const problem of validateTemplate(step.custom[part], allowed)) {
        problems.push(`steps[${index}].custom.${part} line ${problem.line}: ${problem.message}`);
      }
    }
  });
  return problems;
}

/** Each step's own HTML through the allow-list sanitizer, and the parts it took something out of. */
export function sanitizeCustomCopy<Step extends { custom: EmailCopy | null }>(steps: Step[]): { steps: Step[]; removed: string[] } {
  const removed: string[] = [];
  const clean = steps.map((step, index) => {
    if (!step.custom) return step;
    const sanitized = sanitizeEmailHtml(step.custom.html);
    if (sanitized.removedSomething) removed.push(`steps[${index}].custom.html`);
    return { ...step, custom: { ...step.custom, html: sanitized.html } };
  });
  return { steps: clean, removed };
}

/**
 * The sequence with every custom HTML body through the allow-list sanitizer,
 * and the parts it took something out of, for the merchant to see.
 * Example: steps[0].custom.html with a <script> → removed: ['steps[0].custom.html'].
 */
export function sanitizeDunningPolicy(policy: DunningPolicy): { policy: DunningPolicy; removed: string[] } {
  const { steps, removed } = sanitizeCustomCopy(policy.steps);
  return { policy: { ...policy, steps }, removed };
}

/** Renders any step of a sequence with sample data, as the customer would get it. */
export function previewStep(policy: DunningPolicy, stepIndex: number, variant: CopyVariant, branding: Branding): RenderedEmail | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  return renderEmail(copyForStep(step, variant), { ...sampleValues(), productName: branding.productName, merchantName: branding.merchantName }, branding);
}
