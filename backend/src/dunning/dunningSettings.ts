import type { Branding } from '../accounts';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, isSupportedLocale, type Locale } from '../i18n';
import { renderEmail, copyForStep, type RenderedEmail } from './dunningEmail';
import type { CopyVariant, DunningPolicy, EmailCopy } from './dunningSteps';
import { validateDunningPolicy } from './dunningSteps';
import { sanitizeEmailHtml } from './emailSanitizer';
import { sampleValues, validateTemplate } from './emailTemplates';
import { ownCopiesOf, type LocalizableStep } from './localizedCopy';

/**
 * Everything wrong with a merchant's sequence, each problem naming the step,
 * the part (subject, html, text), and for templates the line and variable.
 * Example: "steps[1].custom.html line 3: Unknown variable "firstName" …"
 */
export function validateDunningSettings(policy: DunningPolicy): string[] {
  return [...validateDunningPolicy(policy), ...customCopyProblems(policy.steps)];
}

/**
 * Template problems in each step's own copy, in every language, named by step, field and part;
 * `allowed` narrows the variables (pre-dunning's set).
 * Example: "steps[0].customByLocale.de.subject line 1: Unknown variable …".
 */
export function customCopyProblems(steps: ReadonlyArray<LocalizableStep>, allowed?: Parameters<typeof validateTemplate>[1]): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    for (const locale of Object.keys(step.customByLocale ?? {})) {
      if (!isSupportedLocale(locale)) problems.push(`steps[${index}].customByLocale.${locale}: not a supported language (${SUPPORTED_LOCALES.join(', ')})`);
    }
    for (const [field, copy] of ownCopiesOf(step)) {
      for (const part of ['subject', 'html', 'text'] as const) {
        for (const problem of validateTemplate(copy[part], allowed)) {
          problems.push(`steps[${index}].${field}.${part} line ${problem.line}: ${problem.message}`);
        }
      }
    }
  });
  return problems;
}

/** Each step's own HTML, in every language, through the allow-list sanitizer, and the parts it took something out of. */
export function sanitizeCustomCopy<Step extends LocalizableStep>(steps: Step[]): { steps: Step[]; removed: string[] } {
  const removed: string[] = [];
  const clean = (copy: EmailCopy, name: string): EmailCopy => {
    const sanitized = sanitizeEmailHtml(copy.html);
    if (sanitized.removedSomething) removed.push(name);
    return { ...copy, html: sanitized.html };
  };
  const cleanSteps = steps.map((step, index) => {
    const custom = step.custom ? clean(step.custom, `steps[${index}].custom.html`) : step.custom;
    if (!step.customByLocale) return { ...step, custom };
    const byLocale = Object.fromEntries(Object.entries(step.customByLocale).map(([locale, copy]) => [locale, copy ? clean(copy, `steps[${index}].customByLocale.${locale}.html`) : copy]));
    return { ...step, custom, customByLocale: byLocale };
  });
  return { steps: cleanSteps, removed };
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

/** Renders any step of a sequence with sample data, as a customer in `locale` would get it. */
export function previewStep(policy: DunningPolicy, stepIndex: number, variant: CopyVariant, branding: Branding, locale: Locale = DEFAULT_LOCALE, merchantLanguage: Locale = DEFAULT_LOCALE): RenderedEmail | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  const values = { ...sampleValues(locale), productName: branding.productName, merchantName: branding.merchantName };
  return renderEmail(copyForStep(step, variant, locale, merchantLanguage), values, branding, locale);
}
