import type { Locale } from '../i18n';
import type { EmailCopy } from './dunningSteps';

/** A merchant's own copy of one email in other languages than their default: { de: {...}, ja: {...} }. */
export type CopyByLocale = Partial<Record<Locale, EmailCopy>>;

/** A step that may carry the merchant's own copy: `custom` in their default language, `customByLocale` for others. */
export interface LocalizableStep {
  custom: EmailCopy | null;
  customByLocale?: CopyByLocale | null;
}

/**
 * The merchant's own copy of a step for a customer's language, or null for
 * ours. `custom` (the one copy settings held before languages existed) is
 * the merchant's default language's; a copy for the locale itself wins.
 * Example: merchant language en, custom set, customByLocale.de set:
 * a German customer gets customByLocale.de, an English one custom, a French one our French default.
 */
export function merchantCopyFor(step: LocalizableStep, locale: Locale, merchantLanguage: Locale): EmailCopy | null {
  return step.customByLocale?.[locale] ?? (locale === merchantLanguage ? step.custom : null);
}

/** Every own copy of a step with the name of its settings field: ['custom', …] then ['customByLocale.de', …]. */
export function ownCopiesOf(step: LocalizableStep): Array<[string, EmailCopy]> {
  const copies: Array<[string, EmailCopy]> = step.custom ? [['custom', step.custom]] : [];
  for (const [locale, copy] of Object.entries(step.customByLocale ?? {})) if (copy) copies.push([`customByLocale.${locale}`, copy]);
  return copies;
}
