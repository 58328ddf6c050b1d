import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Every Stripe event we accepted, stored before we answer 2xx, under its
 * Stripe id as the document's _id: re-deliveries are no-ops, and every later
 * lookup of the event is a primary-key lookup on any MongoDB-compatible
 * server. The lease lets any instance take over an event whose handler
 * crashed. Settling events also leave a small marker per invoice or payment,
 * so "was this already paid?" is a key lookup rather than a search.
 */

export type StoredEventStatus = 'pending' | 'handled' | 'ignored' | 'failed';

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
}

const eventSchema = new Schema(
  {
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
  },
  { collection: 'stripeEvents', versionKey: false },
);
eventSchema.index({ status: 1, leaseUntil: 1 });

const settlementSchema = new Schema(
  { _id: { type: String, required: true }, accountId: { type: String, required: true }, objectId: { type: String, required: true }, type: { type: String, required: true } },
  { collection: 'stripeSettlements', versionKey: false },
);
const settlementId = (accountId: string, objectId: string) => `${accountId}|${objectId}`;

/** Event types after which an invoice or payment can no longer start a recovery. */
const SETTLING_TYPES = ['invoice.paid', 'invoice.payment_succeeded', 'invoice.voided', 'invoice.marked_uncollectible', 'payment_intent.succeeded'];

export interface StripeEventStore {
  /** Stores a new event; 'duplicate' when its id was stored before. */
  record(event: StoredStripeEvent): Promise<'stored' | 'duplicate'>;
  /** Takes the oldest pending event whose lease has run out, leasing it to owner. */
  claimDue(owner: string, now: Date, leaseMs: number): Promise<StoredStripeEvent | null>;
  finish(eventId: string, owner: string, status: 'handled' | 'ignored', outcome: string, at: Date): Promise<void>;
  /** Records a failed attempt; the event is tried again after retryAt, or given up when giveUp. */
  fail(eventId: string, owner: string, error: string, retryAt: Date, giveUp: boolean): Promise<void>;
  /** True when an event already said this invoice or payment was paid, voided or written off. */
  hasSettlement(accountId: string, objectId: string): Promise<boolean>;
  find(eventId: string): Promise<StoredStripeEvent | null>;
  countByStatus(): Promise<Record<StoredEventStatus, number>>;
}

export function createStripeEventStore(connection: Connection): StripeEventStore {
  const events: Model<StoredStripeEvent> =
    (connection.models.StripeEvent as Model<StoredStripeEvent> | undefined) ??
    connection.model<StoredStripeEvent>('StripeEvent', eventSchema);
  const settlements: Model<{ _id: string; accountId: string; objectId: string; type: string }> =
    (connection.models.StripeSettlement as Model<{ _id: string; accountId: string; objectId: string; type: string }> | undefined) ??
    connection.model('StripeSettlement', settlementSchema);
  const withoutId = { _id: 0 };

  return {
    async record(event) {
      // The marker first: if the event's insert then fails, we answer 503, Stripe re-sends, and both end up written.
      if (event.objectId && SETTLING_TYPES.includes(event.type)) {
        await settlements.updateOne(
          { _id: settlementId(event.accountId, event.objectId) },
          { $setOnInsert: { accountId: event.accountId, objectId: event.objectId, type: event.type } },
          { upsert: true },
        );
      }
      try {
        await events.create({ _id: event.eventId, ...event });
        return 'stored';
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return 'duplicate';
        throw error;
      }
    },
    async claimDue(owner, now, leaseMs) {
      // No projection here: FerretDB's findAndModify does not take one.
      const claimed = await events
        .findOneAndUpdate(
          { status: 'pending', leaseUntil: { $lte: now } },
          { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
          { sort: { leaseUntil: 1 }, new: true },
        )
        .lean<StoredStripeEvent & { _id?: unknown }>();
      if (!claimed) return null;
      const { _id, ...event } = claimed;
      return event;
    },
    async finish(eventId, owner, status, outcome, at) {
      await events.updateOne(
        { _id: eventId, leaseOwner: owner, status: 'pending' },
        { $set: { status, outcome, handledAt: at, leaseOwner: null, lastError: null } },
      );
    },
    async fail(eventId, owner, error, retryAt, giveUp) {
      await events.updateOne(
        { _id: eventId, leaseOwner: owner, status: 'pending' },
        { $set: { status: giveUp ? 'failed' : 'pending', lastError: error.slice(0, 2000), leaseUntil: retryAt, leaseOwner: null } },
      );
    },
    async hasSettlement(accountId, objectId) {
      return (await settlements.exists({ _id: settlementId(accountId, objectId) })) !== null;
    },
    async find(eventId) {
      return events.findOne({ _id: eventId }, withoutId).lean<StoredStripeEvent>();
    },
    async countByStatus() {
      const counts: Record<StoredEventStatus, number> = { pending: 0, handled: 0, ignored: 0, failed: 0 };
      const rows = await events.aggregate<{ _id: StoredEventStatus; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]);
      for (const row of rows) counts[row._id] = row.count;
      return counts;
    },
  };
}
