import type { IdempotencyStore } from '../api/idempotencyStore';
import type { Clock } from '../clock';
import type { RateLimitStore } from '../rateLimits';
import type { DunningService } from '../dunning';
import { OUTBOX_RELAY_BATCH, type DeliveryService, type OutboxRelay } from '../outbound';
import type { RetryService } from '../recovery';
import type { StripeEventProcessor } from '../webhooks';

/** A piece of work the worker role repeats. Each run claims what is due in the database. */
export interface RecurringJob {
  name: string;
  /** Pause between runs when the last run found nothing to do. */
  idleDelayMs: number;
  /** Does one batch; returns how many items it took (a full batch means: run again at once). */
  run(): Promise<number>;
}

export const STRIPE_EVENT_BATCH = 100;
export const HANDLE_STRIPE_EVENTS_JOB = 'handle-stripe-events';
export const RECOVERY_ACTION_BATCH = 50;
export const RELAY_CASE_OUTBOX_JOB = 'relay-case-outbox';
export const DELIVER_WEBHOOKS_JOB = 'deliver-outbound-webhooks';
/** Deliveries in flight at once per run: enough to hide one slow receiver's latency, few enough for one process. */
export const WEBHOOK_DELIVERY_BATCH = 25;

/** Every recurring job, listed once. */
export function listRecurringJobs(deps: {
  stripeEvents: StripeEventProcessor;
  retries: RetryService;
  dunning: DunningService;
  rateLimits: RateLimitStore;
  outbox: OutboxRelay;
  idempotency: IdempotencyStore;
  webhookDeliveries: DeliveryService;
  clock: Clock;
}): RecurringJob[] {
  return [
    {
      // Retries, plans and end actions of recovery cases whose next action is due.
      name: 'run-due-recovery-actions',
      idleDelayMs: 1_000,
      run: () => repeatWhileBusy(() => deps.retries.runNextDue(), RECOVERY_ACTION_BATCH),
    },
    {
      // Dunning emails that are due, and thank-you emails after a recovery.
      name: 'send-due-emails',
      idleDelayMs: 2_000,
      run: () => repeatWhileBusy(() => deps.dunning.runNextDue(), RECOVERY_ACTION_BATCH),
    },
    {
      // Every stored Stripe event is handled here, including retries of ones whose handling failed
      // (database down, Stripe unreachable) and leftovers of a crashed worker. A short pause: intake
      // in another process cannot wake this loop, and a new event should not wait long.
      name: HANDLE_STRIPE_EVENTS_JOB,
      idleDelayMs: 250,
      run: () => deps.stripeEvents.sweep(STRIPE_EVENT_BATCH),
    },
    {
      // What case saves wrote to their outboxes: events to the outbound sink, deltas to the stats rollups, our
      // attempts to the card ledger. The dashboard shows a change once this has run. It pauses a second unless
      // its batch was full: each run costs a few writes however many cases it relays, so fuller batches cost less per case.
      name: RELAY_CASE_OUTBOX_JOB,
      idleDelayMs: 1_000,
      run: async () => {
        const relayed = await deps.outbox.relayBatch();
        return relayed === OUTBOX_RELAY_BATCH ? relayed : 0;
      },
    },
    {
      // Merchants' webhook deliveries that are due: first attempts and back-off retries, several in flight.
      name: DELIVER_WEBHOOKS_JOB,
      // Woken at once when the publisher queues a delivery in this process; the pause only paces back-off retries.
      idleDelayMs: 2_000,
      run: () => deps.webhookDeliveries.runDue(WEBHOOK_DELIVERY_BATCH),
    },
    {
      // Ended rate-limit windows are only clutter; one pass a minute keeps the collection small.
      name: 'delete-ended-rate-limit-windows',
      idleDelayMs: 60_000,
      run: async () => {
        await deps.rateLimits.deleteExpired(deps.clock.now());
        return 0;
      },
    },
    {
      // Idempotency keys past their 24 h, where the database runs no TTL index (FerretDB); reads ignore them anyway.
      name: 'delete-expired-idempotency-keys',
      idleDelayMs: 60_000,
      run: async () => {
        await deps.idempotency.deleteExpired(deps.clock.now());
        return 0;
      },
    },
  ];
}

/** Runs `step` until it finds nothing to do or `limit` steps ran; returns how many did something. */
async function repeatWhileBusy(step: () => Promise<boolean>, limit: number): Promise<number> {
  let taken = 0;
  while (taken < limit && (await step())) taken += 1;
  return taken;
}
