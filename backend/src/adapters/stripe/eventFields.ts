/** Reading fields of Stripe's event payloads, which arrive as untyped JSON. */

type Json = Record<string, unknown>;

/** Stripe fields hold either an id or the expanded object; an empty id is none. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as Json).id === 'string') return (value as Json).id as string;
  return null;
}

/** A non-empty string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** Stripe's Unix seconds as a date. */
export function timestamp(value: unknown): Date | null {
  const seconds = integer(value);
  return seconds === null ? null : new Date(seconds * 1000);
}
