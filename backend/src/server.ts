import type { Server } from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createContainer, ensureIndexes } from './container';
import { connectDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from './database';
import { createLogger, type Logger } from './logger';

/**
 * Start-up: config, database (the embedded one when MONGODB_URI is unset),
 * then the web server and/or the worker per ROLE. SIGTERM and SIGINT drain
 * in-flight requests and jobs, then close the database. Settings are read
 * when this runs, not when the module is loaded.
 */
export async function startBackend(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let embedded: EmbeddedDatabase | null = null;
  let uri = config.mongodbUri;
  if (!uri) {
    const dataDir = path.resolve(config.dataDir, 'ferretdb');
    embedded = await startEmbeddedDatabase({ dataDir });
    uri = embedded.uri;
    logger.info({ dataDir, uri }, 'embedded dev database started (FerretDB, SQLite backend); set MONGODB_URI to use your own MongoDB');
  }

  const connection = await connectDatabase(uri, embedded ? { dbName: 'recovery' } : {});
  const container = createContainer({ config, logger, connection });
  await ensureIndexes(connection, { rawEventRetentionDays: config.privacy.rawEventRetentionDays });

  let server: Server | null = null;
  if (config.role === 'web' || config.role === 'all') {
    const app = createApp(container);
    server = app.listen(config.port, () => {
      logger.info({ port: config.port, role: config.role, publicUrl: config.publicUrl }, `listening on http://127.0.0.1:${config.port}`);
    });
  }
  if (config.role === 'worker' || config.role === 'all') container.worker.start();
  if (!config.stripe.secretKey) logger.warn('STRIPE_SECRET_KEY is unset: Stripe API calls are disabled');
  for (const warning of config.warnings) logger.warn(warning);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and jobs');
    const forced = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    forced.unref();
    await shutdown({ server, container, embedded, logger });
    clearTimeout(forced);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function shutdown(parts: {
  server: Server | null;
  container: ReturnType<typeof createContainer>;
  embedded: EmbeddedDatabase | null;
  logger: Logger;
}): Promise<void> {
  const { server, container, embedded, logger } = parts;
  if (server) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets with no request in flight would otherwise hold close() open.
    server.closeIdleConnections();
    await closed;
  }
  await container.worker.stop();
  await container.connection.close();
  if (embedded) await embedded.stop();
  logger.info('stopped cleanly');
}
