import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

/** What became of one document given to a batched insert. */
export type InsertResult = 'stored' | 'duplicate';

/**
 * Inserts into one collection, grouped: the first goes out at once, and those
 * that arrive while an insert is in flight go out together in the next one, an
 * unordered insertMany of up to `maxBatch`. Under load one command carries
 * many documents (one turn of the database, one transaction on the dev
 * database) instead of each waiting its own turn; when idle nothing waits.
 * Each caller still learns its own document's fate: stored, a duplicate of its
 * unique key, or the error that stopped it.
 */
export function batchedInserts<T extends Document>(collection: () => Collection<T>, maxBatch = 100): (doc: OptionalUnlessRequiredId<T>) => Promise<InsertResult> {
  interface Waiting {
    doc: OptionalUnlessRequiredId<T>;
    settle: (result: InsertResult | Error) => void;
  }
  let waiting: Waiting[] = [];
  let inFlight = false;

  async function send(batch: Waiting[]): Promise<void> {
    try {
      await collection().insertMany(
        batch.map((one) => one.doc),
        { ordered: false },
      );
      for (const one of batch) one.settle('stored');
    } catch (error) {
      const writeErrors = writeErrorsOf(error);
      const inserted = (error as { result?: { insertedCount?: unknown } }).result?.insertedCount;
      // The server answered for every document (inserted, or a write error naming it): each learns its own fate.
      if (writeErrors && typeof inserted === 'number' && inserted + writeErrors.length === batch.length) {
        const byIndex = new Map(writeErrors.map((written) => [written.index, written.code]));
        const failure = error instanceof Error ? error : new Error(String(error));
        batch.forEach((one, index) => {
          const code = byIndex.get(index);
          one.settle(code === undefined ? 'stored' : code === 11000 ? 'duplicate' : failure);
        });
        return;
      }
      // Otherwise (the connection failed, say) none is known to be stored: each is tried on its own, so its caller
      // gets that insert's own answer or error (one the batch did store comes back as a duplicate).
      await Promise.all(
        batch.map(async (one) => one.settle(await insertOnce(collection(), one.doc).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
      );
    }
  }

  async function sendAll(): Promise<void> {
    inFlight = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
      await send(batch);
    }
    inFlight = false;
  }

  return (doc) =>
    new Promise<InsertResult>((resolve, reject) => {
      waiting.push({ doc, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
      if (!inFlight) void sendAll();
    });
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
