import type { Model } from 'mongoose';
import type { PreDunningState, Renewal } from './renewal';
import { toRenewal, type RenewalDocument } from './renewalModel';
import type { SubscriptionFact } from './renewalStore';
import { renewalIdOf } from './renewal';

/** Compare-and-set rounds before giving up: each lost round means another writer changed this very renewal meanwhile. */
const MAX_ROUNDS = 8;

/** A period's reminders from scratch: nothing sent, nothing planned, nothing stopped. */
export function freshPreDunning(forRenewalAt: Date | null): PreDunningState {
  return { forRenewalAt, sent: [], stoppedBecause: null, stoppedAt: null, nextReminderAt: null, leaseUntil: null, leaseOwner: null };
}

/**
 * Applies what Stripe said about a subscription. The rules:
 * - first sight creates the renewal;
 * - a fact older than the last subscription fact applied changes nothing
 *   (Stripe delivers events out of order);
 * - a new renewsAt starts a fresh pre-dunning period (reminders sent, planned
 *   and stopped all reset), while riskAlertedFor keeps its date, so a period's
 *   alert never repeats and the next period's may go out.
 * Example: fact at 10:00 says renews 1 May; fact at 09:00 (late) says 1 April:
 * ignored; fact at 11:00 says 1 June: the May reminders are gone, June's start.
 */
export async function applySubscriptionFact(renewals: Model<RenewalDocument>, fact: SubscriptionFact): Promise<Renewal> {
  const id = renewalIdOf(fact.accountId, fact.livemode, fact.subscriptionId);
  const tenancy = { accountId: fact.accountId, livemode: fact.livemode };
  const fields = {
    isAppInstall: fact.isAppInstall,
    subscriptionId: fact.subscriptionId,
    customerId: fact.customerId,
    status: fact.status,
    cancelAtPeriodEnd: fact.cancelAtPeriodEnd,
    renewsAt: fact.renewsAt,
    amountMinor: fact.amountMinor,
    currency: fact.currency,
  };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const current = await renewals.findOne({ _id: id, ...tenancy }).lean<RenewalDocument>();
    if (!current) {
      const created = await insertRenewal(renewals, { _id: id, ...tenancy, ...fields }, fact.at);
      if (created) return created;
      continue;
    }
    if (current.subscriptionFactAt && current.subscriptionFactAt > fact.at) return toRenewal(current)!;
    const newPeriod = !sameDate(current.renewsAt, fact.renewsAt);
    const saved = await renewals
      .findOneAndUpdate(
        { _id: id, ...tenancy, subscriptionFactAt: current.subscriptionFactAt, renewsAt: current.renewsAt },
        {
          $set: { ...fields, subscriptionFactAt: fact.at, updatedAt: new Date(), ...(newPeriod ? { preDunning: freshPreDunning(fact.renewsAt) } : {}) },
          $max: { factAt: fact.at },
        },
        { new: true },
      )
      .lean<RenewalDocument>();
    if (saved) return toRenewal(saved)!;
  }
  throw new Error(`renewal ${id}: gave up after ${MAX_ROUNDS} conflicting writes`);
}

async function insertRenewal(
  renewals: Model<RenewalDocument>,
  base: Pick<RenewalDocument, '_id' | 'accountId' | 'livemode' | 'isAppInstall' | 'subscriptionId' | 'customerId' | 'status' | 'cancelAtPeriodEnd' | 'renewsAt' | 'amountMinor' | 'currency'>,
  at: Date,
): Promise<Renewal | null> {
  const doc: RenewalDocument = {
    ...base,
    customerEmail: null,
    customerName: null,
    customerCountry: null,
    card: null,
    cardSource: null,
    lastPaidAt: null,
    lastPaidAmountMinor: null,
    preDunning: freshPreDunning(base.renewsAt),
    risk: null,
    riskAlertedFor: null,
    lastReminderAt: null,
    customerDisputes: [],
    factAt: at,
    updatedAt: new Date(),
    subscriptionFactAt: at,
    cardFactAt: null,
    customerFactAt: null,
    // As fresh as the fact that created it: the daily pass re-reads it a day on.
    refreshedAt: at,
  };
  try {
    await renewals.create(doc);
    return toRenewal(doc);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return null;
    throw error;
  }
}

function sameDate(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}
