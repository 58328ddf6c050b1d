import type { Connection } from 'mongoose';

/**
 * Stripe's raw events (the exact payloads, with customers' emails, names and
 * addresses) are kept RAW_EVENT_RETENTION_DAYS after we received them, then
 * deleted whole: id, type and outcome with the payload. Nothing needs them
 * longer: Stripe stops re-delivering an event after 3 days, so the ids that
 * catch re-deliveries are kept long enough (the setting's minimum is 4 days),
 * and an event handled twice changes nothing anyway (each case remembers the
 * events it applied, in `appliedEventIds`). The small settlement markers
 * ("this invoice was paid": ids only) live in stripeSettlements and stay.
 * Events still waiting in the inbox are never expired.
 *
 * On MongoDB a TTL index on `receivedAt` deletes them; FerretDB 1.x refuses
 * the TTL option and deletes nothing by itself, so the worker's
 * purge-expired-stripe-events job deletes them too (a no-op where TTL ran).
 */

export const RAW_EVENT_COLLECTION = 'stripeEvents';
export const RAW_EVENT_TTL_INDEX = 'receivedAt_ttl';
const PLAIN_INDEX = 'receivedAt_1';

/** Creates (or adjusts) the expiry index; returns 'ttl' where the database deletes by itself, 'plain' where the purge job must. */
export async function ensureRawEventExpiryIndex(connection: Connection, retentionDays: number): Promise<'ttl' | 'plain'> {
  const collection = connection.collection(RAW_EVENT_COLLECTION);
  const expireAfterSeconds = retentionDays * 86_400;
  const existing = (await collection.indexes().catch(() => [])).find((index) => index.name === RAW_EVENT_TTL_INDEX);
  // A changed setting changes the index: drop the old one first (collMod is not on FerretDB's list).
  if (existing && existing.expireAfterSeconds !== expireAfterSeconds) await collection.dropIndex(RAW_EVENT_TTL_INDEX);
  try {
    await collection.createIndex({ receivedAt: 1 }, { expireAfterSeconds, name: RAW_EVENT_TTL_INDEX });
    return 'ttl';
  } catch (error) {
    if (!/expireAfterSeconds.*not implemented/i.test(error instanceof Error ? error.message : String(error))) throw error;
    await collection.createIndex({ receivedAt: 1 }, { name: PLAIN_INDEX });
    return 'plain';
  }
}

/** When events received before this moment are past their retention. */
export function rawEventCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}

/** Deletes recorded events past their retention, across accounts; returns how many. */
export async function purgeExpiredRawEvents(connection: Connection, now: Date, retentionDays: number): Promise<number> {
  const result = await connection.collection(RAW_EVENT_COLLECTION).deleteMany({ receivedAt: { $lt: rawEventCutoff(now, retentionDays) } });
  return result.deletedCount;
}
