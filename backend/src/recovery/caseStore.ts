import { createHash } from 'node:crypto';
import { mongo, Schema, Types, type Connection, type Model } from 'mongoose';
import { cardKeyOf } from '../cardLedger';
import { batchedInserts } from '../database/batchedInserts';
import { groupedWhileInFlight } from '../database/groupedWhileInFlight';
import { pendingAttempt } from './attemptTransitions';
import { changedFields } from './caseDiff';
import { caseDocumentsOf } from './caseDocuments';
import { caseModelOf, type CaseDocument } from './caseModel';
import type { NewRecoveryCase } from './caseTransitions';
import type { OutboxEntry, RecoveryCase } from './recoveryCase';

/** The recoveryCases collection. Every query names accountId; writes are guarded by revision. */

/** Set on a save that appends to the outbox: the relay finds the case from then on. */
const OUTBOX_DUE = new Date(0);

/** The card keys stored beside an outbox: one as a plain string, several as a list (see caseModel). */
type OutboxCardKeys = string | string[];

/**
 * The card keys to store beside the outbox once `appended` is saved on top of
 * what the save read (`read`), or undefined when there are none to add. Only
 * saves add, and they are guarded by the revision; only the relay removes, and
 * it removes them all once the outbox is empty. So the keys read still hold
 * every card waiting at the save's time: the result may name a card the relay
 * has passed meanwhile (a read more for that card), never miss one.
 */
export function outboxCardKeysAfter(read: OutboxCardKeys | undefined, appended: OutboxEntry[]): OutboxCardKeys | undefined {
  const added = appended.flatMap((entry) => (entry.kind === 'card_attempt' ? [entry.attempt.cardKey] : []));
  if (added.length === 0) return undefined;
  const keys = [...new Set([...(read === undefined ? [] : [read].flat()), ...added])];
  return keys.length === 1 ? keys[0] : keys;
}

/**
 * The card key of the attempt an active case has in flight (started, Stripe's
 * answer not recorded), or null: stored beside the case on every write, so no
 * transition can leave it behind, and read by other cases' steps before they
 * charge the same card (otherChargeInFlight). The key is the one the step's
 * card-ledger reads use: the new card the attempt charges, else the case's card.
 * A closed case counts as charging nothing: no step replays its attempt, which
 * would otherwise hold the card for good, and Stripe refuses to charge a paid,
 * voided or uncollectible invoice anyway.
 */
export function chargingCardKeyOf(current: Pick<RecoveryCase, 'status' | 'ourAttempts' | 'card' | 'stripeCustomerId'>): string | null {
  const attempt = current.status === 'active' ? pendingAttempt(current as RecoveryCase) : null;
  return attempt ? cardKeyOf(attempt.card ?? current.card, current.stripeCustomerId) : null;
}

/** Per customer, the last dunning email from any of their cases: one small document read by key. */
interface CustomerContact {
  _id: string;
  accountId: string;
  stripeCustomerId: string;
  lastDunningEmailAt: Date | null;
}
const customerContactSchema = new Schema<CustomerContact>(
  { _id: { type: String, required: true }, accountId: { type: String, required: true }, stripeCustomerId: { type: String, required: true }, lastDunningEmailAt: { type: Date, default: null } },
  { collection: 'customerContacts', versionKey: false },
);
const contactId = (accountId: string, stripeCustomerId: string) => `${accountId}|${stripeCustomerId}`;

interface CaseKeyLookup {
  accountId: string;
  livemode: boolean;
  caseKey: string;
}

/** Which cases a merchant lists or exports; dates bound when the case opened, `to` excluded. */
export interface CaseFilter {
  status?: RecoveryCase['status'];
  stripeCustomerId?: string;
  /** The bucket of the decline the case opened with: what the stats group by (older cases without one count as ambiguous). */
  openingDeclineBucket?: NonNullable<RecoveryCase['openingDeclineBucket']>;
  currency?: string;
  openedFrom?: Date;
  openedBefore?: Date;
}

/** Where a page ends: the next page starts after this case, newest first. */
export interface PageCursor {
  openedAt: Date;
  id: string;
}

