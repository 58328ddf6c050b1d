/**
 * Requests to one collection, grouped: the first goes out at once, and those
 * that arrive while a command is in flight go out together in the next one,
 * up to `maxBatch`. Under load one command serves many callers (one round
 * trip, one turn of the database) instead of each waiting its own; when idle
 * nothing waits. A grouped request is sent after it was made, so it sees
 * every write finished before it was made, as it would alone.
 *
 * `send` answers a batch with one entry per request, in order: its result, or
 * an Error for that request alone. When `send` throws, every request of the
 * batch fails with that error.
 */
export function groupedWhileInFlight<Request, Result>(send: (batch: Request[]) => Promise<(Result | Error)[]>, maxBatch: number): (request: Request) => Promise<Result> {
  interface Waiting {
    request: Request;
    settle: (result: Result | Error) => void;
  }
  let waiting: Waiting[] = [];
  let inFlight = false;

  async function sendOne(batch: Waiting[]): Promise<void> {
    let results: (Result | Error)[];
    try {
      results = await send(batch.map((one) => one.request));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      results = batch.map(() => failure);
    }
    // A result may be null or undefined (nothing found): only a missing entry is an error.
    batch.forEach((one, index) => one.settle(index < results.length ? (results[index] as Result | Error) : new Error('the grouped command gave no answer for this request')));
  }

  async function sendAll(): Promise<void> {
    inFlight = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
      await sendOne(batch);
    }
    inFlight = false;
  }

  return (request) =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ request, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
      if (!inFlight) void sendAll();
    });
}
