/**
 * The languages customers get their emails and pages in. One JSON catalog
 * each in locales/; `en` is the reference every other catalog must match.
 */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt-BR', 'ja'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

export function isSupportedLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

const byLowerCase = new Map<string, Locale>(SUPPORTED_LOCALES.map((locale) => [locale.toLowerCase(), locale]));
const byLanguage = new Map<string, Locale>(SUPPORTED_LOCALES.map((locale) => [locale.split('-')[0]!.toLowerCase(), locale]));

/** The supported locale a tag names exactly (case and `_` forgiven), else the one of its language; null when neither. */
function matchLocale(tag: string): Locale | null {
  const normalized = tag.trim().replace(/_/g, '-').toLowerCase();
  if (!normalized) return null;
  return byLowerCase.get(normalized) ?? byLanguage.get(normalized.split('-')[0]!) ?? null;
}

/**
 * The language a customer is written to in: the first of the customer's
 * Stripe `preferred_locales` (in their order) that we support, matched
 * exactly and then by language alone; else the merchant's default language;
 * else English.
 * Examples: ['de-AT'] → de; ['pt'] → pt-BR; ['sv', 'fr-CA'] → fr;
 * [] with merchant 'nl' → nl; ['sv'] with no merchant choice → en.
 */
export function chooseLocale(preferredLocales: readonly string[] | null | undefined, merchantLanguage: string | null | undefined): Locale {
  for (const tag of preferredLocales ?? []) {
    const match = typeof tag === 'string' ? matchLocale(tag) : null;
    if (match) return match;
  }
  return isSupportedLocale(merchantLanguage) ? merchantLanguage : DEFAULT_LOCALE;
}

/**
 * The language tags of an HTTP Accept-Language header, most wanted first (q=0 dropped).
 * Example: "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5" → ['fr-CH', 'fr', 'en'].
 */
export function acceptedLanguages(header: string | null | undefined): string[] {
  return (header ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(params.map((param) => param.trim()).find((param) => param.startsWith('q='))?.slice(2) ?? 1);
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The merchant's default language as stored in their settings; English when unset or no longer supported. */
export function merchantLanguageOf(settings: { language?: unknown } | null | undefined): Locale {
  return isSupportedLocale(settings?.language) ? settings.language : DEFAULT_LOCALE;
}
