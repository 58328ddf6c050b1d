import Router from '@koa/router';
import { z } from 'zod';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { CaseStore, RetryService } from '../recovery';
import { caseView } from './caseView';
import { merchantOf, requireWrite } from './merchantAuth';
import { parseInput } from './validation';

const statusQuery = z
  .object({ invoiceId: z.string().regex(/^in_\w+$/).optional(), customerId: z.string().regex(/^cus_\w+$/).optional() })
  .refine((query) => Boolean(query.invoiceId) !== Boolean(query.customerId), { message: 'give exactly one of invoiceId or customerId', path: ['invoiceId'] });

const retryBody = z.object({ caseId: z.string().regex(/^[a-f0-9]{24}$/, 'a recovery case id') });

/** GET /api/recovery/status and POST /api/recovery/retry, scoped to the calling merchant. */
export function createRecoveryRoutes(deps: { cases: CaseStore; retries: RetryService; clock: Clock }): Router {
  const router = new Router();

  router.get('/api/recovery/status', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(statusQuery, ctx.query);
    if (query.invoiceId) {
      const found = await deps.cases.findByKey(merchant.accountId, `invoice:${query.invoiceId}`);
      if (!found) throw new AppError('no_recovery_case', `No recovery case for invoice ${query.invoiceId}.`, 404, 'invoiceId');
      ctx.body = caseView(found);
      return;
    }
    const found = await deps.cases.listByCustomer(merchant.accountId, query.customerId!, 100);
    ctx.body = { object: 'list', data: found.map(caseView) };
  });

  router.post('/api/recovery/retry', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(retryBody, ctx.state.body);
    const result = await deps.retries.requestManualRetry(merchant.accountId, body.caseId);
    if (result.ok) {
      ctx.status = 202;
      ctx.body = { caseId: body.caseId, retry: 'scheduled' };
      return;
    }
    if (result.reason === 'cooling_down') {
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((result.retryAfter.getTime() - deps.clock.now().getTime()) / 1000))));
      throw new AppError('retry_cooling_down', `A retry ran recently; the next one can start at ${result.retryAfter.toISOString()}.`, 429, 'caseId');
    }
    if (result.reason === 'closed') throw new AppError('case_closed', 'This recovery case is closed; there is nothing to retry.', 409, 'caseId');
    throw new AppError('no_recovery_case', 'No such recovery case.', 404, 'caseId');
  });

  return router;
}
