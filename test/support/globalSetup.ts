import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../backend/src/database';

/**
 * Starts one FerretDB for the whole run on a free loopback port with its data
 * in a temporary directory, unless MONGODB_URI points at a real MongoDB.
 * Each test file then works in a database of its own (see testDatabase.ts).
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-test-db-'));
  const database = await startEmbeddedDatabase({ dataDir });
  (globalThis as { __testDatabase?: unknown }).__testDatabase = { database, dataDir };
  process.env.TEST_MONGODB_URI = database.uri;
}
