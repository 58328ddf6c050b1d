import Router from '@koa/router';
import type { Clock } from '../clock';
import type { SettingsService } from '../settings';
import { buildRecoveryLift, utcDay, type RollupStore } from '../stats';
import { merchantOf } from './merchantAuth';
import { identityQuery } from './schemas';
import { parseInput } from './validation';

/** GET /api/dashboard/lift: treated against the holdout's control group, per currency, from the rollups. */
export function createLiftRoutes(deps: { rollups: RollupStore; settings: SettingsService; clock: Clock }): Router {
  const router = new Router();

  router.get('/api/dashboard/lift', async (ctx) => {
    parseInput(identityQuery, ctx.query);
    const merchant = merchantOf(ctx);
    const today = utcDay(deps.clock.now());
    const [docs, settings] = await Promise.all([
      deps.rollups.readSince(merchant.accountId, merchant.livemode, today, today),
      deps.settings.read(merchant.accountId, merchant.livemode),
    ]);
    ctx.body = buildRecoveryLift(docs, settings.holdoutShare);
  });

  return router;
}
