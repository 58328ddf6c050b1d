import { Types, type Connection } from 'mongoose';
import type { RecordedCardAttempt } from '../cardLedger';
import { caseModelOf } from './caseModel';
import type { OutboxEntry } from './recoveryCase';

/** A case's outbox as the relay holds it while its lease runs. */
export interface ClaimedOutbox {
  caseId: string;
  accountId: string;
  livemode: boolean;
  entries: OutboxEntry[];
}

/** The relay's side of the recoveryCases collection: claim cases with entries, remove what was relayed. */
export interface CaseOutboxStore {
  /**
   * Leases one case whose outbox holds entries, across accounts (like the
   * other due-work claims); a crashed relay's lease runs out and is taken over.
   */
  claimDue(owner: string, now: Date, leaseMs: number): Promise<ClaimedOutbox | null>;
  /**
   * Leases up to `limit` such cases: one query finds them, one write leases
   * them all (a case another relay took meanwhile fails its filter and is
   * skipped), one query reads back what this relay holds.
   */
  claimSome(owner: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedOutbox[]>;
  /**
   * Removes exactly `relayed` from the case's outbox and releases the lease;
   * entries a save appended meanwhile stay, and so does the due marker for
   * them. False, and nothing removed, when the lease was lost (the new holder relays again).
   */
  removeRelayed(claimed: ClaimedOutbox, owner: string): Promise<boolean>;
  /**
   * removeRelayed for a whole batch in one write command; returns the cases
   * whose entries are gone (a case whose lease was lost keeps its entries).
   */
  removeRelayedBatch(claimed: ClaimedOutbox[], owner: string): Promise<ClaimedOutbox[]>;
  /**
   * Our card attempts on `cardKey` still waiting in any outbox of the account
   * for the relay to copy them into the card ledger: ledger reads add these,
   * so a limit counts an attempt from the moment its result is saved.
   */
  pendingCardAttempts(accountId: string, cardKey: string): Promise<RecordedCardAttempt[]>;
}

const NOT_LEASED = new Date(0);

const due = (now: Date) => ({ outboxDueAt: { $lte: now }, outboxLeaseUntil: { $lte: now } });
const leased = (owner: string, now: Date, leaseMs: number) => ({ outboxLeaseOwner: owner, outboxLeaseUntil: new Date(now.getTime() + leaseMs) });

function toClaimed(found: Record<string, unknown> | null): ClaimedOutbox | null {
  if (!found) return null;
  return { caseId: String(found._id), accountId: found.accountId as string, livemode: found.livemode as boolean, entries: (found.outbox as OutboxEntry[] | undefined) ?? [] };
}

export function createCaseOutboxStore(connection: Connection): CaseOutboxStore {
  const cases = caseModelOf(connection);
  // The native collection: $pullAll compares whole entries, so they go back exactly as they were read.
  const collection = () => cases.collection;

  return {
    async claimDue(owner, now, leaseMs) {
      // Date ranges only: the dev database checks them in SQLite, and MongoDB answers from the index.
      return toClaimed(
        await collection().findOneAndUpdate(due(now), { $set: leased(owner, now, leaseMs) }, { returnDocument: 'after', includeResultMetadata: false }),
      );
    },

    async claimSome(owner, now, leaseMs, limit) {
      const candidates = await collection().find(due(now), { projection: { _id: 1 } }).limit(limit).toArray();
      if (candidates.length === 0) return [];
      const ids = candidates.map(({ _id }) => _id);
      // The due filter's date ranges narrow the write to cases with entries on the dev database too (see docs/decisions.md).
      const lease = leased(owner, now, leaseMs);
      await collection().updateMany({ ...due(now), _id: { $in: ids } }, { $set: lease });
      const held = await collection().find({ _id: { $in: ids }, ...lease }).toArray();
      return held.map((found) => toClaimed(found)!);
    },

    async removeRelayedBatch(claimed, owner) {
      if (claimed.length === 0) return [];
      const ids = claimed.map((found) => new Types.ObjectId(found.caseId));
      // Entry ids are unique across cases, so pulling every relayed entry from every held case removes exactly each case's own.
      const relayed = claimed.flatMap((found) => found.entries);
      const release = { outboxLeaseOwner: null, outboxLeaseUntil: NOT_LEASED };
      // One command, two statements: remove and release, then clear the due marker of the cases left empty
      // (a save appending meanwhile leaves its entry, so its case does not match the second).
      await collection().bulkWrite([
        { updateMany: { filter: { _id: { $in: ids }, outboxLeaseOwner: owner }, update: { $pullAll: { outbox: relayed } as never, $set: release } } },
        { updateMany: { filter: { _id: { $in: ids }, outboxDueAt: { $ne: null }, outbox: { $size: 0 } }, update: { $set: { outboxDueAt: null }, $unset: { outboxCardKeys: '' } } } },
      ], { ordered: true });
      // Which entries are gone: a case another relay took over (our lease ran out) still holds them.
      const still = new Set<string>();
      for (const found of await collection().find({ _id: { $in: ids } }, { projection: { outbox: 1 } }).toArray()) {
        for (const entry of (found.outbox as OutboxEntry[] | undefined) ?? []) still.add(entry.id);
      }
      return claimed.filter((found) => found.entries.every((entry) => !still.has(entry.id)));
    },

    async pendingCardAttempts(accountId, cardKey) {
      // By card key, not by "has entries": while the relay catches up, most cases may hold entries, few of them on this card.
      // The card key first: the dev database's SQLite plans by the order of the conditions and would otherwise walk the account's index.
      const waiting = await collection().find({ outboxCardKeys: cardKey, accountId }, { projection: { outbox: 1 } }).toArray();
      return waiting.flatMap((found) =>
        ((found.outbox as OutboxEntry[] | undefined) ?? []).flatMap((entry) => (entry.kind === 'card_attempt' && entry.attempt.cardKey === cardKey ? [entry.attempt] : [])),
      );
    },

    async removeRelayed(claimed, owner) {
      const held = { _id: new Types.ObjectId(claimed.caseId), accountId: claimed.accountId, outboxLeaseOwner: owner };
      const release = { outboxLeaseOwner: null, outboxLeaseUntil: NOT_LEASED };
      // The driver's types refuse arrays of sub-documents in $pullAll on an untyped collection; the server takes them.
      const removal = (claimed.entries.length > 0 ? { $pullAll: { outbox: claimed.entries } } : {}) as Record<string, never>;
      // Saves only append and only the lease holder removes, so an outbox of the claimed size holds exactly the claimed entries.
      const emptied = await collection().updateOne({ ...held, outbox: { $size: claimed.entries.length } }, { ...removal, $set: { ...release, outboxDueAt: null }, $unset: { outboxCardKeys: '' } });
      if (emptied.matchedCount === 1) return true;
      return (await collection().updateOne(held, { ...removal, $set: release })).matchedCount === 1;
    },
  };
}
