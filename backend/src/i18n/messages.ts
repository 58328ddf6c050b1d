import { IntlMessageFormat } from 'intl-messageformat';
import de from './locales/de.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';
import it from './locales/it.json';
import ja from './locales/ja.json';
import nl from './locales/nl.json';
import ptBR from './locales/pt-BR.json';
import type { Locale } from './locales';

/**
 * Our customer-facing words, as ICU messages (`{amount}`, plurals, selects),
 * one catalog per locale. Messages hold no markup: callers pass values
 * already escaped for where they go, so a formatted message is safe in HTML.
 */

export type MessageKey = keyof typeof en;
export type MessageValues = Record<string, string | number>;

export const CATALOGS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = { en, de, fr, es, it, nl, 'pt-BR': ptBR, ja };

const compiled = new Map<string, IntlMessageFormat>();

function formatterFor(locale: Locale, key: MessageKey): IntlMessageFormat {
  const cacheKey = `${locale}\u0000${key}`;
  let formatter = compiled.get(cacheKey);
  if (!formatter) {
    // A catalog missing a key falls back to English (the catalog test keeps this from happening).
    const source = CATALOGS[locale][key] ?? en[key];
    formatter = new IntlMessageFormat(source, locale);
    compiled.set(cacheKey, formatter);
  }
  return formatter;
}

/** One message in the locale, with its values. */
export function translate(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  return String(formatterFor(locale, key).format(values));
}

/** The names of the values a message takes, e.g. ['amount', 'productName']. */
export function argumentsOf(locale: Locale, key: MessageKey): string[] {
  const names = new Set<string>();
  const walk = (elements: ReturnType<IntlMessageFormat['getAst']>): void => {
    for (const element of elements) {
      // Arguments, numbers, dates, selects and plurals name a value in `value`; plain text (type 0) holds its text there, `#` nothing, tags a tag name.
      if (element.type !== 0 && 'value' in element && typeof element.value === 'string' && !('children' in element)) names.add(element.value);
      if ('options' in element) for (const option of Object.values(element.options)) walk(option.value);
      if ('children' in element) walk(element.children);
    }
  };
  walk(formatterFor(locale, key).getAst());
  return [...names];
}

/**
 * A message as a Handlebars template (emails merchants start their own copy
 * from): each value becomes `{{name}}`.
 * Example: de 'dunning.subject.softReminder' → "Ihre Zahlung für {{productName}} ist nicht durchgegangen".
 */
export function templateOf(locale: Locale, key: MessageKey): string {
  return translate(locale, key, Object.fromEntries(argumentsOf(locale, key).map((name) => [name, `{{${name}}}`])));
}
