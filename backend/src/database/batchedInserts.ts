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
      const failure = error instanceof Error ? error : new Error(String(error));
      const writeErrors = writeErrorsOf(error);
      // No per-document errors (the connection failed, say): none of them is known to be stored.
      if (!writeErrors) return batch.forEach((one) => one.settle(failure));
      const byIndex = new Map(writeErrors.map((written) => [written.index, written.code]));
      batch.forEach((one, index) => {
        const code = byIndex.get(index);
        one.settle(code === undefined ? 'stored' : code === 11000 ? 'duplicate' : failure);
      });
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

/** The write errors of an unordered bulk insert, each with the index of its document; null when it has none. */
export function writeErrorsOf(error: unknown): { index: number; code: number }[] | null {
  const errors = (error as { writeErrors?: unknown }).writeErrors;
  if (!errors) return null;
  return (Array.isArray(errors) ? errors : [errors]) as { index: number; code: number }[];
}
