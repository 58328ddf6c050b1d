import Router from '@koa/router';
import type { AccountStore } from '../accounts';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { alertThresholdOf, RISK_HORIZON_DAYS, type RenewalRiskService } from '../renewalRisk';
import { RenewalCursorInvalid, type AtRiskFilter, type RenewalStore, type Tenancy } from '../renewals';
import { merchantOf, requireWrite } from './merchantAuth';
import { atRiskQuery, predictRiskBody } from './riskSchemas';
import { riskView } from './riskView';
import { parseInput } from './validation';

/** Renewals counted into the at-risk summary at most (pages of 100): the figure says "at least" beyond it. */
const SUMMARY_PAGES = 100;

/** Renewal risk: score a customer's renewals now, and the ranked list of renewals at risk. */
export function createRiskRoutes(deps: { renewals: RenewalStore; risk: RenewalRiskService; accounts: AccountStore; clock: Clock }): Router {
  const router = new Router();

  router.post('/api/predict/risk', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(predictRiskBody, ctx.state.body);
    const tenancy: Tenancy = { accountId: merchant.accountId, livemode: merchant.livemode };
    const scored = await deps.risk.scoreNow(tenancy, body.subscriptionId ? { subscriptionId: body.subscriptionId } : { customerId: body.customerId! });
    if (scored.length === 0) {
      const param = body.subscriptionId ? 'subscriptionId' : 'customerId';
      throw new AppError('resource_missing', `No renewing subscription ${body.subscriptionId ? body.subscriptionId : `of customer ${body.customerId}`} in this account and mode.`, 404, param);
    }
    ctx.body = { object: 'list', data: scored.map(riskView) };
  });

  router.get('/api/dashboard/at-risk', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(atRiskQuery, ctx.query);
    const tenancy: Tenancy = { accountId: merchant.accountId, livemode: merchant.livemode };
    const now = deps.clock.now();
    const window = { renewsFrom: now, renewsBefore: new Date(now.getTime() + RISK_HORIZON_DAYS * 86_400_000) };
    const filter: AtRiskFilter = {
      ...window,
      ...(query.min_score !== undefined ? { minScore: query.min_score } : {}),
      ...(query.reason ? { reasonCode: query.reason } : {}),
      ...(query.pre_dunning ? { preDunning: query.pre_dunning } : {}),
    };
    let page;
    try {
      page = await deps.renewals.listAtRisk(tenancy, filter, query.starting_after ?? null, query.limit);
    } catch (error) {
      if (error instanceof RenewalCursorInvalid) throw new AppError('parameter_invalid', 'starting_after: not a cursor this API gave out (use next_cursor from the previous page)', 400, 'starting_after');
      throw error;
    }
    const threshold = alertThresholdOf(await deps.accounts.find(tenancy.accountId, tenancy.livemode));
    ctx.body = {
      object: 'list',
      data: page.renewals.map(riskView),
      has_more: page.nextCursor !== null,
      next_cursor: page.nextCursor,
      summary: await summaryOf(deps.renewals, tenancy, { ...window, minScore: threshold }, threshold),
    };
  });

  return router;
}

/** How many renewals of the window reach the threshold, and what they would charge per currency. */
async function summaryOf(renewals: RenewalStore, tenancy: Tenancy, filter: AtRiskFilter, threshold: number) {
  let count = 0;
  const amountMinorByCurrency: Record<string, number> = {};
  let cursor: string | null = null;
  for (let pages = 0; pages < SUMMARY_PAGES; pages += 1) {
    const page = await renewals.listAtRisk(tenancy, filter, cursor, 100);
    for (const renewal of page.renewals) {
      count += 1;
      amountMinorByCurrency[renewal.currency] = (amountMinorByCurrency[renewal.currency] ?? 0) + renewal.amountMinor;
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { count, amountMinorByCurrency, atOrAbove: threshold };
}
