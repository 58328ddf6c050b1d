/**
 * Intl formatters, kept once made: making one costs far more than formatting
 * with it, and a worker formats dates and amounts for every plan, step and
 * email. One made with options Intl refuses (a zone or currency it does not
 * know) throws each time, as a new one would; at most 1,000 are kept, as the
 * zones and currencies come from Stripe and merchants.
 */
const kept = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
const MAX_KEPT = 1_000;

function keptOrMade<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  const found = kept.get(key) as T | undefined;
  if (found) return found;
  const made = make();
  if (kept.size < MAX_KEPT) kept.set(key, made);
  return made;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return keptOrMade(`date|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return keptOrMade(`number|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

const zoneValidity = new Map<string, boolean>();

/** Whether Intl knows `zone` as a time zone; the answers are remembered (at most 1,000, as the names come from Stripe and merchants). */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      dateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneValidity.size < MAX_KEPT) zoneValidity.set(zone, valid);
  }
  return valid;
}

/** `zone` when Intl knows it, else UTC: a stored or configured name that is not a zone must never fail a date shown or counted. */
export function timeZoneOrUtc(zone: string | null | undefined): string {
  return zone && isValidTimeZone(zone) ? zone : 'UTC';
}
