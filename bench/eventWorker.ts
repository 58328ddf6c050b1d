/**
 * The intake benchmark's event worker: the real container's `handle-stripe-events`
 * job alone, in a process of its own, so the benchmark measures what handling
 * events costs intake. (A full worker also plans retries and emails for the
 * cases a burst opens and relays their outboxes; the scheduler benchmark measures those.)
 *
 *   MONGODB_URI=… node --import tsx bench/eventWorker.ts
 */
import pino from 'pino';
import { loadConfig } from '../backend/src/config';
import { createContainer, ensureIndexes } from '../backend/src/container';
import { connectDatabase } from '../backend/src/database';
import { createWorker, HANDLE_STRIPE_EVENTS_JOB, listRecurringJobs } from '../backend/src/scheduler';

void (async () => {
  const config = loadConfig(process.env);
  const logger = pino({ level: 'silent' });
  const connection = await connectDatabase(config.mongodbUri!, { patientMs: 120_000 });
  await ensureIndexes(connection);
  const container = createContainer({ config, logger, connection });
  const jobs = listRecurringJobs({ ...container, stripeEvents: container.stripeEventProcessor, retries: container.retries, outbox: container.outboxRelay, webhookDeliveries: container.outboundWebhooks.deliveries });
  const worker = createWorker(jobs.filter((job) => job.name === HANDLE_STRIPE_EVENTS_JOB), logger);
  worker.start();
  process.once('SIGTERM', () => void worker.stop().then(() => connection.close()).then(() => process.exit(0)));
})();
