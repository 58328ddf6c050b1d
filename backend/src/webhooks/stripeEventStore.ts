import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { batchedInserts, insertOnce as insertDocumentOnce, writeErrorsOf } from '../database/batchedInserts';
import { inboxSchema, recordSchema, type EarlierFailure, type FailedEventFilter, type FinishedEvent, type StoredEventStatus, type StoredStripeEvent } from './storedStripeEvent';

export type { EarlierFailure, FailedEventFilter, FinishedEvent, StoredEventStatus, StoredStripeEvent } from './storedStripeEvent';

/**
 * Every Stripe event we accepted, stored before we answer 2xx, under its
 * Stripe id as the document's _id, so re-deliveries are no-ops and every
 * lookup of an event is a primary-key lookup on any MongoDB-compatible server.
 *
 * Intake writes one document: the event goes into a small inbox, which holds
 * only events still to be handled. A worker claims inbox entries (a lease, so
 * another instance takes over from a crashed one), handles them, then moves
 * each into the permanent record. Keeping the two apart keeps the claim cheap
 * however many events were ever received: it never has to look past handled
 * ones. Settling events also leave a small marker per invoice or payment, so
 * "was this already paid?" is a key lookup rather than a search.
 */

const settlementSchema = new Schema(
  { _id: { type: String, required: true }, accountId: { type: String, required: true }, objectId: { type: String, required: true }, type: { type: String, required: true } },
  { collection: 'stripeSettlements', versionKey: false },
);
const settlementId = (accountId: string, objectId: string) => `${accountId}|${objectId}`;

/** Event types after which an invoice or payment can no longer start a recovery. */
const SETTLING_TYPES = ['invoice.paid', 'invoice.payment_succeeded', 'invoice.voided', 'invoice.marked_uncollectible', 'payment_intent.succeeded'];

export interface StripeEventStore {
  /**
   * Stores a new event: pending ones into the inbox, others straight into the record.
   * 'duplicate' when its id is already waiting or was recorded as not used; a
   * re-delivery of an event handled earlier is caught when it is claimed.
   */
  record(event: StoredStripeEvent): Promise<'stored' | 'duplicate'>;
  /**
   * Takes up to `limit` pending events whose lease has run out (in no particular order) with one read and
   * one write, leasing them under a name of this claim's own (`owner#…`, in each event's leaseOwner) that
   * guards their finish and fail.
   */
  claimBatch(owner: string, now: Date, leaseMs: number, limit: number): Promise<StoredStripeEvent[]>;
  /**
   * Whether an event became due after `since` and still waits, unclaimed: intake stored it meanwhile (its lease
   * starts when it arrives), or a retry fell due. One read of the leaseUntil index, at most one event.
   */
  arrivedSince(since: Date, now: Date): Promise<boolean>;
  /** Moves events an earlier version left pending in the record into the inbox; returns how many. */
  adoptPendingRecords(): Promise<number>;
  /** Which of these events were already handled or ignored; a failed one may be handled again (re-delivered or re-queued). */
  recordedAmong(eventIds: string[]): Promise<Set<string>>;
  /**
   * Records the outcomes of handled events and takes them out of the inbox, with re-delivered copies of events
   * recorded before: one insert and one delete for all of them. Call it only once their effects are saved.
   */
  finishAll(finished: FinishedEvent[], discarded: StoredStripeEvent[]): Promise<void>;
  /** Records a failed attempt of a claimed event; it is tried again after retryAt, or recorded as failed when giveUp. */
  fail(event: StoredStripeEvent, error: string, retryAt: Date, giveUp: boolean): Promise<void>;
  /**
   * Puts failed events back into the inbox, due at once with their attempts
   * starting over and the failure kept in earlierFailures; returns those re-queued.
   * One already waiting again (Stripe re-delivered it) is left as it is.
   */
  requeueFailed(filter: FailedEventFilter, now: Date): Promise<StoredStripeEvent[]>;
  /** True when an event already said this invoice or payment was paid, voided or written off. */
  hasSettlement(accountId: string, objectId: string): Promise<boolean>;
  /** hasSettlement for several at once, in one query: the `accountId|objectId` of each one that was settled. */
  settledAmong(targets: { accountId: string; objectId: string }[]): Promise<Set<string>>;
  find(eventId: string): Promise<StoredStripeEvent | null>;
  countByStatus(): Promise<Record<StoredEventStatus, number>>;
}

type EventDocument = StoredStripeEvent & { _id: string };

type SettlementDocument = { _id: string; accountId: string; objectId: string; type: string };

