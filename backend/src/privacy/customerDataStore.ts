import { isDeepStrictEqual } from 'node:util';
import type { Connection, mongo } from 'mongoose';
import { caseErasure, outboxErasure, renewalErasure } from './recordRedaction';
import { redactJsonText, searchTermsOf, withKnown, type KnownValues } from './redaction';

/**
 * A customer's data across every collection, found and erased by account,
 * mode and Stripe customer id (and, where a collection only knows the
 * address, by the customer's email addresses). Erasure spans every domain's
 * collection, so it works on the collections themselves rather than through
 * each domain's store; personalData.ts lists what it touches and why.
 */

export interface CustomerRef {
  accountId: string;
  livemode: boolean;
  stripeCustomerId: string;
}

/** How many documents of each collection held the customer's data (and were changed, on erasure). */
export type CollectionCounts = Record<string, number>;

export interface CustomerErasureResult {
  /** Documents changed or removed, by collection; all 0 when nothing was left to erase (a repeat). */
  erased: CollectionCounts;
  /** False when a worker held one of the customer's cases throughout: erase again a moment later. */
  complete: boolean;
}

export interface CustomerDataStore {
  /** Everything we hold about the customer in this account and mode, by collection; empty collections are left out. */
  exportCustomer(customer: CustomerRef): Promise<Record<string, unknown[]>>;
  /**
   * Replaces or removes the customer's personal data everywhere (see personalData.ts),
   * keeping amounts, outcomes and counters. `known` adds emails and names learnt
   * elsewhere (the customer.deleted event itself). Idempotent.
   */
  eraseCustomer(customer: CustomerRef, known: KnownValues, now: Date): Promise<CustomerErasureResult>;
  /** Customers erased at or after `since` (at most `limit`), across accounts: events about them may still arrive. */
  listErasedSince(since: Date, limit: number): Promise<CustomerRef[]>;
  /** Forgets erasures older than `before`; returns how many. */
  forgetErasuresBefore(before: Date): Promise<number>;
}

/**
 * One document per erased customer (its Stripe id and when: nothing personal), so what Stripe sends
 * about them after the erasure (a late event, a re-delivery) is erased too, for as long as that can happen.
 */
export const ERASED_CUSTOMERS_COLLECTION = 'erasedCustomers';

type Doc = mongo.Document & Record<string, unknown>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when every field of `set` (dotted paths allowed) already holds its value: nothing to write, a repeat erasure changes nothing. */
function alreadyHolds(doc: Doc, set: Record<string, unknown>): boolean {
  const valueAt = (path: string) => path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), doc);
  return Object.entries(set).every(([path, value]) => isDeepStrictEqual(valueAt(path) ?? null, value));
}

/** A case held by a worker (retry step, email, outbox relay) is not written under it: erasure waits a moment, then reports it. */
const CASE_TRIES = 10;
const CASE_RETRY_MS = 100;

