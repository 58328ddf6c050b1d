import { Schema, type Connection, type Model } from 'mongoose';
import type { Tenancy } from '../renewals/renewalStore';
import type { RiskFeatures } from './riskFeatures';

/**
 * The renewalOutcomes collection: one record per (account, mode,
 * subscription, billing date), what an account's own model learns from. The
 * scoring job writes the features as they were before the charge; the first
 * payment or failure of that period's renewal invoice fills in the outcome,
 * and later events of the same invoice change nothing.
 */

export type RenewalOutcome = 'paid' | 'failed';

export interface RenewalOutcomeRecord extends Tenancy {
  subscriptionId: string;
  customerId: string;
  renewsAt: Date;
  features: RiskFeatures;
  featuresAt: Date;
  outcome: RenewalOutcome | null;
  invoiceId: string | null;
  outcomeAt: Date | null;
}

interface OutcomeDocument extends RenewalOutcomeRecord {
  _id: string;
}

const outcomeSchema = new Schema<OutcomeDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    livemode: { type: Boolean, required: true },
    subscriptionId: { type: String, required: true },
    customerId: { type: String, required: true },
    renewsAt: { type: Date, required: true },
    features: { type: Schema.Types.Mixed, required: true },
    featuresAt: { type: Date, required: true },
    outcome: { type: String, default: null },
    invoiceId: { type: String, default: null },
    outcomeAt: { type: Date, default: null },
  },
  { collection: 'renewalOutcomes', versionKey: false, _id: false },
);
// The model reads an account's newest known outcomes; the outcome hook finds a subscription's open period.
outcomeSchema.index({ accountId: 1, livemode: 1, outcome: 1, renewsAt: -1 });
outcomeSchema.index({ accountId: 1, livemode: 1, subscriptionId: 1, renewsAt: -1 });

/** How far after its billing date an invoice may still settle the period it was cut for (Stripe finalises about an hour after). */
const PERIOD_MATCH_SLACK_MS = 3 * 86_400_000;

export interface RenewalOutcomeStore {
  /** Keeps the newest features of a period whose outcome is not known yet; a known outcome is never changed. */
  noteFeatures(tenancy: Tenancy, entry: { subscriptionId: string; customerId: string; renewsAt: Date; features: RiskFeatures; at: Date }): Promise<void>;
  /**
   * Fills in the outcome of the subscription's latest period due by `at`
   * (plus a few days' slack), the first time only; false when no period
   * waits for one (never scored, or already known).
   */
  recordOutcome(tenancy: Tenancy, entry: { subscriptionId: string; invoiceId: string; outcome: RenewalOutcome; at: Date }): Promise<boolean>;
  /** The newest renewals with a known outcome, for fitting the account's model. */
  listKnown(tenancy: Tenancy, limit: number): Promise<RenewalOutcomeRecord[]>;
  countKnown(tenancy: Tenancy): Promise<number>;
}

export function renewalOutcomeIdOf(tenancy: Tenancy, subscriptionId: string, renewsAt: Date): string {
  return `${tenancy.accountId}:${tenancy.livemode ? 'live' : 'test'}:${subscriptionId}:${renewsAt.getTime()}`;
}

export function createRenewalOutcomeStore(connection: Connection): RenewalOutcomeStore {
  const outcomes: Model<OutcomeDocument> =
    (connection.models.RenewalOutcome as Model<OutcomeDocument> | undefined) ?? connection.model<OutcomeDocument>('RenewalOutcome', outcomeSchema);
  const toRecord = ({ _id: _id, ...rest }: OutcomeDocument): RenewalOutcomeRecord => rest;

  return {
    async noteFeatures(tenancy, entry) {
      const _id = renewalOutcomeIdOf(tenancy, entry.subscriptionId, entry.renewsAt);
      try {
        await outcomes.updateOne(
          { _id, accountId: tenancy.accountId, livemode: tenancy.livemode, outcome: null },
          {
            $set: { features: entry.features, featuresAt: entry.at },
            $setOnInsert: { accountId: tenancy.accountId, livemode: tenancy.livemode, subscriptionId: entry.subscriptionId, customerId: entry.customerId, renewsAt: entry.renewsAt, outcome: null, invoiceId: null, outcomeAt: null },
          },
          { upsert: true },
        );
      } catch (error) {
        // The period's outcome is already known: the filter missed it and the upsert hit its id. Nothing to change.
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    },
    async recordOutcome(tenancy, entry) {
      const open = await outcomes
        .findOne({ accountId: tenancy.accountId, livemode: tenancy.livemode, subscriptionId: entry.subscriptionId, renewsAt: { $lte: new Date(entry.at.getTime() + PERIOD_MATCH_SLACK_MS) } })
        .sort({ renewsAt: -1 })
        .lean<OutcomeDocument>();
      if (!open || open.outcome !== null) return false;
      const written = await outcomes.updateOne(
        { _id: open._id, accountId: tenancy.accountId, livemode: tenancy.livemode, outcome: null },
        { $set: { outcome: entry.outcome, invoiceId: entry.invoiceId, outcomeAt: entry.at } },
      );
      return written.modifiedCount === 1;
    },
    async listKnown(tenancy, limit) {
      const found = await outcomes
        .find({ accountId: tenancy.accountId, livemode: tenancy.livemode, outcome: { $in: ['paid', 'failed'] } })
        .sort({ renewsAt: -1 })
        .limit(limit)
        .lean<OutcomeDocument[]>();
      return found.map(toRecord);
    },
    async countKnown(tenancy) {
      return outcomes.countDocuments({ accountId: tenancy.accountId, livemode: tenancy.livemode, outcome: { $in: ['paid', 'failed'] } });
    },
  };
}

/**
 * The intake hook: a renewal invoice (billing_reason subscription_cycle) was
 * paid or failed for the first time. Other invoices (the first one of a
 * subscription, upgrades, one-offs) are not renewals and record nothing.
 */
export async function recordRenewalOutcome(
  outcomes: RenewalOutcomeStore,
  fact: Tenancy & { subscriptionId: string | null; invoiceId: string; billingReason: string | null; outcome: RenewalOutcome; at: Date },
): Promise<boolean> {
  if (fact.billingReason !== 'subscription_cycle' || !fact.subscriptionId) return false;
  return outcomes.recordOutcome(fact, { subscriptionId: fact.subscriptionId, invoiceId: fact.invoiceId, outcome: fact.outcome, at: fact.at });
}