export interface CaseStore {
  /** Every read for a merchant or a fact names its mode too: test and live data never answer for each other. */
  findByKey(accountId: string, livemode: boolean, caseKey: string): Promise<RecoveryCase | null>;
  findById(accountId: string, livemode: boolean, id: string): Promise<RecoveryCase | null>;
  /** The case a Postmark record names, only if we sent that message on it: Postmark's metadata alone proves nothing. */
  findBySentEmail(accountId: string, id: string, messageId: string): Promise<RecoveryCase | null>;
  listActive(accountId: string, livemode: boolean, by: { stripeCustomerId?: string; subscriptionId?: string }): Promise<RecoveryCase[]>;
  /** Whether a case other than `caseId` has an attempt in flight at Stripe on `cardKey` (card keys are per account, as the ledger's). */
  otherChargeInFlight(accountId: string, cardKey: string, caseId: string): Promise<boolean>;
  listByCustomer(accountId: string, livemode: boolean, stripeCustomerId: string, limit: number): Promise<RecoveryCase[]>;
  /** The customer's active one-time payment cases in one mode (at most 100, oldest first): what a new payment of theirs may settle. */
  listActiveOneTimeOfCustomer(accountId: string, livemode: boolean, stripeCustomerId: string): Promise<RecoveryCase[]>;
  /** Newest first, after `cursor`; asks for one more than `limit` so the caller knows whether there is more. */
  listPage(accountId: string, livemode: boolean, filter: CaseFilter, limit: number, cursor: PageCursor | null): Promise<RecoveryCase[]>;
  /** Every matching case, newest first, read in batches: for exports of any size. */
  streamAll(accountId: string, livemode: boolean, filter: CaseFilter): AsyncIterable<RecoveryCase>;
  /** Active cases the merchant should look at: undeliverable email, waiting for a new card, or for the customer's authentication. */
  listNeedingAttention(accountId: string, livemode: boolean, limit: number): Promise<RecoveryCase[]>;
  /**
   * Inserts a new case with its outbox entries; returns null when another writer created it first.
   * `revision`: the saves this insert stands for less one (an opening and the changes folded into it; 0 alone).
   */
  insert(newCase: NewRecoveryCase, outbox?: OutboxEntry[], revision?: number): Promise<RecoveryCase | null>;
  /**
   * Saves a changed case if nobody else changed it since it was read, appending
   * `outbox` to its outbox in the same write (entries the relay removed meanwhile
   * are never written back); false on a conflict. `before`: the case as stored at
   * `changed.revision`, when the caller has it: only the fields that differ are sent. `saves`: how many
   * changes this write stands for (several facts folded into one write), which the revision advances by.
   */
  replaceIfUnchanged(changed: RecoveryCase, outbox?: OutboxEntry[], before?: RecoveryCase, saves?: number): Promise<boolean>;
  /**
   * Leases the active case whose next action is most overdue, across all
   * accounts: the scheduler serves every merchant, so this is the one query
   * not scoped by accountId. An expired lease is taken over. Retry steps no
   * longer use it (they read with findDue and claim with their first write);
   * tests use it to leave a case held as a worker that died would.
   */
  claimDue(owner: string, now: Date, leaseMs: number): Promise<RecoveryCase | null>;
  /**
   * Reads (does not lease) up to `limit` active cases whose next action is due
   * and that nobody holds, across accounts like claimDue. The retry step picks
   * one, decides on this read and claims with its first write.
   */
  findDue(now: Date, limit: number): Promise<RecoveryCase[]>;
  /**
   * Reads (does not lease) up to `limit` cases with an email due (a dunning step of an active case, or a
   * recovered case's thank-you) that no email job and no retry step holds, across accounts like findDue.
   * The email job decides on this read; its first write happens only if nobody wrote the case since.
   */
  findEmailDue(now: Date, limit: number): Promise<RecoveryCase[]>;
  /** When this customer was last sent a dunning email, from any of their cases. */
  lastDunningEmailTo(accountId: string, stripeCustomerId: string): Promise<Date | null>;
  /** Remembers a dunning email to the customer, for the one-a-day rule across their cases. */
  noteDunningEmailTo(accountId: string, stripeCustomerId: string, at: Date): Promise<void>;
}

