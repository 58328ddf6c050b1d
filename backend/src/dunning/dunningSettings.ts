import type { Branding } from '../accounts';
import { renderEmail, copyForStep, type RenderedEmail } from './dunningEmail';
import type { CopyVariant, DunningPolicy } from './dunningSteps';
import { validateDunningPolicy } from './dunningSteps';
import { sanitizeEmailHtml } from './emailSanitizer';
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

/**
 * The sequence with every custom HTML body through the allow-list sanitizer,
 * and the parts it took something out of, for the merchant to see.
 * Example: steps[0].custom.html with a <script> → removed: ['steps[0].custom.html'].
 */
export function sanitizeDunningPolicy(policy: DunningPolicy): { policy: DunningPolicy; removed: string[] } {
  const removed: string[] = [];
  const steps = policy.steps.map((step, index) => {
    if (!step.custom) return step;
    const clean = sanitizeEmailHtml(step.custom.html);
    if (clean.removedSomething) removed.push(`steps[${index}].custom.html`);
    return { ...step, custom: { ...step.custom, html: clean.html } };
  });
  return { policy: { ...policy, steps }, removed };
}

/** Renders any step of a sequence with sample data, as the customer would get it. */
export function previewStep(policy: DunningPolicy, stepIndex: number, variant: CopyVariant, branding: Branding): RenderedEmail | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  return renderEmail(copyForStep(step, variant), { ...sampleValues(), productName: branding.productName, merchantName: branding.merchantName }, branding);
}
