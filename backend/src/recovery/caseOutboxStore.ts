import { Types, type Connection } from 'mongoose';
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
   * Leases up to `limit` such cases: one query finds them, then each is
   * leased by its _id (a case another relay took meanwhile is skipped), so a
   * batch costs one search however many cases it holds.
   */
  claimSome(owner: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedOutbox[]>;
  /**
   * Removes exactly `relayed` from the case's outbox and releases the lease;
   * entries a save appended meanwhile stay, and so does the due marker for
   * them. False, and nothing removed, when the lease was lost (the new holder relays again).
   */
  removeRelayed(claimed: ClaimedOutbox, owner: string): Promise<boolean>;
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
      const claimed: ClaimedOutbox[] = [];
      for (const { _id } of candidates) {
        const taken = toClaimed(
          await collection().findOneAndUpdate({ _id, ...due(now) }, { $set: leased(owner, now, leaseMs) }, { returnDocument: 'after', includeResultMetadata: false }),
        );
        if (taken) claimed.push(taken);
      }
      return claimed;
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
