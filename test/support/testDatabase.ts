import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectDatabase } from '../../backend/src/database';

/**
 * A fresh database on the run's server for one test file, dropped afterwards.
 * Usage: const db = useTestDatabase(); … db.connection inside tests.
 */
export function useTestDatabase(): { readonly connection: Connection; readonly uri: string; readonly dbName: string } {
  const state: { connection?: Connection; dbName: string } = { dbName: `test_${randomBytes(6).toString('hex')}` };
  beforeAll(async () => {
    state.connection = await connectDatabase(testDatabaseUri(), { dbName: state.dbName });
  });
  afterAll(async () => {
    if (!state.connection) return;
    await state.connection.dropDatabase().catch(() => undefined);
    await state.connection.close();
  });
  return {
    get connection() {
      if (!state.connection) throw new Error('the test database is not connected yet (use it inside tests)');
      return state.connection;
    },
    get uri() {
      return testDatabaseUri();
    },
    get dbName() {
      return state.dbName;
    },
  };
}

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (globalSetup starts the database)');
  return uri;
}
