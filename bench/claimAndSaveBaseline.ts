import { connectDatabase } from '../backend/src/database';
import { createCaseStore } from '../backend/src/recovery';
import type { StripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { seedDueCases } from '../test/support/dueCases';

/**
 * The database's own ceiling for due work, measured in the same run as what
 * is compared with it: one process claims each of `count` due cases and saves
 * it back (two writes, no HTTP). Returns cycles per second.
 */
export async function claimAndSaveBaseline(baseUri: string, sandbox: StripeSandbox, options: { count: number; accountId: string; dbName: string }): Promise<number> {
  const connection = await connectDatabase(baseUri, { dbName: options.dbName });
  try {
    await connection.dropDatabase();
    await seedDueCases(connection, sandbox, { count: options.count, accountId: options.accountId, now: new Date() });
    const store = createCaseStore(connection);
    const startedAt = process.hrtime.bigint();
    let done = 0;
    for (;;) {
      const claimed = await store.claimDue('bench', new Date(), 60_000);
      if (!claimed) break;
      await store.replaceIfUnchanged({ ...claimed, status: 'recovered', nextActionAt: null });
      done += 1;
    }
    return done / (Number(process.hrtime.bigint() - startedAt) / 1e9);
  } finally {
    await connection.dropDatabase();
    await connection.close();
  }
}