function modelOf(connection: Connection, name: string, schema: Schema): Model<EventDocument> {
  return (connection.models[name] as Model<EventDocument> | undefined) ?? connection.model<EventDocument>(name, schema);
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

const failureOf = (parked: StoredStripeEvent, requeuedAt: Date): EarlierFailure => ({
  attempts: parked.attempts,
  lastError: parked.lastError,
  receivedAt: parked.receivedAt,
  requeuedAt,
});

export function createStripeEventStore(connection: Connection): StripeEventStore {
  const records = modelOf(connection, 'StripeEvent', recordSchema);
  const inbox = modelOf(connection, 'StripeEventInbox', inboxSchema);
  const settlements: Model<SettlementDocument> =
    (connection.models.StripeSettlement as Model<SettlementDocument> | undefined) ?? connection.model('StripeSettlement', settlementSchema);
  const withoutId = { _id: 0 };
  // Intake's inserts, grouped while one is in flight: at a burst's rate, webhooks arriving together share one command.
  const intakeInserts = {
    inbox: batchedInserts(() => connection.collection<EventDocument>(inbox.collection.collectionName)),
    records: batchedInserts(() => connection.collection<EventDocument>(records.collection.collectionName)),
  };

  function insertOnce(model: Model<EventDocument>, event: StoredStripeEvent): Promise<'stored' | 'duplicate'> {
    // The driver's insert, not a mongoose document: the event is built fully typed, and building and validating a
    // document per event is measurable at a thousand events a second.
    return insertDocumentOnce(connection.collection<EventDocument>(model.collection.collectionName), { ...event, _id: event.eventId });
  }

  /** A record parked as failed earlier is replaced by the new outcome, its failure kept in the history. */
  async function replaceParked(event: StoredStripeEvent, record: StoredStripeEvent): Promise<void> {
    const parked = await records.findOne({ _id: event.eventId, status: 'failed' }).lean<EventDocument>();
    if (!parked) return;
    // A re-queued copy already carries the parked run in its history; a re-delivered one does not yet.
    const earlierFailures = event.earlierFailures?.length ? event.earlierFailures : [...(parked.earlierFailures ?? []), failureOf(parked, event.receivedAt)];
    await records.replaceOne({ _id: event.eventId, status: 'failed' }, { ...record, earlierFailures });
  }

  /** Writes the final record, then takes the event out of the inbox; a crash in between leaves a copy the next claim discards. */
  async function moveToRecord(event: StoredStripeEvent, final: Partial<StoredStripeEvent>): Promise<void> {
    const record = { ...event, ...final, leaseOwner: null };
    if ((await insertOnce(records, record)) === 'duplicate') await replaceParked(event, record);
    await inbox.deleteOne({ _id: event.eventId, leaseOwner: event.leaseOwner });
  }

  return {
    async record(event) {
      // The marker first: if the event's insert then fails, we answer 503, Stripe re-sends, and both end up written.
      if (event.objectId && SETTLING_TYPES.includes(event.type)) {
        // An insert that may find the marker there already: one write, where an upsert reads first.
        await connection
          .collection<SettlementDocument>(settlements.collection.collectionName)
          .insertOne({ _id: settlementId(event.accountId, event.objectId), accountId: event.accountId, objectId: event.objectId, type: event.type })
          .catch((error: unknown) => {
            if (!isDuplicateKey(error)) throw error;
          });
      }
      return (event.status === 'pending' ? intakeInserts.inbox : intakeInserts.records)({ ...event, _id: event.eventId });
    },
    async claimBatch(owner, now, leaseMs, limit) {
      // No sort: the inbox holds only waiting events, so taking any due ones is fair and never makes the
      // server order the whole collection.
      const due = await inbox.find({ leaseUntil: { $lte: now } }).limit(limit).lean<EventDocument[]>();
      if (due.length === 0) return [];
      const leaseOwner = `${owner}#${randomBytes(4).toString('hex')}`;
      const leaseUntil = new Date(now.getTime() + leaseMs);
      // One update of the events read, by their ids, each still due: one another instance claimed meanwhile
      // carries its lease into the future and stays its own. One command, one transaction on the dev database.
      const result = await inbox.updateMany({ _id: { $in: due.map((found) => found._id) }, leaseUntil: { $lte: now } }, { $set: { leaseOwner, leaseUntil }, $inc: { attempts: 1 } });
      const claimed: StoredStripeEvent[] = due.map(({ _id, ...event }) => ({ ...event, leaseOwner, leaseUntil, attempts: event.attempts + 1 }));
      if (result.modifiedCount === due.length) return claimed;
      const ours = await Promise.all(claimed.map(async (event) => ((await inbox.exists({ _id: event.eventId, leaseOwner })) ? event : null)));
      return ours.filter((event): event is StoredStripeEvent => event !== null);
    },
    async arrivedSince(since, now) {
      return (await inbox.collection.findOne({ leaseUntil: { $gt: since, $lte: now } }, { projection: { _id: 1 } })) !== null;
    },
    async adoptPendingRecords() {
      const waiting = await records.find({ status: 'pending' }).lean<EventDocument[]>();
      for (const { _id, ...event } of waiting) {
        await insertOnce(inbox, { ...event, leaseOwner: null });
        await records.deleteOne({ _id, status: 'pending' });
      }
      return waiting.length;
    },
    async recordedAmong(eventIds) {
      if (eventIds.length === 0) return new Set();
      // One query for the batch: an _id list is looked up through the _id index (on the dev database too).
      const recorded = await records.find({ _id: { $in: eventIds }, status: { $ne: 'failed' } }, { _id: 1 }).lean<{ _id: string }[]>();
      return new Set(recorded.map((found) => found._id));
    },
    async finishAll(finished, discarded) {
      if (finished.length > 0) {
        const finals = finished.map(({ event, status, outcome, at }) => ({ ...event, status, outcome, handledAt: at, lastError: null, leaseOwner: null, _id: event.eventId }));
        try {
          await connection.collection<EventDocument>(records.collection.collectionName).insertMany(finals, { ordered: false });
        } catch (error) {
          // Only events recorded before (parked as failed, or left by a crash between these two writes) collide.
          const failures = writeErrorsOf(error);
          if (!failures || failures.some((failure) => failure.code !== 11000)) throw error;
          for (const failure of failures) await replaceParked(finished[failure.index]!.event, finals[failure.index]!);
        }
      }
      const leaving = [...finished.map(({ event }) => event), ...discarded];
      if (leaving.length === 0) return;
      // Each event leaves only while it is still ours (its claim's lease owner). A batch's events share their claim's owner,
      // so this is one delete of them all, not one per event: one query and one transaction on the dev database.
      const byOwner = new Map<string | null, string[]>();
      for (const event of leaving) {
        const ids = byOwner.get(event.leaseOwner) ?? [];
        ids.push(event.eventId);
        byOwner.set(event.leaseOwner, ids);
      }
      const collection = connection.collection<EventDocument>(inbox.collection.collectionName);
      await Promise.all([...byOwner].map(([leaseOwner, ids]) => collection.deleteMany({ _id: { $in: ids }, leaseOwner })));
    },
    async fail(event, error, retryAt, giveUp) {
      const lastError = error.slice(0, 2000);
      if (giveUp) {
        await moveToRecord(event, { status: 'failed', lastError });
        return;
      }
      await inbox.updateOne({ _id: event.eventId, leaseOwner: event.leaseOwner }, { $set: { lastError, leaseUntil: retryAt, leaseOwner: null } });
    },
    async requeueFailed(filter, now) {
      const parked = await records
        .find({
          status: 'failed',
          receivedAt: { $gte: filter.since },
          ...(filter.types?.length ? { type: { $in: filter.types } } : {}),
          ...(filter.accountIds?.length ? { accountId: { $in: filter.accountIds } } : {}),
        })
        .lean<EventDocument[]>();
      const requeued: StoredStripeEvent[] = [];
      for (const { _id, ...event } of parked) {
        const fresh: StoredStripeEvent = {
          ...event,
          status: 'pending',
          attempts: 0,
          leaseOwner: null,
          leaseUntil: now,
          outcome: null,
          lastError: null,
          handledAt: null,
          earlierFailures: [...(event.earlierFailures ?? []), failureOf(event, now)],
        };
        // Into the inbox first: a crash before the delete leaves a failed record the finished copy replaces.
        if ((await insertOnce(inbox, fresh)) === 'duplicate') continue;
        await records.deleteOne({ _id, status: 'failed' });
        requeued.push(fresh);
      }
      return requeued;
    },
    async hasSettlement(accountId, objectId) {
      return (await settlements.exists({ _id: settlementId(accountId, objectId) })) !== null;
    },
    async settledAmong(targets) {
      if (targets.length === 0) return new Set();
      const found = await settlements.find({ _id: { $in: [...new Set(targets.map((target) => settlementId(target.accountId, target.objectId)))] } }, { _id: 1 }).lean<{ _id: string }[]>();
      return new Set(found.map((settled) => settled._id));
    },
    async find(eventId) {
      return (
        (await records.findOne({ _id: eventId }, withoutId).lean<StoredStripeEvent>()) ??
        inbox.findOne({ _id: eventId }, withoutId).lean<StoredStripeEvent>()
      );
    },
    async countByStatus() {
      const counts: Record<StoredEventStatus, number> = { pending: 0, handled: 0, ignored: 0, failed: 0 };
      const rows = await records.aggregate<{ _id: StoredEventStatus; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]);
      for (const row of rows) counts[row._id] = row.count;
      counts.pending += await inbox.countDocuments();
      return counts;
    },
  };
}
