import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { RenewalIntake } from './renewalIntake';
import type { RenewalStore } from './renewalStore';

/** Renewals re-read per run: each costs up to three Stripe reads (subscription, customer, card). */
export const RENEWAL_REFRESH_BATCH = 25;
/** How often each renewal is re-read at most. */
export const RENEWAL_REFRESH_EVERY_MS = 24 * 60 * 60 * 1000;

export interface RenewalRefresh {
  /** Re-reads up to one batch of renewals not re-read for a day; returns how many it took. */
  runBatch(): Promise<number>;
}

/**
 * The daily pass over known renewals: re-reads each subscription (and its
 * card) at Stripe once a day, to catch events that never came (an account
 * update, a cancellation) and to move renewsAt on after a renewal. Bounded
 * per run; a read that fails is logged and waits for the next day.
 */
export function createRenewalRefresh(deps: { renewals: RenewalStore; intake: RenewalIntake; hasStripeKey: (livemode: boolean) => boolean; clock: Clock; logger: Logger }): RenewalRefresh {
  return {
    async runBatch() {
      const now = deps.clock.now();
      let taken = 0;
      for (const livemode of [true, false]) {
        if (!deps.hasStripeKey(livemode) || taken >= RENEWAL_REFRESH_BATCH) continue;
        const claimed = await deps.renewals.claimForRefresh(livemode, now, new Date(now.getTime() - RENEWAL_REFRESH_EVERY_MS), RENEWAL_REFRESH_BATCH - taken);
        taken += claimed.length;
        for (const renewal of claimed) {
          const tenant = { accountId: renewal.accountId, livemode: renewal.livemode, isAppInstall: renewal.isAppInstall };
          try {
            const summary = await deps.intake.refreshSubscription(tenant, renewal.subscriptionId, now, renewal);
            deps.logger.debug({ accountId: renewal.accountId, subscriptionId: renewal.subscriptionId, summary }, 'renewal re-read at Stripe');
          } catch (error) {
            deps.logger.warn({ accountId: renewal.accountId, subscriptionId: renewal.subscriptionId, err: error instanceof Error ? error.message : String(error) }, 'renewal re-read failed; tried again tomorrow');
          }
        }
      }
      return taken;
    },
  };
}
