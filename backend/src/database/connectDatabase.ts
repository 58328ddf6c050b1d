import mongoose, { type Connection } from 'mongoose';

// Mongoose otherwise renders a stack trace for every query it runs, kept only to explain a query run twice
// (a programming error): with source maps on, that rendering was a noticeable share of a worker's CPU.
mongoose.set('skipOriginalStackTraces', true);

/**
 * Opens one mongoose connection for the process. Buffering is off so that a
 * database outage fails fast (webhooks answer 503 and Stripe retries) instead
 * of queueing writes in memory that a crash would lose.
 */
export async function connectDatabase(uri: string, options: { dbName?: string; patientMs?: number } = {}): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    bufferCommands: false,
    autoIndex: true,
    serverSelectionTimeoutMS: 3_000,
    // Benchmarks time deliberately slow operations; the driver must not give up on the server meanwhile.
    ...(options.patientMs ? { serverSelectionTimeoutMS: options.patientMs, connectTimeoutMS: options.patientMs } : {}),
    ...(options.dbName ? { dbName: options.dbName } : {}),
  });
  await connection.asPromise();
  return connection;
}

export interface DatabaseHealth {
  status: 'ok' | 'unreachable';
  latencyMs: number | null;
}

/** Pings the database, giving up after timeoutMs so a health check never hangs. */
export async function checkDatabase(connection: Connection, timeoutMs = 2_000): Promise<DatabaseHealth> {
  const startedAt = process.hrtime.bigint();
  try {
    const db = connection.db;
    if (!db || connection.readyState !== 1) return { status: 'unreachable', latencyMs: null };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      db.admin().ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { status: 'ok', latencyMs: Number(process.hrtime.bigint() - startedAt) / 1e6 };
  } catch {
    return { status: 'unreachable', latencyMs: null };
  }
}
