import type { Container } from '../../backend/src/container';
import { listRecurringJobs, type RecurringJob } from '../../backend/src/scheduler';

/** One of the worker's recurring jobs as the container lists them, to run by hand as the worker would. */
export function workerJobNamed(container: Container, name: string): RecurringJob {
  const jobs = listRecurringJobs({
    stripeEvents: container.stripeEventProcessor,
    retries: container.retries,
    dunning: container.dunning,
    preDunning: container.preDunning,
    rateLimits: container.rateLimits,
    outbox: container.outboxRelay,
    idempotency: container.idempotency,
    webhookDeliveries: container.outboundWebhooks.deliveries,
    privacy: container.privacy,
    renewalRisk: container.renewalRisk,
    clock: container.clock,
  });
  const job = jobs.find((candidate) => candidate.name === name);
  if (!job) throw new Error(`no recurring job named ${name}`);
  return job;
}
