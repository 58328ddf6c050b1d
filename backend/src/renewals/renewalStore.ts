import type { Connection } from 'mongoose';
import type { CardSource, CustomerDispute, Renewal, RenewalCard, RenewalRisk, ReminderSent, ReminderStop } from './renewal';
import { renewalIdOf } from './renewal';
import { applySubscriptionFact } from './subscriptionWrite';
import { renewalModelOf, toRenewal, type RenewalDocument } from './renewalModel';
import { afterDateCursor, afterRiskCursor, atRiskQuery, encodeDateCursor, encodeRiskCursor, renewingFilter } from './renewalPaging';

/**
 * The renewals collection's port. Every read and write names the account and
 * the mode, so one merchant's renewals, or one mode's, are never touched from
 * the other (the reminder claim and listTenancies serve every account, and
 * writes by id name both through the id). createRenewalStore below implements
 * it on mongoose; schema and indexes are in renewalModel.ts.
 */

export interface Tenancy {
  accountId: string;
  livemode: boolean;
}

/** What intake learns about a subscription, from an event or from a read at Stripe. */
export interface SubscriptionFact extends Tenancy {
  isAppInstall: boolean;
  subscriptionId: string;
  customerId: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  renewsAt: Date | null;
  amountMinor: number;
  currency: string;
  /** When Stripe said it (event.created, or the time of the read): older facts never overwrite newer ones. */
  at: Date;
}

export interface CustomerFact extends Tenancy {
  customerId: string;
  email: string | null;
  name: string | null;
  country: string | null;
  /** Stripe's `preferred_locales`; absent leaves the stored ones. */
  preferredLocales?: string[];
  at: Date;
}

export interface AtRiskFilter {
  /** Renewals due from now up to this date (default: 30 days ahead). */
  renewsBefore: Date;
  /** Renewals due from this date on (pass now); none earlier than it. Absent: no lower bound. */
  renewsFrom?: Date;
  minScore?: number;
  /** Only renewals with this reason code among their reasons. */
  reasonCode?: string;
  /** Only renewals whose reminders are in this state. */
  preDunning?: 'planned' | 'sent' | 'stopped' | 'none';
}

export interface RenewalPage {
  renewals: Renewal[];
  /** Opaque; pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface RenewalStore {
  /** Creates the renewal on first sight; a new renewsAt starts a fresh pre-dunning period. Returns it as saved. */
  applySubscription(fact: SubscriptionFact): Promise<Renewal>;
  /** Updates the customer's email, name and country on every renewal of that customer. */
  applyCustomer(fact: CustomerFact): Promise<void>;
  /** The card the renewal will be charged on; null when none. */
  setCard(tenancy: Tenancy, subscriptionId: string, card: RenewalCard | null, source: CardSource | null, at: Date): Promise<Renewal | null>;
  /** Every renewal whose card is this payment method (or has this fingerprint), for account-updater and card-change events. */
  findByCard(tenancy: Tenancy, card: { paymentMethodId: string; fingerprint: string | null }): Promise<Renewal[]>;
  findByCustomer(tenancy: Tenancy, customerId: string): Promise<Renewal[]>;
  get(tenancy: Tenancy, subscriptionId: string): Promise<Renewal | null>;
  /** Records the last paid invoice of the subscription (invoice.paid). */
  recordPaid(tenancy: Tenancy, subscriptionId: string, paidAt: Date, amountMinor: number): Promise<void>;
  /** Adds the customer's dispute to each of their renewals that does not have it yet; returns how many renewals gained it. */
  recordDispute(tenancy: Tenancy, customerId: string, dispute: CustomerDispute): Promise<number>;

