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
   * Takes the relay's lease (one small document: one relay at a time, across
   * workers) and reads up to `limit` cases with entries; none when another
   * relay holds the lease. The cases themselves are not written until their
   * entries go, so a relayed case costs one write, not two. Cases returned:
   * the caller holds the lease until releaseRelayLease.
   */
  claimSome(owner: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedOutbox[]>;
  /** Gives the relay's lease back after a batch, so any worker's relay may take the next one at once. */
  releaseRelayLease(owner: string): Promise<void>;
  /**
   * Removes exactly `relayed` from the case's outbox and releases the lease;
   * entries a save appended meanwhile stay, and so does the due marker for
   * them. False, and nothing removed, when the lease was lost (the new holder relays again).
   */
  removeRelayed(claimed: ClaimedOutbox, owner: string): Promise<boolean>;
  /**
   * Removes exactly the batch's relayed entries from their cases in one write
   * command (entries saves appended meanwhile stay); returns the cases whose
   * entries are gone.
   */
  removeRelayedBatch(claimed: ClaimedOutbox[]): Promise<ClaimedOutbox[]>;
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

/** The relay's lease, in workerLeases: who relays now, until when. */
const RELAY_LEASE_ID = 'case-outbox-relay';

export function createCaseOutboxStore(connection: Connection): CaseOutboxStore {
  const cases = caseModelOf(connection);
  // The native collection: $pullAll compares whole entries, so they go back exactly as they were read.
  const collection = () => cases.collection;
  const leases = () => connection.collection<{ _id: string; owner: string | null; leaseUntil: Date }>('workerLeases');
  const releaseRelayLease = async (owner: string) => {
    await leases().updateOne({ _id: RELAY_LEASE_ID, owner }, { $set: { owner: null, leaseUntil: NOT_LEASED } });
  };

  return {
    async claimDue(owner, now, leaseMs) {
      // Date ranges only: the dev database checks them in SQLite, and MongoDB answers from the index.
      return toClaimed(
        await collection().findOneAndUpdate(due(now), { $set: leased(owner, now, leaseMs) }, { returnDocument: 'after', includeResultMetadata: false }),
      );
    },

    async claimSome(owner, now, leaseMs, limit) {
      // Nothing due, no lease taken: an idle relay polls with one read.
      if (!(await collection().findOne(due(now), { projection: { _id: 1 } }))) return [];
      try {
        // Free, run out, or already ours; held by another relay, the upsert collides on _id and this relay waits.
        await leases().updateOne(
          { _id: RELAY_LEASE_ID, $or: [{ leaseUntil: { $lte: now } }, { owner }] },
          { $set: { owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
          { upsert: true },
        );
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return [];
        throw error;
      }
      // Read under the lease: what another relay removed before giving the lease back is gone from this read.
      // Cases an older version's relay leased one by one are left to it until their lease runs out (the due filter).
      // Only what the relay passes on: the rest of a case is most of its size, and the server would encode it for nothing.
      const found = await collection().find(due(now), { projection: { accountId: 1, livemode: 1, outbox: 1 } }).limit(limit).toArray();
      if (found.length === 0) await releaseRelayLease(owner);
      return found.map((doc) => toClaimed(doc)!);
    },

    releaseRelayLease,

    async removeRelayedBatch(claimed) {
      if (claimed.length === 0) return [];
      const ids = claimed.map((found) => new Types.ObjectId(found.caseId));
      // Usually no save appended meanwhile: an outbox still of the size read holds exactly the relayed entries (saves
      // only append, and only the lease holder removes), so one statement per case empties it and clears its marks,
      // without sending the entries back for the server to compare.
      const emptied = await collection().bulkWrite(
        claimed.map((found) => ({
          updateOne: {
            filter: { _id: new Types.ObjectId(found.caseId), outbox: { $size: found.entries.length } },
            update: { $set: { outbox: [], outboxDueAt: null }, $unset: { outboxCardKeys: '' } },
          },
        })),
        { ordered: false },
      );
      if (emptied.matchedCount === claimed.length) return claimed;
      // Some grew meanwhile. Entry ids are unique across cases, so pulling every relayed entry from every case removes
      // exactly each case's own; then the due marker of the cases left empty is cleared (one that grew keeps it).
      const relayed = claimed.flatMap((found) => found.entries);
      await collection().bulkWrite([
        { updateMany: { filter: { _id: { $in: ids } }, update: { $pullAll: { outbox: relayed } as never } } },
        { updateMany: { filter: { _id: { $in: ids }, outboxDueAt: { $ne: null }, outbox: { $size: 0 } }, update: { $set: { outboxDueAt: null }, $unset: { outboxCardKeys: '' } } } },
      ], { ordered: true });
      // $pullAll removed them whoever else passed them too: each case's relayed entries are gone.
      return claimed;
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
