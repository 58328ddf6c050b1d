import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { groupedWhileInFlight } from './groupedWhileInFlight';

/** What became of one document given to a batched insert. */
export type InsertResult = 'stored' | 'duplicate';

/**
 * Inserts into one collection, grouped while one is in flight (groupedWhileInFlight): an unordered
 * insertMany of up to `maxBatch` documents, one turn of the database and one transaction on the dev
 * database. Each caller still learns its own document's fate: stored, a duplicate of its unique key, or
 * the error that stopped it.
 */
export function batchedInserts<T extends Document>(collection: () => Collection<T>, maxBatch = 100): (doc: OptionalUnlessRequiredId<T>) => Promise<InsertResult> {
  return groupedWhileInFlight(async (batch: OptionalUnlessRequiredId<T>[]): Promise<(InsertResult | Error)[]> => {
    try {
      await collection().insertMany(batch, { ordered: false });
      return batch.map(() => 'stored');
    } catch (error) {
      const writeErrors = writeErrorsOf(error);
      const inserted = (error as { result?: { insertedCount?: unknown } }).result?.insertedCount;
      // The server answered for every document (inserted, or a write error naming it): each learns its own fate.
      if (writeErrors && typeof inserted === 'number' && inserted + writeErrors.length === batch.length) {
        const byIndex = new Map(writeErrors.map((written) => [written.index, written.code]));
        const failure = error instanceof Error ? error : new Error(String(error));
        return batch.map((_, index) => {
          const code = byIndex.get(index);
          return code === undefined ? 'stored' : code === 11000 ? 'duplicate' : failure;
        });
      }
      // Otherwise (the connection failed, say) none is known to be stored: each is tried on its own, so its caller
      // gets that insert's own answer or error (one the batch did store comes back as a duplicate).
      return Promise.all(batch.map((doc) => insertOnce(collection(), doc).catch((failed: unknown) => (failed instanceof Error ? failed : new Error(String(failed))))));
    }
  }, maxBatch);
}

/** Inserts one document: stored, or a duplicate of its unique key; any other failure is thrown. */
export async function insertOnce<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>): Promise<InsertResult> {
  try {
    await collection.insertOne(doc);
    return 'stored';
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return 'duplicate';
    throw error;
  }
}

/**
 * The write errors of an unordered bulk insert, each with the index of its document; null when it has none
 * (an empty list too: the insert failed as a whole, not document by document).
 */
export function writeErrorsOf(error: unknown): { index: number; code: number }[] | null {
  const errors = (error as { writeErrors?: unknown }).writeErrors;
  if (!errors) return null;
  const list = (Array.isArray(errors) ? errors : [errors]) as { index: number; code: number }[];
  return list.length > 0 ? list : null;
}