export function createCustomerDataStore(connection: Connection): CustomerDataStore {
  const collection = (name: string) => connection.collection<Doc>(name);
  const scope = (customer: CustomerRef) => ({ accountId: customer.accountId, livemode: customer.livemode });

  /** Stored JSON texts (raw Stripe payloads, event bodies, API answers) that mention the customer's id or one of their addresses. */
  function mentioning(customer: CustomerRef, field: string, known: KnownValues): mongo.Filter<Doc> {
    const patterns = [{ [field]: { $regex: `"${escapeRegExp(customer.stripeCustomerId)}"` } }, ...known.emails.map((email) => ({ [field]: { $regex: escapeRegExp(email), $options: 'i' } }))];
    return { ...scope(customer), $or: patterns } as mongo.Filter<Doc>;
  }

  /** The customer's emails and names as our own records hold them, added to what the caller knows. */
  async function learn(customer: CustomerRef, known: KnownValues): Promise<KnownValues> {
    const byCustomer = { ...scope(customer), stripeCustomerId: customer.stripeCustomerId };
    const cases = await collection('recoveryCases').find(byCustomer, { projection: { customerEmail: 1, customerName: 1, 'emails.content.to': 1 } }).toArray();
    const renewals = await collection('renewals').find({ ...scope(customer), customerId: customer.stripeCustomerId }, { projection: { customerEmail: 1, customerName: 1 } }).toArray();
    const contents = await collection('emailContents').find(byCustomer, { projection: { to: 1 } }).toArray();
    // Older email records hold their content inline; newer ones in emailContents.
    const sentTo = [...cases.flatMap((found) => ((found.emails as { content?: { to?: string } | null }[] | undefined) ?? []).map((email) => email.content?.to)), ...contents.map((found) => found.to as string | undefined)];
    return withKnown(known, {
      emails: [...cases.map((found) => found.customerEmail as string | null), ...renewals.map((found) => found.customerEmail as string | null), ...sentTo],
      names: [...cases.map((found) => found.customerName as string | null), ...renewals.map((found) => found.customerName as string | null)],
    });
  }

  const suppressionsOf = (customer: CustomerRef, known: KnownValues): mongo.Filter<Doc> => ({
    accountId: customer.accountId,
    // Entries from before suppressions were per mode hold for both modes.
    livemode: { $in: [customer.livemode, null] },
    email: { $in: known.emails.map((email) => email.trim().toLowerCase()) },
  });

  async function eraseCase(found: Doc, terms: string[], now: Date): Promise<'erased' | 'unchanged' | 'busy'> {
    for (let tries = 0; tries < CASE_TRIES; tries += 1) {
      const current = tries === 0 ? found : await collection('recoveryCases').findOne({ _id: found._id, accountId: found.accountId, livemode: found.livemode });
      if (!current) return 'unchanged';
      const erasure = { ...caseErasure(current, terms), ...(Array.isArray(current.outbox) ? { outbox: outboxErasure(current.outbox as unknown[], terms) } : {}) };
      if (alreadyHolds(current, erasure)) return 'unchanged';
      const outbox = Array.isArray(current.outbox) ? (current.outbox as unknown[]) : null;
      // Guards: nobody wrote the case since it was read (revision), no worker holds it, and the outbox relay
      // neither holds it nor removed entries meanwhile (size), so redacted entries never come back once relayed.
      const filter = {
        _id: current._id,
        accountId: current.accountId,
        livemode: current.livemode,
        revision: current.revision,
        leaseUntil: { $lte: now },
        emailLeaseUntil: { $lte: now },
        $or: [{ outboxLeaseUntil: { $lte: now } }, { outboxLeaseUntil: null }],
        ...(outbox ? { outbox: { $size: outbox.length } } : {}),
      } as mongo.Filter<Doc>;
      const result = await collection('recoveryCases').updateOne(filter, { $set: { ...erasure, revision: (current.revision as number) + 1 } });
      if (result.matchedCount === 1) return 'erased';
      await new Promise((resolve) => setTimeout(resolve, CASE_RETRY_MS));
      now = new Date(now.getTime() + CASE_RETRY_MS);
    }
    return 'busy';
  }

  /** Redacts the stored JSON texts that mention the customer; returns how many changed. */
  async function redactTexts(name: string, field: string, customer: CustomerRef, known: KnownValues, terms: string[]): Promise<number> {
    const found = await collection(name).find(mentioning(customer, field, known), { projection: { [field]: 1 } }).toArray();
    let changed = 0;
    for (const doc of found) {
      const text = doc[field];
      if (typeof text !== 'string') continue;
      const redacted = redactJsonText(text, terms);
      if (redacted === text) continue;
      await collection(name).updateOne({ _id: doc._id, ...scope(customer) } as mongo.Filter<Doc>, { $set: { [field]: redacted } });
      changed += 1;
    }
    return changed;
  }

  return {
    async exportCustomer(customer) {
      const known = await learn(customer, { emails: [], names: [] });
      const byCustomer = { ...scope(customer), stripeCustomerId: customer.stripeCustomerId };
      const parsed = (docs: Doc[], field: string) => docs.map((doc) => ({ ...doc, [field]: typeof doc[field] === 'string' ? safeParse(doc[field]) : doc[field] }));
      const found: Record<string, unknown[]> = {
        recoveryCases: await collection('recoveryCases').find(byCustomer).toArray(),
        emailContents: await collection('emailContents').find(byCustomer).toArray(),
        customerContacts: await collection('customerContacts').find({ accountId: customer.accountId, stripeCustomerId: customer.stripeCustomerId }).toArray(),
        renewals: await collection('renewals').find({ ...scope(customer), customerId: customer.stripeCustomerId }).toArray(),
        renewalOutcomes: await collection('renewalOutcomes').find({ ...scope(customer), customerId: customer.stripeCustomerId }).toArray(),
        emailSuppressions: known.emails.length > 0 ? await collection('emailSuppressions').find(suppressionsOf(customer, known)).toArray() : [],
        stripeEvents: parsed(await collection('stripeEvents').find(mentioning(customer, 'payload', known)).toArray(), 'payload'),
        stripeEventInbox: parsed(await collection('stripeEventInbox').find(mentioning(customer, 'payload', known)).toArray(), 'payload'),
        outboundEvents: parsed(await collection('outboundEvents').find(mentioning(customer, 'body', known)).toArray(), 'body'),
      };
      return Object.fromEntries(Object.entries(found).filter(([, docs]) => docs.length > 0));
    },

    async eraseCustomer(customer, given, now) {
      const known = await learn(customer, given);
      const terms = searchTermsOf(known);
      const erased: CollectionCounts = {};
      let complete = true;

      erased.recoveryCases = 0;
      const cases = await collection('recoveryCases').find({ ...scope(customer), stripeCustomerId: customer.stripeCustomerId }).toArray();
      for (const found of cases) {
        const outcome = await eraseCase(found, terms, now);
        if (outcome === 'busy') complete = false;
        if (outcome === 'erased') erased.recoveryCases += 1;
      }

      // What the emails said goes with the customer; their records on the cases (status, opens, clicks) stay.
      erased.emailContents = (await collection('emailContents').deleteMany({ ...scope(customer), stripeCustomerId: customer.stripeCustomerId })).deletedCount;

      erased.renewals = 0;
      const renewals = await collection('renewals').find({ ...scope(customer), customerId: customer.stripeCustomerId }).toArray();
      for (const found of renewals) {
        const erasure = renewalErasure(found);
        if (alreadyHolds(found, erasure)) continue;
        await collection('renewals').updateOne({ _id: found._id, ...scope(customer) } as mongo.Filter<Doc>, { $set: erasure });
        erased.renewals += 1;
      }

      // Contacts are keyed by account and customer (customer ids never repeat across modes).
      erased.customerContacts = (await collection('customerContacts').deleteMany({ accountId: customer.accountId, stripeCustomerId: customer.stripeCustomerId })).deletedCount;
      erased.emailSuppressions = known.emails.length > 0 ? (await collection('emailSuppressions').deleteMany(suppressionsOf(customer, known))).deletedCount : 0;

      erased.stripeEvents = await redactTexts('stripeEvents', 'payload', customer, known, terms);
      erased.stripeEventInbox = await redactTexts('stripeEventInbox', 'payload', customer, known, terms);
      erased.outboundEvents = await redactTexts('outboundEvents', 'body', customer, known, terms);
      erased.idempotencyKeys = await redactTexts('idempotencyKeys', 'body', customer, known, terms);
      const id = `${customer.accountId}|${customer.livemode ? 'live' : 'test'}|${customer.stripeCustomerId}`;
      await collection(ERASED_CUSTOMERS_COLLECTION).updateOne({ _id: id as never }, { $setOnInsert: { ...customer, erasedAt: now } }, { upsert: true });
      return { erased, complete };
    },

    async listErasedSince(since, limit) {
      const found = await collection(ERASED_CUSTOMERS_COLLECTION).find({ erasedAt: { $gte: since } }).limit(limit).toArray();
      return found.map((doc) => ({ accountId: String(doc.accountId), livemode: doc.livemode === true, stripeCustomerId: String(doc.stripeCustomerId) }));
    },

    async forgetErasuresBefore(before) {
      return (await collection(ERASED_CUSTOMERS_COLLECTION).deleteMany({ erasedAt: { $lt: before } })).deletedCount;
    },
  };
}

function safeParse(text: unknown): unknown {
  try {
    return JSON.parse(String(text)) as unknown;
  } catch {
    return text;
  }
}
