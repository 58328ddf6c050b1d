import { rmSync } from 'node:fs';
import type { EmbeddedDatabase } from '../../backend/src/database';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __testDatabase?: { database: EmbeddedDatabase; dataDir: string } }).__testDatabase;
  if (!started) return;
  await started.database.stop();
  rmSync(started.dataDir, { recursive: true, force: true });
}
