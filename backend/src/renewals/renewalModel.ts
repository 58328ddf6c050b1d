import { Schema, type Connection, type Model } from 'mongoose';
import type { Renewal } from './renewal';

/**
 * The renewals collection's schema and indexes: what a renewal is in the
 * database. `_id` is the renewal's id (account, mode, subscription), so one
 * subscription never has two renewals.
 *
 * Beside the record the document keeps when each kind of fact was last
 * applied (subscription, card, customer): they arrive on different events in
 * any order, and a late event must only lose against a newer fact of its own
 * kind. `factAt` on the record is the newest of them.
 */
export interface RenewalDocument extends Omit<Renewal, 'id'> {
  _id: string;
  subscriptionFactAt: Date | null;
  cardFactAt: Date | null;
  customerFactAt: Date | null;
  /** When the daily pass last re-read the subscription at Stripe; null: never. */
  refreshedAt: Date | null;
}

const preDunningSchema = new Schema(
  {
    forRenewalAt: { type: Date, default: null },
    sent: { type: [Schema.Types.Mixed], default: [] },
    stoppedBecause: { type: String, default: null },
    stoppedAt: { type: Date, default: null },
    nextReminderAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
  },
  { _id: false },
);

const disputeSchema = new Schema({ disputeId: { type: String, required: true }, openedAt: { type: Date, required: true } }, { _id: false });

const renewalSchema = new Schema<RenewalDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    isAppInstall: { type: Boolean, required: true },
    subscriptionId: { type: String, required: true },
    customerId: { type: String, required: true },
    customerEmail: { type: String, default: null },
    customerName: { type: String, default: null },
    customerCountry: { type: String, default: null },
    customerLocales: { type: [String], default: undefined },
    status: { type: String, required: true },
    cancelAtPeriodEnd: { type: Boolean, required: true },
    renewsAt: { type: Date, default: null },
    amountMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    card: { type: Schema.Types.Mixed, default: null },
    cardSource: { type: String, default: null },
    lastPaidAt: { type: Date, default: null },
    lastPaidAmountMinor: { type: Number, default: null },
    preDunning: { type: preDunningSchema, required: true },
    risk: { type: Schema.Types.Mixed, default: null },
    riskAlertedFor: { type: Date, default: null },
    lastReminderAt: { type: Date, default: null },
    customerDisputes: { type: [disputeSchema], default: [] },
    factAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    subscriptionFactAt: { type: Date, default: null },
    cardFactAt: { type: Date, default: null },
    customerFactAt: { type: Date, default: null },
    refreshedAt: { type: Date, default: null },
  },
  { collection: 'renewals', versionKey: false, minimize: false },
);
// The reminder sender's claim, across accounts.
renewalSchema.index({ 'preDunning.nextReminderAt': 1, 'preDunning.leaseUntil': 1 });
// The daily pass's claim, across accounts.
renewalSchema.index({ refreshedAt: 1, livemode: 1 });
// The at-risk list: highest score first, ties soonest renewal, then id for stable pages.
renewalSchema.index({ accountId: 1, livemode: 1, 'risk.score': -1, renewsAt: 1, _id: 1 });
// Renewals due in a window, soonest first: scoring and the daily pass.
renewalSchema.index({ accountId: 1, livemode: 1, renewsAt: 1, _id: 1 });
// A customer's or a card's renewals, led by the customer or the card: the selective field first (see caseModel.ts).
renewalSchema.index({ customerId: 1, accountId: 1, livemode: 1 });
renewalSchema.index({ 'card.paymentMethodId': 1, accountId: 1, livemode: 1 });
renewalSchema.index({ 'card.fingerprint': 1, accountId: 1, livemode: 1 });
// Redundant with _id by construction; it states the rule where a reader looks for it.
renewalSchema.index({ accountId: 1, livemode: 1, subscriptionId: 1 }, { unique: true });

export function renewalModelOf(connection: Connection): Model<RenewalDocument> {
  return (connection.models.Renewal as Model<RenewalDocument> | undefined) ?? connection.model<RenewalDocument>('Renewal', renewalSchema);
}

/** The record as the domain sees it: the bookkeeping fields stay in the database. */
export function toRenewal(doc: RenewalDocument | null): Renewal | null {
  if (!doc) return null;
  const { _id, subscriptionFactAt: _s, cardFactAt: _c, customerFactAt: _u, refreshedAt: _r, ...fields } = doc;
  return {
    id: _id,
    ...fields,
    preDunning: { ...doc.preDunning, sent: doc.preDunning.sent ?? [] },
    lastReminderAt: doc.lastReminderAt ?? null,
    // Renewals saved before disputes were counted have none recorded.
    customerDisputes: doc.customerDisputes ?? [],
  };
}
