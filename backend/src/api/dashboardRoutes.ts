import Router from '@koa/router';
import type { Clock } from '../clock';
import type { AccountStore } from '../accounts';
import type { CaseStore } from '../recovery';
import { dunningPolicyOf } from '../settings';
import { buildDashboardStats, statsFromDay, utcDay, type RollupStore } from '../stats';
import { filterOf, sendCasesCsv } from './caseExport';
import { attentionRow, paymentRow, sequenceRow } from './caseView';
import { exportUrl, issueExportToken, type ExportFilters } from './exportLinkToken';
import { merchantOf } from './merchantAuth';
import { decodeCursor, toPage } from './pageCursor';
import { exportLinkBody, exportQuery, identityQuery, pageQuery, paymentsQuery } from './schemas';
import { parseInput } from './validation';

/** Where download links point, and the key that signs them. */
export interface ExportLinkSettings {
  key: Uint8Array;
  publicUrl: string;
}

/** The merchant's dashboard: stats from rollups, lists with cursor pages, and a streamed CSV export (directly, or through a short-lived link). */
export function createDashboardRoutes(deps: { cases: CaseStore; rollups: RollupStore; accounts: AccountStore; clock: Clock; exportLinks: ExportLinkSettings }): Router {
  const router = new Router();

  router.get('/api/dashboard/stats', async (ctx) => {
    parseInput(identityQuery, ctx.query);
    const merchant = merchantOf(ctx);
    const now = deps.clock.now();
    ctx.body = buildDashboardStats(await deps.rollups.readSince(merchant.accountId, merchant.livemode, statsFromDay(now), utcDay(now)), now);
  });

  router.get('/api/dashboard/payments', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(paymentsQuery, ctx.query);
    const rows = await deps.cases.listPage(merchant.accountId, merchant.livemode, filterOf(query), query.limit + 1, decodeCursor(query.starting_after));
    ctx.body = toPage(rows, query.limit, paymentRow);
  });

  router.get('/api/dashboard/sequences', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(pageQuery, ctx.query);
    const steps = dunningPolicyOf(await deps.accounts.find(merchant.accountId, merchant.livemode)).steps.length;
    const rows = await deps.cases.listPage(merchant.accountId, merchant.livemode, { status: 'active' }, query.limit + 1, decodeCursor(query.starting_after));
    ctx.body = toPage(rows, query.limit, (found) => sequenceRow(found, steps));
  });

  router.get('/api/dashboard/attention', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(pageQuery, ctx.query);
    const rows = await deps.cases.listNeedingAttention(merchant.accountId, merchant.livemode, query.limit);
    ctx.body = { object: 'list', data: rows.map(attentionRow), has_more: rows.length === query.limit, next_cursor: null };
  });

  router.get('/api/dashboard/export.csv', async (ctx) => {
    const merchant = merchantOf(ctx);
    sendCasesCsv(ctx, deps.cases, merchant, parseInput(exportQuery, ctx.query), deps.clock.now());
  });

  router.post('/api/dashboard/export-link', async (ctx) => {
    const merchant = merchantOf(ctx);
    const body = parseInput(exportLinkBody, ctx.state.body);
    // The signed account and mode, never the body's: the link can only ever export the caller's own cases.
    const filters: ExportFilters = {
      ...(body.status ? { status: body.status } : {}),
      ...(body.customerId ? { customerId: body.customerId } : {}),
      ...(body.openingDeclineBucket ? { openingDeclineBucket: body.openingDeclineBucket } : {}),
      ...(body.currency ? { currency: body.currency } : {}),
      ...(body.from ? { from: body.from.toISOString() } : {}),
      ...(body.to ? { to: body.to.toISOString() } : {}),
    };
    const { token, expiresAt } = await issueExportToken({ accountId: merchant.accountId, livemode: merchant.livemode, filters }, deps.exportLinks.key, deps.clock.now());
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { object: 'export_link', url: exportUrl(deps.exportLinks.publicUrl, token), expiresAt };
  });

  return router;
}
