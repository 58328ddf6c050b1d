import { Types, type Connection } from 'mongoose';
import { caseModelOf } from './caseStore';
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
   * Removes exactly `relayed` from the case's outbox and releases the lease;
   * entries a save appended meanwhile stay, and so does the due marker for
   * them. False, and nothing removed, when the lease was lost (the new holder relays again).
   */
  removeRelayed(claimed: ClaimedOutbox, owner: string): Promise<boolean>;
}

const NOT_LEASED = new Date(0);

export function createCaseOutboxStore(connection: Connection): CaseOutboxStore {
  const cases = caseModelOf(connection);
  // The native collection: $pullAll compares whole entries, so they go back exactly as they were read.
  const collection = () => cases.collection;

  return {
    async claimDue(owner, now, leaseMs) {
      // Date ranges only: the dev database checks them in SQLite, and MongoDB answers from the index.
      const claimed = await collection().findOneAndUpdate(
        { outboxDueAt: { $lte: now }, outboxLeaseUntil: { $lte: now } },
        { $set: { outboxLeaseOwner: owner, outboxLeaseUntil: new Date(now.getTime() + leaseMs) } },
        { returnDocument: 'after', includeResultMetadata: false },
      );
      if (!claimed) return null;
      return { caseId: String(claimed._id), accountId: claimed.accountId as string, livemode: claimed.livemode as boolean, entries: (claimed.outbox as OutboxEntry[] | undefined) ?? [] };
    },

    async removeRelayed(claimed, owner) {
      const held = { _id: new Types.ObjectId(claimed.caseId), accountId: claimed.accountId, outboxLeaseOwner: owner };
      const release = { outboxLeaseOwner: null, outboxLeaseUntil: NOT_LEASED };
      // The driver's types refuse arrays of sub-documents in $pullAll on an untyped collection; the server takes them.
      const removal = (claimed.entries.length > 0 ? { $pullAll: { outbox: claimed.entries } } : {}) as Record<string, never>;
      // Saves only append and only the lease holder removes, so an outbox of the claimed size holds exactly the claimed entries.
      const emptied = await collection().updateOne({ ...held, outbox: { $size: claimed.entries.length } }, { ...removal, $set: { ...release, outboxDueAt: null } });
      if (emptied.matchedCount === 1) return true;
      return (await collection().updateOne(held, { ...removal, $set: release })).matchedCount === 1;
    },
  };
}
