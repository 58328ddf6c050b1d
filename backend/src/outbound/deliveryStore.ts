import { randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { DeliveryAttempt, DeliveryStatus, WebhookDelivery } from './webhookDelivery';

interface DeliveryDocument extends Omit<WebhookDelivery, 'id'> {
  _id: string;
  leaseOwner: string | null;
  leaseUntil: Date;
}

const deliverySchema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    endpointId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'succeeded', 'failed', 'abandoned'] },
    attempts: { type: [new Schema({ at: Date, statusCode: Number, latencyMs: Number, error: String }, { _id: false })], default: [] },
    nextAttemptAt: { type: Date, default: null },
    windowStartedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
  },
  { collection: 'webhookDeliveries', versionKey: false, _id: false },
);
// One delivery per event and endpoint: publishing an event again finds it there.
deliverySchema.index({ endpointId: 1, eventId: 1 }, { unique: true });
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ accountId: 1, livemode: 1, endpointId: 1, createdAt: -1 });

const NEVER_LEASED = new Date(0);

/** What to record once an attempt is over: its log line, and where the delivery stands. */
export interface AttemptResult {
  attempt: DeliveryAttempt;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  windowStartedAt: Date | null;
}

export interface DeliveryStore {
  /** Creates the delivery unless this event already has one for this endpoint; true when created. */
  ensure(input: Omit<WebhookDelivery, 'id' | 'status' | 'attempts' | 'windowStartedAt'>): Promise<boolean>;
  /**
   * Leases up to `limit` due deliveries across accounts for `leaseMs` (a crashed
   * worker's lease runs out and another takes them). The returned lease token
   * must accompany the record of each attempt.
   */
  claimDue(owner: string, now: Date, leaseMs: number, limit: number): Promise<{ lease: string; deliveries: WebhookDelivery[] }>;
  /** Saves an attempt if this lease still holds the delivery; false when another worker took it over. */
  recordAttempt(id: string, lease: string, result: AttemptResult): Promise<boolean>;
  /** Stops a delivery without an attempt (its endpoint was disabled or deleted). */
  abandon(id: string, lease: string): Promise<void>;
  find(accountId: string, livemode: boolean, id: string): Promise<WebhookDelivery | null>;
  findByEvent(accountId: string, livemode: boolean, endpointId: string, eventId: string): Promise<WebhookDelivery | null>;
  /** Newest first; `startingAfter` is the last delivery id of the previous page. */
  listForEndpoint(accountId: string, livemode: boolean, endpointId: string, limit: number, startingAfter: string | null): Promise<WebhookDelivery[] | null>;
  /** Makes the delivery due now with a fresh retry window, whatever became of it; null when unknown. */
  resend(accountId: string, livemode: boolean, id: string, now: Date): Promise<WebhookDelivery | null>;
}

export function createDeliveryStore(connection: Connection): DeliveryStore {
  const deliveries: Model<DeliveryDocument> =
    (connection.models.WebhookDelivery as Model<DeliveryDocument> | undefined) ?? connection.model<DeliveryDocument>('WebhookDelivery', deliverySchema);
  const toDelivery = (doc: DeliveryDocument | null): WebhookDelivery | null => {
    if (!doc) return null;
    const { _id, leaseOwner: _owner, leaseUntil: _until, ...rest } = doc;
    return { ...rest, id: _id, attempts: (rest.attempts ?? []).map((attempt) => ({ ...attempt, at: new Date(attempt.at) })) };
  };
  const due = (now: Date) => ({ status: { $in: ['pending', 'failed'] }, nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } });

  return {
    async ensure(input) {
      const fields = { ...input, status: 'pending', attempts: [], windowStartedAt: null, leaseOwner: null, leaseUntil: NEVER_LEASED };
      try {
        const result = await deliveries.updateOne(
          { endpointId: input.endpointId, eventId: input.eventId, accountId: input.accountId, livemode: input.livemode },
          { $setOnInsert: { _id: `whd_${randomBytes(12).toString('hex')}`, ...fields } },
          { upsert: true },
        );
        return result.upsertedCount === 1;
      } catch (error) {
        // Two publishers racing on one event: the loser finds the winner's delivery.
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    async claimDue(owner, now, leaseMs, limit) {
      // Three queries for a whole batch instead of one findAndModify per delivery; each document is still
      // taken atomically (the update re-checks that it is due and unleased).
      const candidates = await deliveries.find(due(now), { _id: 1 }).limit(limit).lean<Array<{ _id: string }>>();
      const lease = `${owner}:${randomBytes(6).toString('hex')}`;
      if (candidates.length === 0) return { lease, deliveries: [] };
      const ids = candidates.map((candidate) => candidate._id);
      await deliveries.updateMany({ _id: { $in: ids }, ...due(now) }, { $set: { leaseOwner: lease, leaseUntil: new Date(now.getTime() + leaseMs) } });
      const claimed = await deliveries.find({ _id: { $in: ids }, leaseOwner: lease }).lean<DeliveryDocument[]>();
      return { lease, deliveries: claimed.map((doc) => toDelivery(doc)!) };
    },
    async recordAttempt(id, lease, result) {
      const { attempt, ...state } = result;
      const updated = await deliveries.updateOne(
        { _id: id, leaseOwner: lease },
        { $push: { attempts: attempt }, $set: { ...state, leaseOwner: null, leaseUntil: NEVER_LEASED } },
      );
      return updated.matchedCount === 1;
    },
    async abandon(id, lease) {
      await deliveries.updateOne({ _id: id, leaseOwner: lease }, { $set: { status: 'abandoned', nextAttemptAt: null, leaseOwner: null, leaseUntil: NEVER_LEASED } });
    },
    async find(accountId, livemode, id) {
      return toDelivery(await deliveries.findOne({ _id: id, accountId, livemode }).lean<DeliveryDocument>());
    },
    async findByEvent(accountId, livemode, endpointId, eventId) {
      return toDelivery(await deliveries.findOne({ accountId, livemode, endpointId, eventId }).lean<DeliveryDocument>());
    },
    async listForEndpoint(accountId, livemode, endpointId, limit, startingAfter) {
      const scope = { accountId, livemode, endpointId };
      let after = {};
      if (startingAfter) {
        const last = await deliveries.findOne({ ...scope, _id: startingAfter }, { createdAt: 1 }).lean<{ createdAt: Date }>();
        if (!last) return null;
        after = { $or: [{ createdAt: { $lt: last.createdAt } }, { createdAt: last.createdAt, _id: { $lt: startingAfter } }] };
      }
      const rows = await deliveries.find({ ...scope, ...after }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<DeliveryDocument[]>();
      return rows.map((doc) => toDelivery(doc)!);
    },
    async resend(accountId, livemode, id, now) {
      const result = await deliveries.updateOne({ _id: id, accountId, livemode }, { $set: { status: 'pending', nextAttemptAt: now, windowStartedAt: null } });
      if (result.matchedCount !== 1) return null;
      return toDelivery(await deliveries.findOne({ _id: id, accountId, livemode }).lean<DeliveryDocument>());
    },
  };
}
