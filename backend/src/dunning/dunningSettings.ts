import type { Branding } from '../accounts';
import { renderEmail, copyForStep, type RenderedEmail } from './dunningEmail';
import type { CopyVariant, DunningPolicy } from './dunningSteps';
import { validateDunningPolicy } from './dunningSteps';
import { sampleValues, validateTemplate } from './emailTemplates';

/**
 * Everything wrong with a merchant's sequence, each problem naming the step,
 * the part (subject, html, text), and for templates the line and variable.
 * Example: "steps[1].custom.html line 3: Unknown variable "firstName" …"
 */
export function validateDunningSettings(policy: DunningPolicy): string[] {
  const problems = validateDunningPolicy(policy);
  policy.steps.forEach((step, index) => {
    if (!step.custom) return;
    for (const part of ['subject', 'html', 'text'] as const) {
      for (const problem of validateTemplate(step.custom[part])) {
        problems.push(`steps[${index}].custom.${part} line ${problem.line}: ${problem.message}`);
      }
    }
  });
  return problems;
}

/** Renders any step of a sequence with sample data, as the customer would get it. */
export function previewStep(policy: DunningPolicy, stepIndex: number, variant: CopyVariant, branding: Branding): RenderedEmail | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  return renderEmail(copyForStep(step, variant), { ...sampleValues(), productName: branding.productName, merchantName: branding.merchantName }, branding);
}
