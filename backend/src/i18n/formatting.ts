import { dateTimeFormat, numberFormat, timeZoneOrUtc } from '../intlFormats';
import type { Locale } from './locales';

/**
 * Amounts and dates as the customer reads them, in their language and time
 * zone. English dates keep our house style ("Friday 1 May", en-GB order);
 * other languages follow their own conventions through Intl.
 */

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

const intlLocale = (locale: Locale, purpose: 'money' | 'date') => (locale === 'en' ? (purpose === 'money' ? 'en-US' : 'en-GB') : locale);

/**
 * Integer minor units as money in the locale, with Stripe's exponents.
 * Examples: (123456, 'eur', 'de') → "1.234,56 €"; (4900, 'usd', 'en') → "$49.00"; (5000, 'jpy', 'ja') → "￥5,000".
 */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  const code = currency.toLowerCase();
  const exponent = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  try {
    return numberFormat(intlLocale(locale, 'money'), { style: 'currency', currency: code.toUpperCase() }).format(amountMinor / 10 ** exponent);
  } catch {
    // A code Intl does not know still shows its amount.
    return `${(amountMinor / 10 ** exponent).toFixed(exponent)} ${code.toUpperCase()}`;
  }
}

/**
 * A day without the year, in the customer's zone, for emails.
 * Examples: 2026-05-01 in UTC → en "Friday 1 May", de "Freitag, 1. Mai", ja "5月1日金曜日".
 */
export function formatDay(at: Date, zone: string, locale: Locale): string {
  const text = dateTimeFormat(intlLocale(locale, 'date'), { timeZone: timeZoneOrUtc(zone), weekday: 'long', day: 'numeric', month: 'long' }).format(at);
  return locale === 'en' ? text.replace(',', '') : text;
}

/** A day with its year, for pages read later: en "Monday 12 April 2027", de "Montag, 12. April 2027". */
export function formatFullDate(at: Date, zone: string, locale: Locale): string {
  const text = dateTimeFormat(intlLocale(locale, 'date'), { timeZone: timeZoneOrUtc(zone), weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  return locale === 'en' ? text.replace(',', '') : text;
}
