import { startBackend } from './server';

/** The process entry point: `node backend/dist/main.js` or `node --import tsx backend/src/main.ts`. */
startBackend().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