  /** Plans (or clears, with null) the next reminder of the current period. */
  planReminder(id: string, nextReminderAt: Date | null): Promise<void>;
  /** Takes up to `limit` renewals whose reminder is due, held for `leaseMs` by `owner`; a crashed holder's lease expires. */
  claimDueReminders(now: Date, limit: number, owner: string, leaseMs: number): Promise<Renewal[]>;
  /**
   * Saves a reminder sent (or recorded) for the period it names, with the next
   * one planned, and releases the hold; false when the holder lost its lease
   * or the period changed meanwhile (nothing is written then).
   */
  recordReminder(id: string, owner: string, forRenewalAt: Date, reminder: ReminderSent, nextReminderAt: Date | null): Promise<boolean>;
  /** Releases a hold without sending, moving the next reminder (e.g. to the next day when the customer already had an email today). */
  releaseReminder(id: string, owner: string, nextReminderAt: Date | null): Promise<void>;
  /** The renewal of this account whose current period's reminders include Postmark's message `messageId`, in whichever mode sent it; null when none. */
  findBySentReminder(accountId: string, subscriptionId: string, messageId: string): Promise<Renewal | null>;
  /** Stops this period's reminders for good; idempotent, the first reason wins. */
  stopReminders(id: string, reason: ReminderStop, at: Date): Promise<void>;

  /** Renewals of one account and mode due between from and until, soonest first, for scoring and the daily pass. */
  listRenewingBetween(tenancy: Tenancy, from: Date, until: Date, cursor: string | null, limit: number): Promise<RenewalPage>;
  /** Every (account, mode) with at least one renewal, for jobs that walk all accounts. */
  listTenancies(): Promise<Tenancy[]>;
  saveRisk(id: string, risk: RenewalRisk): Promise<void>;
  /** Marks that customer.renewal_at_risk went out for this billing date; false when it already had. */
  markRiskAlerted(id: string, forRenewalAt: Date): Promise<boolean>;
  /** The at-risk list: highest score first (ties: soonest renewal), paged. */
  listAtRisk(tenancy: Tenancy, filter: AtRiskFilter, cursor: string | null, limit: number): Promise<RenewalPage>;
  /**
   * The daily pass's claim, across accounts of one mode: up to `limit` renewals
   * that still renew and were not re-read at Stripe since `staleBefore`, marked
   * as re-read `now` (a failed read waits for the next day, never loops).
   */
  claimForRefresh(livemode: boolean, now: Date, staleBefore: Date, limit: number): Promise<Renewal[]>;
}

/** Not before this fact, or none applied yet: the guard every out-of-order fact write uses. */
const notNewerThan = (field: string, at: Date) => ({ $or: [{ [field]: null }, { [field]: { $lte: at } }] });

