import type { Connection } from 'mongoose';
import { ConfigError, loadConfig } from '../backend/src/config';
import { connectDatabase } from '../backend/src/database';

/**
 * The database an operator's command works on: the backend's own, named by
 * MONGODB_URI and checked like the backend checks it. A setting that is
 * wrong or missing ends the command through `fail` with the reason.
 */
export async function connectOperatorDatabase(fail: (message: string) => never): Promise<Connection> {
  let mongodbUri: string | undefined;
  try {
    mongodbUri = loadConfig().mongodbUri;
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (!mongodbUri) fail('MONGODB_URI is unset: point it at the database the backend uses (the embedded dev database is reachable only from the process that started it).');
  return connectDatabase(mongodbUri);
}
