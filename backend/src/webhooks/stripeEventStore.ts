import { Schema, type Connection, type Model } from 'mongoose';

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

export type StoredEventStatus = 'pending' | 'handled' | 'ignored' | 'failed';

/** A run of attempts that ended with the event parked as failed, kept when it is handled again. */
export interface EarlierFailure {
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  /** When it was given a new start: re-delivered by Stripe, or re-queued with `npm run events:retry`. */
  requeuedAt: Date;
}

/** Which failed events to re-queue: received at or after `since`, optionally of these types or accounts only. */
export interface FailedEventFilter {
  since: Date;
  types?: string[];
  accountIds?: string[];
}

export interface StoredStripeEvent {
  eventId: string;
  accountId: string;
  livemode: boolean;
  /** The event came through a Connect (App) install rather than the self-hosted account. */
  isAppInstall: boolean;
  type: string;
  objectId: string | null;
  eventCreatedAt: Date;
  /** The exact body Stripe signed, kept as text so no field name is rewritten by storage. */
  payload: string;
  status: StoredEventStatus;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: Date;
  outcome: string | null;
  lastError: string | null;
  receivedAt: Date;
  handledAt: Date | null;
  /** Earlier runs that ended as failed, oldest first; absent when the event never failed. */
  earlierFailures?: EarlierFailure[];
}

const eventFields = {
  _id: { type: String, required: true },
  eventId: { type: String, required: true },
  accountId: { type: String, required: true },
  livemode: { type: Boolean, required: true },
  isAppInstall: { type: Boolean, required: true },
  type: { type: String, required: true },
  objectId: { type: String, default: null },
  eventCreatedAt: { type: Date, required: true },
  payload: { type: String, required: true },
  status: { type: String, required: true, enum: ['pending', 'handled', 'ignored', 'failed'] },
  attempts: { type: Number, default: 0 },
  leaseOwner: { type: String, default: null },
  leaseUntil: { type: Date, required: true },
  outcome: { type: String, default: null },
  lastError: { type: String, default: null },
  receivedAt: { type: Date, required: true },
  handledAt: { type: Date, default: null },
  earlierFailures: {
    type: [{ _id: false, attempts: Number, lastError: String, receivedAt: Date, requeuedAt: Date }],
    default: undefined,
  },
};
const recordSchema = new Schema(eventFields, { collection: 'stripeEvents', versionKey: false });
// The index earlier versions claimed with; kept so finding what they left pending never scans the record.
recordSchema.index({ status: 1, leaseUntil: 1 });
const inboxSchema = new Schema(eventFields, { collection: 'stripeEventInbox', versionKey: false });
inboxSchema.index({ leaseUntil: 1 });

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
  /** Takes a pending event whose lease has run out (in no particular order), leasing it to owner. */
  claimDue(owner: string, now: Date, leaseMs: number): Promise<StoredStripeEvent | null>;
  /** Moves events an earlier version left pending in the record into the inbox; returns how many. */
  adoptPendingRecords(): Promise<number>;
  /** True when the event was already handled or ignored; a failed one may be handled again (re-delivered or re-queued). */
  isRecorded(eventId: string): Promise<boolean>;
  /** Removes a re-delivered copy of an event that was recorded before. */
  discard(eventId: string, owner: string): Promise<void>;
  /** Records the event's outcome and takes it out of the inbox. */
  finish(event: StoredStripeEvent, owner: string, status: 'handled' | 'ignored', outcome: string, at: Date): Promise<void>;
  /** Records a failed attempt; the event is tried again after retryAt, or recorded as failed when giveUp. */
  fail(event: StoredStripeEvent, owner: string, error: string, retryAt: Date, giveUp: boolean): Promise<void>;
  /**
   * Puts failed events back into the inbox, due at once with their attempts
   * starting over and the failure kept in earlierFailures; returns those re-queued.
   * One already waiting again (Stripe re-delivered it) is left as it is.
   */
  requeueFailed(filter: FailedEventFilter, now: Date): Promise<StoredStripeEvent[]>;
  /** True when an event already said this invoice or payment was paid, voided or written off. */
  hasSettlement(accountId: string, objectId: string): Promise<boolean>;
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

  async function insertOnce(model: Model<EventDocument>, event: StoredStripeEvent): Promise<'stored' | 'duplicate'> {
    try {
      // The driver's insert, not a mongoose document: intake builds the event itself, fully typed, and
      // at a thousand events a second building and validating a document per event is measurable.
      await connection.collection<EventDocument>(model.collection.collectionName).insertOne({ ...event, _id: event.eventId });
      return 'stored';
    } catch (error) {
      if (isDuplicateKey(error)) return 'duplicate';
      throw error;
    }
  }

  /**
   * Writes the final record, then takes the event out of the inbox; a crash in between leaves a copy the next claim discards.
   * A record parked as failed earlier is replaced, its failure kept in the history.
   */
  async function moveToRecord(event: StoredStripeEvent, owner: string, final: Partial<StoredStripeEvent>): Promise<void> {
    const record = { ...event, ...final, leaseOwner: null };
    if ((await insertOnce(records, record)) === 'duplicate') {
      const parked = await records.findOne({ _id: event.eventId, status: 'failed' }).lean<EventDocument>();
      if (parked) {
        // A re-queued copy already carries the parked run in its history; a re-delivered one does not yet.
        const earlierFailures = event.earlierFailures?.length ? event.earlierFailures : [...(parked.earlierFailures ?? []), failureOf(parked, event.receivedAt)];
        await records.replaceOne({ _id: event.eventId, status: 'failed' }, { ...record, earlierFailures });
      }
    }
    await inbox.deleteOne({ _id: event.eventId, leaseOwner: owner });
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
      return insertOnce(event.status === 'pending' ? inbox : records, event);
    },
    async claimDue(owner, now, leaseMs) {
      // No sort: the inbox holds only waiting events, so taking any due one is fair and
      // never makes the server order the whole collection. No projection either:
      // FerretDB's findAndModify does not take one.
      const claimed = await inbox
        .findOneAndUpdate(
          { leaseUntil: { $lte: now } },
          { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
          { new: true },
        )
        .lean<EventDocument>();
      if (!claimed) return null;
      const { _id, ...event } = claimed;
      return event;
    },
    async adoptPendingRecords() {
      const waiting = await records.find({ status: 'pending' }).lean<EventDocument[]>();
      for (const { _id, ...event } of waiting) {
        await insertOnce(inbox, { ...event, leaseOwner: null });
        await records.deleteOne({ _id, status: 'pending' });
      }
      return waiting.length;
    },
    async isRecorded(eventId) {
      return (await records.exists({ _id: eventId, status: { $ne: 'failed' } })) !== null;
    },
    async discard(eventId, owner) {
      await inbox.deleteOne({ _id: eventId, leaseOwner: owner });
    },
    async finish(event, owner, status, outcome, at) {
      await moveToRecord(event, owner, { status, outcome, handledAt: at, lastError: null });
    },
    async fail(event, owner, error, retryAt, giveUp) {
      const lastError = error.slice(0, 2000);
      if (giveUp) {
        await moveToRecord(event, owner, { status: 'failed', lastError });
        return;
      }
      await inbox.updateOne({ _id: event.eventId, leaseOwner: owner }, { $set: { lastError, leaseUntil: retryAt, leaseOwner: null } });
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