export function createRenewalStore(connection: Connection): RenewalStore {
  const renewals = renewalModelOf(connection);
  const byId = (tenancy: Tenancy, subscriptionId: string) => ({ _id: renewalIdOf(tenancy.accountId, tenancy.livemode, subscriptionId), accountId: tenancy.accountId, livemode: tenancy.livemode });
  const many = (docs: RenewalDocument[]) => docs.map((doc) => toRenewal(doc)!);

  return {
    applySubscription: (fact) => applySubscriptionFact(renewals, fact),
    async applyCustomer(fact) {
      await renewals.updateMany(
        { customerId: fact.customerId, accountId: fact.accountId, livemode: fact.livemode, ...notNewerThan('customerFactAt', fact.at) },
        {
          $set: {
            customerEmail: fact.email,
            customerName: fact.name,
            customerCountry: fact.country,
            ...(fact.preferredLocales ? { customerLocales: fact.preferredLocales.slice(0, 10) } : {}),
            customerFactAt: fact.at,
            updatedAt: new Date(),
          },
          $max: { factAt: fact.at },
        },
      );
    },
    async setCard(tenancy, subscriptionId, card, source, at) {
      const saved = await renewals
        .findOneAndUpdate(
          { ...byId(tenancy, subscriptionId), ...notNewerThan('cardFactAt', at) },
          { $set: { card, cardSource: card ? source : null, cardFactAt: at, updatedAt: new Date() }, $max: { factAt: at } },
          { new: true },
        )
        .lean<RenewalDocument>();
      return toRenewal(saved ?? (await renewals.findOne(byId(tenancy, subscriptionId)).lean<RenewalDocument>()));
    },
    async findByCard(tenancy, card) {
      const which: Record<string, unknown>[] = [{ 'card.paymentMethodId': card.paymentMethodId }];
      if (card.fingerprint) which.push({ 'card.fingerprint': card.fingerprint });
      // One card field needs no $or; the card first either way, as in findByCustomer.
      const byCard = which.length === 1 ? which[0]! : { $or: which };
      return many(await renewals.find({ ...byCard, accountId: tenancy.accountId, livemode: tenancy.livemode }).limit(1000).lean<RenewalDocument[]>());
    },
    async findByCustomer(tenancy, customerId) {
      // The customer first: FerretDB's SQLite plans by the filter's first field an index leads with (renewalModel.ts).
      return many(await renewals.find({ customerId, accountId: tenancy.accountId, livemode: tenancy.livemode }).limit(1000).lean<RenewalDocument[]>());
    },
    async get(tenancy, subscriptionId) {
      return toRenewal(await renewals.findOne(byId(tenancy, subscriptionId)).lean<RenewalDocument>());
    },
    async recordPaid(tenancy, subscriptionId, paidAt, amountMinor) {
      // A late invoice.paid of an earlier period never replaces the newer payment.
      await renewals.updateOne(
        { ...byId(tenancy, subscriptionId), $or: [{ lastPaidAt: null }, { lastPaidAt: { $lt: paidAt } }] },
        { $set: { lastPaidAt: paidAt, lastPaidAmountMinor: amountMinor, updatedAt: new Date() } },
      );
    },
    async recordDispute(tenancy, customerId, dispute) {
      // The filter makes a retried or duplicated event a no-op: a dispute counts once per renewal.
      const added = await renewals.updateMany(
        { customerId, accountId: tenancy.accountId, livemode: tenancy.livemode, 'customerDisputes.disputeId': { $ne: dispute.disputeId } },
        { $push: { customerDisputes: dispute }, $set: { updatedAt: new Date() } },
      );
      return added.modifiedCount;
    },

    async planReminder(id, nextReminderAt) {
      await renewals.updateOne({ _id: id, 'preDunning.stoppedBecause': null }, { $set: { 'preDunning.nextReminderAt': nextReminderAt } });
    },
    async claimDueReminders(now, limit, owner, leaseMs) {
      // One atomic claim per renewal (no sort, as in caseStore.claimDue): two workers never hold the same one.
      const claimed: Renewal[] = [];
      while (claimed.length < limit) {
        const doc = await renewals
          .findOneAndUpdate(
            { 'preDunning.nextReminderAt': { $lte: now }, 'preDunning.stoppedBecause': null, $or: [{ 'preDunning.leaseUntil': null }, { 'preDunning.leaseUntil': { $lte: now } }] },
            { $set: { 'preDunning.leaseOwner': owner, 'preDunning.leaseUntil': new Date(now.getTime() + leaseMs) } },
            { new: true },
          )
          .lean<RenewalDocument>();
        if (!doc) break;
        claimed.push(toRenewal(doc)!);
      }
      return claimed;
    },
    async recordReminder(id, owner, forRenewalAt, reminder, nextReminderAt) {
      const held = { _id: id, 'preDunning.leaseOwner': owner, 'preDunning.forRenewalAt': forRenewalAt };
      const release = { 'preDunning.leaseOwner': null, 'preDunning.leaseUntil': null };
      const planned = await renewals.updateOne(
        { ...held, 'preDunning.stoppedBecause': null },
        { $push: { 'preDunning.sent': reminder }, $set: { ...release, 'preDunning.nextReminderAt': nextReminderAt, lastReminderAt: reminder.at } },
      );
      if (planned.matchedCount === 1) return true;
      // Stopped while the email went out: it was sent, so it is recorded, but nothing further is planned.
      const stopped = await renewals.updateOne({ ...held, 'preDunning.stoppedBecause': { $ne: null } }, { $push: { 'preDunning.sent': reminder }, $set: { ...release, lastReminderAt: reminder.at } });
      return stopped.matchedCount === 1;
    },
    async releaseReminder(id, owner, nextReminderAt) {
      const release = { 'preDunning.leaseOwner': null, 'preDunning.leaseUntil': null };
      const moved = await renewals.updateOne({ _id: id, 'preDunning.leaseOwner': owner, 'preDunning.stoppedBecause': null }, { $set: { ...release, 'preDunning.nextReminderAt': nextReminderAt } });
      if (moved.matchedCount === 0) await renewals.updateOne({ _id: id, 'preDunning.leaseOwner': owner }, { $set: release });
    },
    async findBySentReminder(accountId, subscriptionId, messageId) {
      // The id names the mode: look in both, and the message id (set only by the mode that sent it) picks one.
      const ids = [renewalIdOf(accountId, true, subscriptionId), renewalIdOf(accountId, false, subscriptionId)];
      return toRenewal(await renewals.findOne({ _id: { $in: ids }, accountId, subscriptionId, 'preDunning.sent.messageId': messageId }).lean<RenewalDocument>());
    },
    async stopReminders(id, reason, at) {
      await renewals.updateOne(
        { _id: id, 'preDunning.stoppedBecause': null },
        { $set: { 'preDunning.stoppedBecause': reason, 'preDunning.stoppedAt': at, 'preDunning.nextReminderAt': null } },
      );
    },

    async listRenewingBetween(tenancy, from, until, cursor, limit) {
      const found = await renewals
        .find({ accountId: tenancy.accountId, livemode: tenancy.livemode, ...renewingFilter(), renewsAt: { $gte: from, $lt: until }, ...afterDateCursor(cursor) })
        .sort({ renewsAt: 1, _id: 1 })
        .limit(limit + 1)
        .lean<RenewalDocument[]>();
      return pageOf(many(found), limit, encodeDateCursor);
    },
    async listTenancies() {
      const groups = await renewals.aggregate<{ _id: Tenancy }>([{ $group: { _id: { accountId: '$accountId', livemode: '$livemode' } } }]);
      return groups.map((group) => ({ accountId: group._id.accountId, livemode: group._id.livemode })).sort((a, b) => a.accountId.localeCompare(b.accountId) || Number(a.livemode) - Number(b.livemode));
    },
    async saveRisk(id, risk) {
      await renewals.updateOne({ _id: id }, { $set: { risk } });
    },
    async markRiskAlerted(id, forRenewalAt) {
      const marked = await renewals.updateOne({ _id: id, riskAlertedFor: { $ne: forRenewalAt } }, { $set: { riskAlertedFor: forRenewalAt } });
      return marked.modifiedCount === 1;
    },
    async claimForRefresh(livemode, now, staleBefore, limit) {
      const claimed: Renewal[] = [];
      while (claimed.length < limit) {
        const doc = await renewals
          .findOneAndUpdate({ livemode, ...renewingFilter(), $or: [{ refreshedAt: null }, { refreshedAt: { $lt: staleBefore } }] }, { $set: { refreshedAt: now } }, { new: true })
          .lean<RenewalDocument>();
        if (!doc) break;
        claimed.push(toRenewal(doc)!);
      }
      return claimed;
    },
    async listAtRisk(tenancy, filter, cursor, limit) {
      const found = await renewals
        .find({ accountId: tenancy.accountId, livemode: tenancy.livemode, ...atRiskQuery(filter), ...andAfter(afterRiskCursor(cursor)) })
        .sort({ 'risk.score': -1, renewsAt: 1, _id: 1 })
        .limit(limit + 1)
        .lean<RenewalDocument[]>();
      return pageOf(many(found), limit, encodeRiskCursor);
    },
  };
}

/** The cursor's $or goes under $and, beside filters that may carry an $or of their own. */
function andAfter(after: Record<string, unknown>): Record<string, unknown> {
  return Object.keys(after).length === 0 ? {} : { $and: [after] };
}

/** A page of `limit` from `limit + 1` rows read: the extra row only says there is more. */
function pageOf(rows: Renewal[], limit: number, encode: (last: Renewal) => string): RenewalPage {
  const renewals = rows.slice(0, limit);
  return { renewals, nextCursor: rows.length > limit && renewals.length > 0 ? encode(renewals[renewals.length - 1]!) : null };
}
