import Router from '@koa/router';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import type { Clock } from '../clock';
import type { AccountStore } from '../accounts';
import type { CaseFilter, CaseStore } from '../recovery';
import { dunningPolicyOf } from '../settings';
import { buildDashboardStats, statsFromDay, utcDay, type RollupStore } from '../stats';
import { attentionRow, paymentRow, sequenceRow } from './caseView';
import { merchantOf } from './merchantAuth';
import { decodeCursor, toPage } from './pageCursor';
import { exportQuery, identityQuery, pageQuery, paymentsQuery } from './schemas';
import { parseInput } from './validation';

const EXPORT_COLUMNS = ['id', 'invoiceId', 'customerId', 'customerEmail', 'amountMinor', 'currency', 'status', 'declineBucket', 'recoveredBy', 'group', 'attempts', 'emailsSent', 'openedAt', 'closedAt'] as const;

const filterOf = (query: { status?: CaseFilter['status']; customerId?: string; from?: Date; to?: Date }): CaseFilter => ({
  ...(query.status ? { status: query.status } : {}),
  ...(query.customerId ? { stripeCustomerId: query.customerId } : {}),
  ...(query.from ? { openedFrom: query.from } : {}),
  ...(query.to ? { openedBefore: query.to } : {}),
});

/** Spreadsheets run cells that start like a formula; a leading quote keeps a customer's data from doing so. */
function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The merchant's dashboard: stats from rollups, lists with cursor pages, and a streamed CSV export. */
export function createDashboardRoutes(deps: { cases: CaseStore; rollups: RollupStore; accounts: AccountStore; clock: Clock }): Router {
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
    const query = parseInput(exportQuery, ctx.query);
    const cases = deps.cases.streamAll(merchant.accountId, merchant.livemode, filterOf(query));
    const rows = Readable.from(
      (async function* () {
        for await (const found of cases) {
          const row = paymentRow(found);
          yield { ...row, openedAt: row.openedAt.toISOString(), closedAt: row.closedAt?.toISOString() ?? '' };
        }
      })(),
    );
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="recovery-${merchant.livemode ? 'live' : 'test'}-${deps.clock.now().toISOString().slice(0, 10)}.csv"`);
    ctx.set('Cache-Control', 'no-store');
    // Rows leave as they are read: memory stays flat however many cases the merchant has.
    ctx.body = rows.pipe(stringify({ header: true, columns: [...EXPORT_COLUMNS], cast: { boolean: (value) => String(value), string: neutraliseFormula } }));
  });

  return router;
}
