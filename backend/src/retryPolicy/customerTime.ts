import { createRequire } from 'node:module';
import type * as CountriesAndTimezones from 'countries-and-timezones' with { 'resolution-mode': 'import' };
import { dateTimeFormat, isValidTimeZone, timeZoneOrUtc } from '../intlFormats';
import { MAIN_ZONE, zoneForRegion } from './regionZones';

export { isValidTimeZone };

// The package ships CommonJS code but declares its types as an ES module: load the code, borrow the types.
const { getCountry } = createRequire(__filename)('countries-and-timezones') as typeof CountriesAndTimezones;

/**
 * Wall-clock time in a customer's time zone, with Intl (deterministic, DST-aware).
 * Pure: every function takes the instant it works from.
 */

/** Where a customer lives, as their Stripe address tells it. */
export interface CustomerPlace {
  country: string | null;
  state?: string | null;
  postalCode?: string | null;
}

/**
 * The customer's zone from their address: the region's zone (state or province,
 * postal code where a state is split) in countries that span zones, else the
 * country's main zone (every ISO 3166 country: countries-and-timezones' data,
 * with our choice of main zone where a country has several), else `fallback`.
 * Example: { country: 'US', state: 'CA' } → America/Los_Angeles; { country: 'US' } →
 * America/New_York; { country: 'CO' } → America/Bogota; { country: null } → fallback.
 */
export function timeZoneForPlace(place: CustomerPlace, fallback: string): string {
  const country = place.country?.trim().toUpperCase() ?? '';
  if (!/^[A-Z]{2}$/.test(country)) return fallback;
  const candidates = [zoneForRegion(country, place.state ?? null, place.postalCode ?? null), MAIN_ZONE[country], ...(getCountry(country)?.timezones ?? [])];
  // The tz data may name a zone newer than this runtime's ICU (Europe/Kyiv on an old Node): take the next that is known.
  return candidates.find((zone): zone is string => typeof zone === 'string' && isValidTimeZone(zone)) ?? fallback;
}

/** The customer's zone from their country alone (its main zone), else the fallback. */
export function timeZoneForCountry(country: string | null, fallback: string): string {
  return timeZoneForPlace({ country }, fallback);
}

/**
 * The one time zone a case is planned and emailed in, so that the date an email
 * promises is the local date of the retry. In order: the zone stored on the case
 * (derived from the customer's address when Stripe told it), else their country's
 * main zone, else the merchant's zone, else UTC; a name that is not an IANA zone is skipped.
 * Example: { customerTimeZone: 'Not/AZone', customerCountry: 'US' } with the
 * merchant in Europe/Paris → America/New_York; with no country → Europe/Paris.
 */
export function customerTimeZoneFor(customer: { customerTimeZone: string | null; customerCountry: string | null }, merchantTimeZone: string): string {
  if (customer.customerTimeZone && isValidTimeZone(customer.customerTimeZone)) return customer.customerTimeZone;
  return timeZoneForCountry(customer.customerCountry, timeZoneOrUtc(merchantTimeZone));
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

/** One set of options for every zone: the formatter of each zone is made once (intlFormats). */
const LOCAL_PARTS: Intl.DateTimeFormatOptions = { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' };
const formatter = (zone: string) => dateTimeFormat('en-US', { timeZone: zone, ...LOCAL_PARTS });
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function localParts(at: Date, zone: string): LocalParts {
  const parts = Object.fromEntries(formatter(zone).formatToParts(at).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  };
}

/** The instant when the wall clock in `zone` shows the given local time (DST gaps move forward). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, zone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two corrections settle the zone's offset, also across a DST change.
  for (let i = 0; i < 2; i += 1) {
    const shown = localParts(new Date(guess), zone);
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
    guess += wanted - shownAsUtc;
  }
  return new Date(guess);
}

/** The next moment at or after `from` when it is `hour`:00 in `zone` (today if not yet passed). */
export function nextLocalHour(from: Date, zone: string, hour: number): Date {
  const local = localParts(from, zone);
  const today = zonedTime(local.year, local.month, local.day, hour, 0, zone);
  if (today >= from) return today;
  const tomorrow = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return zonedTime(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), hour, 0, zone);
}

/** Moves `at` into the local window [startHour, endHour) of `zone`, keeping it if already inside. */
export function withinLocalHours(at: Date, zone: string, startHour: number, endHour: number): Date {
  const local = localParts(at, zone);
  if (local.hour >= startHour && local.hour < endHour) return at;
  return nextLocalHour(at, zone, startHour);
}

/** "Friday 1 May at 09:00": how reasons and emails name a time for the customer (in UTC if `zone` is not a zone). */
export function describeLocalTime(at: Date, zone: string): string {
  const shownZone = timeZoneOrUtc(zone);
  const time = dateTimeFormat('en-GB', { timeZone: shownZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${describeLocalDate(at, shownZone)} at ${time}`;
}

/** "Friday 1 May": the date alone, for emails. A name that is not a zone gives the UTC date: an email step must never fail on it. */
export function describeLocalDate(at: Date, zone: string): string {
  const shownZone = timeZoneOrUtc(zone);
  return dateTimeFormat('en-GB', { timeZone: shownZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at).replace(',', '');
}
