/**
 * The simulator's own reading of local time (not the planner's), so that a
 * mistake in the planner's time zone code shows up in the figures instead of
 * hiding in both. Offsets are looked up once per zone and UTC hour.
 */
const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, found);
  }
  return found;
}

/** Milliseconds the zone's clock is ahead of UTC at `atMs`. */
export function offsetMs(atMs: number, zone: string): number {
  const hourKey = `${zone}|${Math.floor(atMs / HOUR_MS)}`;
  let offset = offsets.get(hourKey);
  if (offset === undefined) {
    const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(atMs)).map((part) => [part.type, part.value]));
    const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    offset = shown - Math.floor(atMs / 60_000) * 60_000;
    offsets.set(hourKey, offset);
  }
  return offset;
}

/** The local hour (0–23, fractional) at `atMs` in `zone`. */
export function localHour(atMs: number, zone: string): number {
  const local = atMs + offsetMs(atMs, zone);
  return ((local % 86_400_000) + 86_400_000) % 86_400_000 / HOUR_MS;
}

/** The local calendar date at `atMs` in `zone`, as a UTC-midnight timestamp (for weekday and day-of-month arithmetic). */
export function localDate(atMs: number, zone: string): Date {
  const local = new Date(atMs + offsetMs(atMs, zone));
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}

/** The instant the wall clock in `zone` shows `hour`:00 on the given local date (UTC-midnight timestamp). */
export function instantAtLocal(localDay: Date, hour: number, zone: string): number {
  const wanted = localDay.getTime() + hour * HOUR_MS;
  let guess = wanted;
  for (let i = 0; i < 2; i += 1) guess = wanted - offsetMs(guess, zone);
  return guess;
}
