import type { IdempotencyStore } from '../api/idempotencyStore';
import type { Clock } from '../clock';
import type { RateLimitStore } from '../rateLimits';
import type { DunningService } from '../dunning';
import type { PreDunningService } from '../preDunning';
import type { PrivacyService } from '../privacy';
import { OUTBOX_RELAY_BATCH, type DeliveryService, type OutboxRelay } from '../outbound';
import type { RetryService } from '../recovery';
import type { RenewalRefresh } from '../renewals';
import type { RenewalRiskService } from '../renewalRisk';
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
export const SEND_PRE_DUNNING_REMINDERS_JOB = 'send-pre-dunning-reminders';
export const PLAN_PRE_DUNNING_REMINDERS_JOB = 'plan-pre-dunning-reminders';
export const RELAY_CASE_OUTBOX_JOB = 'relay-case-outbox';
export const DELIVER_WEBHOOKS_JOB = 'deliver-outbound-webhooks';
export const SCORE_RENEWALS_JOB = 'score-renewals';
/** Deliveries in flight at once per run: enough to hide one slow receiver's latency, few enough for one process. */
export const WEBHOOK_DELIVERY_BATCH = 25;

/** Every recurring job, listed once. */
export function listRecurringJobs(deps: {
  stripeEvents: StripeEventProcessor;
  retries: RetryService;
  dunning: DunningService;
  preDunning: PreDunningService;
  rateLimits: RateLimitStore;
  outbox: OutboxRelay;
  idempotency: IdempotencyStore;
  webhookDeliveries: DeliveryService;
  privacy: PrivacyService;
  /** The daily pass over known renewals; absent where renewals are not wired. */
  renewalRefresh?: RenewalRefresh;
  renewalRisk: RenewalRiskService;
  clock: Clock;
}): RecurringJob[] {
  return [
    {
      // Retries, plans and end actions of recovery cases whose next action is due.
      name: 'run-due-recovery-actions',
      idleDelayMs: 1_000,
      run: () => deps.retries.runDue(RECOVERY_ACTION_BATCH),
    },
    {
      // Dunning emails that are due, and thank-you emails after a recovery.
      name: 'send-due-emails',
      idleDelayMs: 2_000,
      run: () => deps.dunning.runDue(RECOVERY_ACTION_BATCH),
    },
    {
      // Pre-dunning reminders that are due (a card that expires before its renewal), re-checked at send time.
      name: SEND_PRE_DUNNING_REMINDERS_JOB,
      idleDelayMs: 5_000,
      run: () => deps.preDunning.runDue(RECOVERY_ACTION_BATCH),
    },
    {
      // Plans each upcoming renewal's next reminder after intake changed it; a slow pass, as the plans are days apart.
      name: PLAN_PRE_DUNNING_REMINDERS_JOB,
      idleDelayMs: 5 * 60_000,
      run: async () => {
        await deps.preDunning.planUpcoming();
        return 0;
      },
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
    ...(deps.renewalRefresh ? [refreshRenewalsJob(deps.renewalRefresh)] : []),
    {
      // Renewals due in the next 30 days, scored again (facts change: a new card, a failure, a price) and
      // customer.renewal_at_risk sent once per period when a score reaches the merchant's threshold. Hourly:
      // risk moves in days, and a pass reads every upcoming renewal.
      name: SCORE_RENEWALS_JOB,
      idleDelayMs: 3_600_000,
      run: async () => {
        await deps.renewalRisk.scoreUpcoming();
        return 0;
      },
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
      // Stripe's raw events past RAW_EVENT_RETENTION_DAYS, where the database runs no TTL index (FerretDB); a no-op where it does.
      name: PURGE_RAW_EVENTS_JOB,
      idleDelayMs: 3_600_000,
      run: async () => {
        await deps.privacy.purgeExpiredRawEvents();
        return 0;
      },
    },
    {
      // Customers erased in the last few days, erased again: what Stripe sent about them after the erasure goes too.
      name: ERASE_LATE_ARRIVALS_JOB,
      idleDelayMs: 3_600_000,
      run: async () => {
        await deps.privacy.eraseLateArrivals(1_000);
        return 0;
      },
    },
    {
      // Accounts uninstalled more than UNINSTALL_GRACE_DAYS ago and not reinstalled: their data is erased.
      name: ERASE_UNINSTALLED_ACCOUNTS_JOB,
      idleDelayMs: 3_600_000,
      run: () => deps.privacy.eraseUninstalledAccounts(ACCOUNT_ERASURE_BATCH),
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

export const REFRESH_RENEWALS_JOB = 'refresh-renewals';
export const PURGE_RAW_EVENTS_JOB = 'purge-expired-stripe-events';
export const ERASE_UNINSTALLED_ACCOUNTS_JOB = 'erase-uninstalled-accounts';
export const ERASE_LATE_ARRIVALS_JOB = 'erase-late-customer-data';
/** Accounts erased per run of the uninstall job: each is many deletes, and a later run takes the rest. */
export const ACCOUNT_ERASURE_BATCH = 10;

function refreshRenewalsJob(refresh: RenewalRefresh): RecurringJob {
  return {
    // Re-reads each known renewal at Stripe once a day (missed events, the next period after a renewal), a batch per run.
    name: REFRESH_RENEWALS_JOB,
    idleDelayMs: 10 * 60_000,
    run: () => refresh.runBatch(),
  };
}
