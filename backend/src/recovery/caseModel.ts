import { Schema, type Connection, type Model } from 'mongoose';
import type { RecoveryCase } from './recoveryCase';

/**
 * The recoveryCases collection's schema and indexes: what a case is in the
 * database. Every query names accountId; writes are guarded by revision.
 */

const timelineEntrySchema = new Schema(
  { at: { type: Date, required: true }, kind: { type: String, required: true }, summary: { type: String, required: true }, eventId: String, count: Number, lastAt: Date, by: Schema.Types.Mixed },
  { _id: false },
);

const caseSchema = new Schema(
  {
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    caseKey: { type: String, required: true },
    target: { type: Schema.Types.Mixed, required: true },
    stripeCustomerId: { type: String, default: null },
    customerEmail: { type: String, default: null },
    customerName: { type: String, default: null },
    subscriptionId: { type: String, default: null },
    order: { type: Schema.Types.Mixed, default: null },
    metadata: { type: Schema.Types.Mixed, default: null },
    amountMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    status: { type: String, required: true, enum: ['active', 'recovered', 'exhausted', 'canceled', 'churned'] },
    outcome: { type: Schema.Types.Mixed, default: null },
    decline: { type: Schema.Types.Mixed, default: null },
    card: { type: Schema.Types.Mixed, default: null },
    needsCustomerAction: { type: Boolean, default: false },
    stripeAttemptCount: { type: Number, default: 0 },
    failureCount: { type: Number, default: 0 },
    nextStripeRetryAt: { type: Date, default: null },
    openedAt: { type: Date, required: true },
    lastFailedAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
    paymentMethodChangedAt: { type: Date, default: null },
    hostedInvoiceUrl: { type: String, default: null },
    newPaymentMethodId: { type: String, default: null },
    triedCards: { type: [Schema.Types.Mixed], default: [] },
    customerCountry: { type: String, default: null },
    customerTimeZone: { type: String, default: null },
    customerLocales: { type: [String], default: undefined },
    ourAttempts: { type: [Schema.Types.Mixed], default: [] },
    plannedAction: { type: Schema.Types.Mixed, default: null },
    nextActionAt: { type: Date, default: null },
    nextActionTrigger: { type: String, default: null },
    emails: { type: [Schema.Types.Mixed], default: [] },
    dunningStepsDone: { type: [Number], default: [] },
    nextEmailAt: { type: Date, default: null },
    emailLeaseUntil: { type: Date, default: () => new Date(0) },
    sendingStep: { type: Schema.Types.Mixed, default: null },
    confirmationDueAt: { type: Date, default: null },
    emailStatus: { type: String, default: 'ok' },
    pausedAt: { type: Date, default: null },
    reminderRequestedAt: { type: Date, default: null },
    openingDeclineBucket: { type: String, default: null },
    group: { type: String, enum: ['treated', 'control'] },
    countsInLift: { type: Boolean },
    actionFailures: { type: Number, default: 0 },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: () => new Date(0) },
    experiments: { type: [Schema.Types.Mixed], default: undefined },
    appliedEventIds: { type: [String], default: [] },
    timeline: { type: [timelineEntrySchema], default: [] },
    outbox: { type: [Schema.Types.Mixed], default: [] },
    eventSequence: { type: Number, default: 0 },
    outboxDueAt: { type: Date, default: null },
    // The card keys of the card attempts in the outbox (kept until it is empty, then removed): how a step finds other
    // cases' attempts not yet in the ledger. Absent rather than empty, so an index on it holds only cases with such attempts.
    // One key is stored as a plain string, several as a list (see outboxCardKeysAfter): MongoDB matches a key against
    // either, and the dev database's index serves only the string, so the usual case is not read among every waiting one.
    outboxCardKeys: { type: Schema.Types.Mixed, default: undefined },
    // The card key of the attempt this case has in flight at Stripe (set with the attempt, cleared with its answer; see
    // caseStore.chargingCardKeyOf): how a step sees that another case is charging the same card right now.
    chargingCardKey: { type: String, default: null },
    outboxLeaseUntil: { type: Date, default: () => new Date(0) },
    outboxLeaseOwner: { type: String, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { collection: 'recoveryCases', versionKey: false, minimize: false, timestamps: true },
);
caseSchema.index({ accountId: 1, caseKey: 1 }, { unique: true });
caseSchema.index({ status: 1, nextActionAt: 1 });
caseSchema.index({ status: 1, nextEmailAt: 1 });
caseSchema.index({ status: 1, confirmationDueAt: 1 });
// A customer's cases, led by the customer: the selective field first, so an engine that can use only an index's
// leading field (FerretDB's SQLite) reads that customer's few cases, not the whole account's.
caseSchema.index({ stripeCustomerId: 1, accountId: 1 });
caseSchema.index({ subscriptionId: 1, accountId: 1, status: 1 });
// The outbox relay's claim: cases with entries to relay whose relay lease has run out.
caseSchema.index({ outboxDueAt: 1, outboxLeaseUntil: 1 });
// A card's attempts still waiting in outboxes (caseOutboxStore.pendingCardAttempts), read before every charge.
caseSchema.index({ outboxCardKeys: 1, accountId: 1 });
// Another case's charge in flight on a card (caseStore.otherChargeInFlight), read after a step's claim, before its charge.
caseSchema.index({ chargingCardKey: 1, accountId: 1 });

caseSchema.index({ accountId: 1, livemode: 1, openedAt: -1, _id: -1 });

export type CaseDocument = Omit<RecoveryCase, 'id'> & { _id: unknown };

/** The recoveryCases model of a connection (one per connection, shared by the case and outbox stores). */
export function caseModelOf(connection: Connection): Model<CaseDocument> {
  return (connection.models.RecoveryCase as Model<CaseDocument> | undefined) ?? connection.model<CaseDocument>('RecoveryCase', caseSchema);
}
