import { ERASED, PERSONAL_KEYS } from './personalData';

/**
 * The pure half of erasure: given what we know of a customer (their email
 * addresses and names), turns a stored value into the same value without
 * them. Two rules, applied together:
 *
 * - by key: a field named like personal data (PERSONAL_KEYS: email, name,
 *   address, customerEmail, last4, …) becomes null, whatever it holds;
 * - by value: any other string that contains one of the customer's known
 *   values (case-insensitive, masked forms of their emails too) gets it
 *   replaced by "[erased]".
 *
 * Ids, amounts, dates, statuses and counters pass through unchanged.
 * Example: { id: 'in_1', customer_email: 'ann@x.io', amount_due: 4900,
 * lines: [{ description: 'Pro' }] } → { id: 'in_1', customer_email: null,
 * amount_due: 4900, lines: [{ description: null }] }.
 */

/** The customer's own values to look for inside text: emails, names, and the masked emails our views show. */
export interface KnownValues {
  emails: string[];
  names: string[];
}

/** "alice@example.com" → "a***@example.com", as the merchant views and events show an address. */
export function maskedEmailOf(email: string): string | null {
  const [local, domain] = email.split('@');
  return local && domain ? `${local[0]}***@${domain}` : null;
}

/** Every string to replace, longest first (so "Ann Lee" goes before "Ann"); values under 3 characters are too short to search for safely. */
export function searchTermsOf(known: KnownValues): string[] {
  const terms = [...known.emails, ...known.emails.map(maskedEmailOf), ...known.names]
    .filter((term): term is string => typeof term === 'string')
    .map((term) => term.trim())
    .filter((term) => term.length >= 3);
  return [...new Set(terms.map((term) => term.toLowerCase()))].sort((a, b) => b.length - a.length);
}

/** Adds values to a known set (dedupes, drops empties): erasure learns emails and names from every place it reads. */
export function withKnown(known: KnownValues, more: { emails?: (string | null | undefined)[]; names?: (string | null | undefined)[] }): KnownValues {
  const clean = (values: (string | null | undefined)[] = []) => values.filter((value): value is string => typeof value === 'string' && value.trim() !== '');
  return { emails: [...new Set([...known.emails, ...clean(more.emails)])], names: [...new Set([...known.names, ...clean(more.names)])] };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces each term inside `text` by "[erased]", ignoring case. */
export function redactText(text: string, terms: string[]): string {
  if (terms.length === 0) return text;
  const pattern = new RegExp(terms.map(escapeRegExp).join('|'), 'gi');
  return text.replace(pattern, ERASED);
}

/** A deep copy of `value` with personal keys nulled and known values erased from every other string. */
export function redactValue<T>(value: T, terms: string[]): T {
  return walk(value, terms) as T;
}

function walk(value: unknown, terms: string[]): unknown {
  if (typeof value === 'string') return redactText(value, terms);
  if (Array.isArray(value)) return value.map((item) => walk(item, terms));
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  // Database types (ObjectId and the like) are ids: kept as they are.
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, PERSONAL_KEYS.has(key) && inner !== null ? null : walk(inner, terms)]));
}

/** A stored JSON text (a Stripe payload, an API answer, an event body) redacted; text that is not JSON has the known values erased. */
export function redactJsonText(text: string, terms: string[]): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(text) as unknown, terms));
  } catch {
    return redactText(text, terms);
  }
}
