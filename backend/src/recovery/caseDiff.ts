import { isDeepStrictEqual } from 'node:util';

/**
 * The top-level fields of `after` whose value differs from `before`: what a
 * save sends instead of the whole case. A case carries its timeline, emails
 * and attempts, every field sent is parsed, compared and re-encoded by the
 * database, and a step usually changes a handful. Like a save of the whole
 * case, it never removes a field `after` leaves out.
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value !== undefined && !isDeepStrictEqual(before[key], value)) changed[key] = value;
  }
  return changed;
}