export function createCaseStore(connection: Connection): CaseStore {
  const cases = caseModelOf(connection);
  // Cases opening together (a burst of declines handled side by side) share one insert command; each learns its own fate.
  const casesCollection = () => connection.collection<CaseDocument & { _id: Types.ObjectId }>(cases.collection.collectionName);
  const insertCase = batchedInserts(casesCollection, 32);
  const documents = caseDocumentsOf(cases);

  // Cases read by key together (a batch's events handled side by side) share one find per account and mode.
  const findCasesByKey = groupedWhileInFlight(async (lookups: CaseKeyLookup[]) => {
    const found = new Map<string, CaseDocument & { _id: Types.ObjectId }>();
    const idsByScope = new Map<string, { accountId: string; livemode: boolean; ids: Set<string> }>();
    for (const { accountId, livemode, caseKey } of lookups) {
      const key = `${accountId}|${livemode}`;
      const scope = idsByScope.get(key) ?? { accountId, livemode, ids: new Set<string>() };
      scope.ids.add(caseIdFor(accountId, caseKey));
      idsByScope.set(key, scope);
    }
    await Promise.all(
      [...idsByScope.values()].map(async ({ accountId, livemode, ids }) => {
        const docs = await cases.find({ _id: { $in: [...ids].map((id) => new Types.ObjectId(id)) }, accountId, livemode }).lean<(CaseDocument & { _id: Types.ObjectId })[]>();
        for (const doc of docs) found.set(`${accountId}|${livemode}|${String(doc._id)}`, doc);
      }),
    );
    const handedOut = new Set<string>();
    return lookups.map((lookup) => {
      // A case id leaves the mode out, so what was found is keyed by account and mode too: a case answers only a
      // lookup of its own account, mode and key.
      const id = `${lookup.accountId}|${lookup.livemode}|${caseIdFor(lookup.accountId, lookup.caseKey)}`;
      const doc = found.get(id);
      if (!doc || doc.caseKey !== lookup.caseKey) return null;
      // Two callers asking for one case each get their own copy: neither sees what the other changes in memory.
      // The copy goes through BSON, as the document came, so its ids and dates keep their types.
      const copy = handedOut.has(id) ? (mongo.BSON.deserialize(mongo.BSON.serialize(doc)) as typeof doc) : doc;
      handedOut.add(id);
      return toCase(copy);
    });
  }, 32);

  const contacts: Model<CustomerContact> =
    (connection.models.CustomerContact as Model<CustomerContact> | undefined) ?? connection.model<CustomerContact>('CustomerContact', customerContactSchema);

  return {
    findByKey(accountId, livemode, caseKey) {
      return findCasesByKey({ accountId, livemode, caseKey });
    },
    async findById(accountId, livemode, id) {
      if (!/^[a-f0-9]{24}$/i.test(id)) return null;
      return toCase(await cases.findOne({ accountId, livemode, _id: id }).lean());
    },
    async otherChargeInFlight(accountId, cardKey, caseId) {
      // The card key first, as pendingCardAttempts does: the dev database's SQLite then reads the few cases charging it.
      // The driver's own findOne: asked once per retry, a mongoose query would analyse the schema each time for a filter with nothing to cast.
      const filter = { chargingCardKey: cardKey, accountId, _id: { $ne: new Types.ObjectId(caseId) } };
      return (await cases.collection.findOne(filter, { projection: { _id: 1 } })) !== null;
    },
    async findBySentEmail(accountId, id, messageId) {
      if (!/^[a-f0-9]{24}$/i.test(id)) return null;
      return toCase(await cases.findOne({ accountId, _id: id, 'emails.messageId': messageId }).lean());
    },
    async listActive(accountId, livemode, by) {
      // The customer or subscription first: FerretDB's SQLite plans by the filter's first field an index leads with.
      const filter = { ...(by.stripeCustomerId ? { stripeCustomerId: by.stripeCustomerId } : {}), ...(by.subscriptionId ? { subscriptionId: by.subscriptionId } : {}), accountId, livemode, status: 'active' };
      const found = await cases.find(filter).limit(1000).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async listByCustomer(accountId, livemode, stripeCustomerId, limit) {
      const found = await cases.find({ stripeCustomerId, accountId, livemode }).sort({ openedAt: -1 }).limit(limit).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async listActiveOneTimeOfCustomer(accountId, livemode, stripeCustomerId) {
      const found = await cases.find({ stripeCustomerId, accountId, livemode, status: 'active', 'target.kind': 'one_time_payment' }).sort({ openedAt: 1 }).limit(100).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async listPage(accountId, livemode, filter, limit, cursor) {
      const query = { ...filterOf(accountId, livemode, filter), ...(cursor ? afterCursor(cursor) : {}) };
      const found = await cases.find(query).sort({ openedAt: -1, _id: -1 }).limit(limit).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async *streamAll(accountId, livemode, filter) {
      // Keyset pages rather than one long cursor: FerretDB and MongoDB both close idle cursors, pages never go stale.
      let cursor: PageCursor | null = null;
      for (;;) {
        const query: Record<string, unknown> = { ...filterOf(accountId, livemode, filter), ...(cursor ? afterCursor(cursor) : {}) };
        const page: RecoveryCase[] = (await cases.find(query).sort({ openedAt: -1, _id: -1 }).limit(500).lean()).map((doc) => toCase(doc)!);
        yield* page;
        if (page.length < 500) return;
        const last: RecoveryCase = page[page.length - 1]!;
        cursor = { openedAt: last.openedAt, id: last.id };
      }
    },
    async listNeedingAttention(accountId, livemode, limit) {
      const found = await cases
        // A control case is left to Stripe alone: asking the merchant to step in would spoil the holdout's measurement.
        .find({ accountId, livemode, status: 'active', group: { $ne: 'control' }, $or: [{ emailStatus: 'undeliverable' }, { 'plannedAction.kind': 'wait_for_new_payment_method' }, { needsCustomerAction: true }] })
        .sort({ openedAt: -1 })
        .limit(limit)
        .lean();
      return found.map((doc) => toCase(doc)!);
    },
    async insert(newCase, outbox = [], revision = 0) {
      const { outbox: _none, outboxDueAt: _due, outboxLeaseUntil: _lease, outboxLeaseOwner: _owner, ...fields } = newCase;
      const due = outbox.length > 0 ? OUTBOX_DUE : null;
      const outboxCardKeys = outboxCardKeysAfter(undefined, outbox);
      // Defaulted and validated as the model's own save would, then inserted as a plain document (caseDocuments).
      const document = documents.opened({
        ...fields,
        chargingCardKey: chargingCardKeyOf(newCase),
        outbox,
        outboxDueAt: due,
        ...(outboxCardKeys ? { outboxCardKeys } : {}),
        revision,
      });
      const now = new Date();
      const stored = { ...(document as CaseDocument), _id: new Types.ObjectId(caseIdFor(newCase.accountId, newCase.caseKey)), createdAt: now, updatedAt: now };
      // A duplicate: another writer opened this case first.
      return (await insertCase(stored)) === 'duplicate' ? null : toCase(stored);
    },
    async claimDue(owner, now, leaseMs) {
      // No sort: on MongoDB the {status, nextActionAt} index already yields due cases oldest first, and on
      // FerretDB a sort means decoding every case while an unsorted scan stops at the first due one.
      // No projection either: FerretDB's findAndModify does not take one. The claim is a write: it bumps the revision.
      const claimed = await cases
        .findOneAndUpdate(
          { status: 'active', nextActionAt: { $lte: now }, leaseUntil: { $lte: now }, pausedAt: null },
          { $set: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { revision: 1 } },
          { new: true },
        )
        .lean();
      return toCase(claimed);
    },
    async findDue(now, limit) {
      // A read: on the dev database it runs beside writes instead of holding the one-at-a-time line while it scans.
      const found = await cases.find({ status: 'active', nextActionAt: { $lte: now }, leaseUntil: { $lte: now }, pausedAt: null }).limit(limit).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async findEmailDue(now, limit) {
      // A read, as findDue: on the dev database a scan that claimed would hold the one-at-a-time line of writes.
      const found = await cases.find(emailDue(now)).limit(limit).lean();
      return found.map((doc) => toCase(doc)!);
    },
    async lastDunningEmailTo(accountId, stripeCustomerId) {
      return (await contacts.findById(contactId(accountId, stripeCustomerId)).lean())?.lastDunningEmailAt ?? null;
    },
    async noteDunningEmailTo(accountId, stripeCustomerId, at) {
      // $max: a late write of an older send never moves the date back.
      await contacts.updateOne({ _id: contactId(accountId, stripeCustomerId) }, { $setOnInsert: { accountId, stripeCustomerId }, $max: { lastDunningEmailAt: at } }, { upsert: true });
    },
    async replaceIfUnchanged(changed, outbox = [], before, saves = 1) {
      // The outbox fields belong to the relay between saves: a save only appends ($push), never rewrites them.
      const { id, revision, outbox: _read, outboxDueAt: _due, outboxLeaseUntil: _lease, outboxLeaseOwner: _owner, outboxCardKeys: readCardKeys, chargingCardKey: _charging, ...all } = changed as RecoveryCase & {
        outboxCardKeys?: OutboxCardKeys;
        chargingCardKey?: string | null;
      };
      // The revision guard makes `before` what is stored, so the fields that differ from it are the whole change.
      const diff = before && before.revision === revision && before.id === id ? changedFields(before as unknown as Record<string, unknown>, all) : null;
      const fields = diff ?? all;
      // $max gives a case saved before the outbox existed a relay lease field without touching a running lease.
      // The keys as read, not as stored now: `before` is what was read when a caller passes it, else `changed` carries them.
      const outboxCardKeys = outboxCardKeysAfter(readCardKeys ?? (before as { outboxCardKeys?: OutboxCardKeys } | undefined)?.outboxCardKeys, outbox);
      const appends: mongo.UpdateFilter<CaseDocument & { _id: Types.ObjectId }> = outbox.length > 0 ? { $push: { outbox: { $each: outbox } }, $max: { outboxLeaseUntil: OUTBOX_DUE } } : {};
      // Straight to the driver: the case is already in its stored types, and mongoose's casting and cloning of a whole
      // case's update was a tenth of a retry step's CPU. What mongoose did is done here: the ObjectId, updatedAt, and
      // undefined values as mongoose stored them (caseDocuments.saved).
      const result = await casesCollection().updateOne(
        { accountId: changed.accountId, livemode: changed.livemode, _id: new Types.ObjectId(id), revision },
        {
          $set: {
            ...documents.saved(fields),
            // The charging card key on every write, derived from the attempts written: a case in memory may carry a stale copy.
            ...(changed.ourAttempts ? { chargingCardKey: chargingCardKeyOf(changed) } : {}),
            revision: revision + saves,
            ...(outbox.length > 0 ? { outboxDueAt: OUTBOX_DUE } : {}),
            ...(outboxCardKeys ? { outboxCardKeys } : {}),
            updatedAt: new Date(),
          },
          ...appends,
        },
      );
      return result.matchedCount === 1;
    },
  };
}

/**
 * A case with an email due: a dunning step of an active case, or a recovered case's thank-you (one query
 * for both kinds). Not while a retry step holds it: the email follows the step's outcome, and the two never
 * write over each other; nor while another email job does.
 */
function emailDue(now: Date) {
  return {
    emailLeaseUntil: { $lte: now },
    leaseUntil: { $lte: now },
    $or: [
      { status: 'active', nextEmailAt: { $lte: now }, pausedAt: null },
      { status: 'recovered', confirmationDueAt: { $lte: now } },
    ],
  };
}

/**
 * A case's id follows from its account and key (the first 12 bytes of a
 * SHA-256, shaped like an ObjectId), so the lookup every webhook makes, "the
 * case of this invoice", is a primary-key lookup on any MongoDB-compatible
 * server, and two writers opening the same case collide on _id.
 */
export function caseIdFor(accountId: string, caseKey: string): string {
  return createHash('sha256').update(`${accountId}\u0000${caseKey}`).digest('hex').slice(0, 24);
}

function filterOf(accountId: string, livemode: boolean, filter: CaseFilter) {
  const openedAt = { ...(filter.openedFrom ? { $gte: filter.openedFrom } : {}), ...(filter.openedBefore ? { $lt: filter.openedBefore } : {}) };
  return {
    ...(filter.stripeCustomerId ? { stripeCustomerId: filter.stripeCustomerId } : {}),
    accountId,
    livemode,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.openingDeclineBucket ? { openingDeclineBucket: filter.openingDeclineBucket === 'ambiguous' ? { $in: ['ambiguous', null] } : filter.openingDeclineBucket } : {}),
    ...(filter.currency ? { currency: filter.currency } : {}),
    ...(Object.keys(openedAt).length > 0 ? { openedAt } : {}),
  };
}

function afterCursor(cursor: PageCursor) {
  const id = new Types.ObjectId(cursor.id);
  return { $or: [{ openedAt: { $lt: cursor.openedAt } }, { openedAt: cursor.openedAt, _id: { $lt: id } }] };
}

function toCase(doc: (CaseDocument & { createdAt?: Date; updatedAt?: Date }) | null): RecoveryCase | null {
  if (!doc) return null;
  const { _id, createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = doc;
  return { ...rest, id: String(_id) } as RecoveryCase;
}
