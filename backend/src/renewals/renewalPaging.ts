import type { Renewal } from './renewal';
import type { AtRiskFilter } from './renewalStore';

/**
 * Keyset pages over renewals. A cursor names the last renewal of a page by its
 * sort key, so a page never repeats or skips a renewal that stayed put while
 * others were added or removed. Cursors are opaque to callers (base64url).
 */

/** Subscription statuses that still renew: a canceled, incomplete or paused subscription charges nobody. */
export const RENEWING_STATUSES = ['active', 'trialing', 'past_due'] as const;

/** A cursor that this store did not give out (or that belongs to the other list). */
export class RenewalCursorInvalid extends Error {
  constructor() {
    super('not a cursor this list gave out');
    this.name = 'RenewalCursorInvalid';
  }
}

type Filter = Record<string, unknown>;

export function renewingFilter(): Filter {
  return { status: { $in: [...RENEWING_STATUSES] }, cancelAtPeriodEnd: false };
}

// ---- soonest first (listRenewingBetween)

export function encodeDateCursor(last: Renewal): string {
  return Buffer.from(JSON.stringify(['d', last.renewsAt!.getTime(), last.id])).toString('base64url');
}

export function afterDateCursor(cursor: string | null): Filter {
  if (cursor === null) return {};
  const [kind, renewsAtMs, id] = decode(cursor);
  if (kind !== 'd' || typeof renewsAtMs !== 'number' || typeof id !== 'string') throw new RenewalCursorInvalid();
  const renewsAt = new Date(renewsAtMs);
  return { $or: [{ renewsAt: { $gt: renewsAt } }, { renewsAt, _id: { $gt: id } }] };
}

// ---- highest risk first (listAtRisk)

export function encodeRiskCursor(last: Renewal): string {
  return Buffer.from(JSON.stringify(['r', last.risk!.score, last.renewsAt!.getTime(), last.id])).toString('base64url');
}

export function afterRiskCursor(cursor: string | null): Filter {
  if (cursor === null) return {};
  const [kind, score, renewsAtMs, id] = decode(cursor);
  if (kind !== 'r' || typeof score !== 'number' || typeof renewsAtMs !== 'number' || typeof id !== 'string') throw new RenewalCursorInvalid();
  const renewsAt = new Date(renewsAtMs);
  return {
    $or: [{ 'risk.score': { $lt: score } }, { 'risk.score': score, renewsAt: { $gt: renewsAt } }, { 'risk.score': score, renewsAt, _id: { $gt: id } }],
  };
}

/** The at-risk filter as a query: only scored renewals that still renew, inside the window. */
export function atRiskQuery(filter: AtRiskFilter): Filter {
  const query: Filter = {
    ...renewingFilter(),
    renewsAt: { $gte: filter.renewsFrom ?? new Date(0), $lt: filter.renewsBefore },
    'risk.score': { $gte: filter.minScore ?? 0 },
  };
  if (filter.reasonCode !== undefined) query['risk.reasons.code'] = filter.reasonCode;
  if (filter.preDunning !== undefined) Object.assign(query, preDunningStatusQuery(filter.preDunning));
  return query;
}

/** Mirrors preDunningStatusOf (preDunningStatus.ts) as a query. */
function preDunningStatusQuery(status: NonNullable<AtRiskFilter['preDunning']>): Filter {
  const notStopped = { 'preDunning.stoppedBecause': null };
  switch (status) {
    case 'stopped':
      return { 'preDunning.stoppedBecause': { $ne: null } };
    case 'sent':
      return { ...notStopped, 'preDunning.sent.0': { $exists: true } };
    case 'planned':
      return { ...notStopped, 'preDunning.sent.0': { $exists: false }, 'preDunning.nextReminderAt': { $ne: null } };
    case 'none':
      return { ...notStopped, 'preDunning.sent.0': { $exists: false }, 'preDunning.nextReminderAt': null };
  }
}

function decode(cursor: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed)) return parsed as unknown[];
  } catch {
    // falls through: any unreadable cursor is the same mistake to the caller
  }
  throw new RenewalCursorInvalid();
}
