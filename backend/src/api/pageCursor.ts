import { AppError } from '../errors';
import type { PageCursor, RecoveryCase } from '../recovery';

/** Opaque cursors: the last case of a page (when it opened, its id), so pages stay stable while new cases arrive. */
export function encodeCursor(last: RecoveryCase): string {
  return Buffer.from(`${last.openedAt.getTime()}.${last.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): PageCursor | null {
  if (cursor === undefined) return null;
  const match = /^(\d{1,15})\.([a-f0-9]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError('parameter_invalid', 'starting_after: not a cursor this API gave out (use next_cursor from the previous page)', 400, 'starting_after');
  return { openedAt: new Date(Number(match[1])), id: match[2]! };
}

/** A page of `limit` from `limit + 1` rows read: the extra row only says there is more. */
export function toPage<T>(rows: RecoveryCase[], limit: number, view: (found: RecoveryCase) => T) {
  const shown = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return { object: 'list' as const, data: shown.map(view), has_more: hasMore, next_cursor: hasMore ? encodeCursor(shown[shown.length - 1]!) : null };
}
