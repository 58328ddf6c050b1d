import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { CaseStore } from '../recovery';
import { sendCasesCsv } from './caseExport';
import { verifyExportToken } from './exportLinkToken';
import { exportTokenFilters } from './schemas';

const EXPIRED = 'This download link has expired: links last 5 minutes. Export again from Payment Recovery in the Stripe Dashboard.';
const INVALID = 'This download link is not valid (it may have been changed or cut short). Export again from Payment Recovery in the Stripe Dashboard.';

/**
 * GET /exports/<token>.csv: the CSV export behind a link from
 * POST /api/dashboard/export-link. The token is the only credential, and the
 * only input: account, mode and filters all come from it, never from the
 * query. A changed or foreign token is 403, as is an expired one.
 */
export function createExportDownloadRoutes(deps: { cases: CaseStore; clock: Clock; key: Uint8Array; limitPerIp: Middleware }): Router {
  const router = new Router();
  router.get('/exports/:file', deps.limitPerIp, async (ctx) => {
    const file = ctx.params.file ?? '';
    const now = deps.clock.now();
    const check = file.endsWith('.csv') ? await verifyExportToken(file.slice(0, -'.csv'.length), deps.key, now) : ({ ok: false, reason: 'invalid' } as const);
    if (!check.ok) throw new AppError(check.reason === 'expired' ? 'export_link_expired' : 'export_link_invalid', check.reason === 'expired' ? EXPIRED : INVALID, 403);
    const filters = exportTokenFilters.safeParse(check.claims.filters);
    // Signed by us but no longer understood (filters renamed since): as useless as a changed link.
    if (!filters.success) throw new AppError('export_link_invalid', INVALID, 403);
    ctx.set('Referrer-Policy', 'no-referrer');
    sendCasesCsv(ctx, deps.cases, check.claims, filters.data, now);
  });
  return router;
}
