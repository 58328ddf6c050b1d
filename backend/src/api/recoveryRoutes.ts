import Router from '@koa/router';
import type { Context } from 'koa';
import type { CardUpdateService } from '../cardUpdate';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { isControlCase, type CaseControlService, type CaseStore, type ControlActor, type ControlOutcome, type RetryService } from '../recovery';
import { caseView } from './caseView';
import { actorOf, merchantOf, requireWrite } from './merchantAuth';
import { caseControlBody, retryBody, statusQuery } from './schemas';
import { parseInput } from './validation';

const REFUSALS: Record<string, { status: number; message: string }> = {
  not_found: { status: 404, message: 'No such recovery case.' },
  closed: { status: 409, message: 'This recovery case is closed; there is nothing to do.' },
  control_group: {
    status: 409,
    message: "This case is in the control group (holdout): we take no action on it (no retry, email or card-update link), so the lift can be measured; Stripe's own retries and emails carry on.",
  },
  already_paused: { status: 409, message: 'Recovery is already paused for this case.' },
  not_paused: { status: 409, message: 'Recovery is not paused for this case.' },
  paused: { status: 409, message: 'Recovery is paused for this case: resume it first.' },
  no_email_address: { status: 409, message: 'The customer has no email address.' },
  email_undeliverable: { status: 409, message: "Our emails cannot reach this customer's address (bounced, complained or unsubscribed)." },
};

function secondsUntil(at: Date, now: Date): string {
  return String(Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000)));
}

/** The recovery case API: status, and the merchant's controls (retry, remind, pause, resume, cancel, card-update link). */
export function createRecoveryRoutes(deps: { cases: CaseStore; retries: RetryService; controls: CaseControlService; cardUpdate: CardUpdateService; clock: Clock }): Router {
  const router = new Router();

  router.get('/api/recovery/status', async (ctx) => {
    const merchant = merchantOf(ctx);
    const query = parseInput(statusQuery, ctx.query);
    if (query.invoiceId) {
      const found = await deps.cases.findByKey(merchant.accountId, merchant.livemode, `invoice:${query.invoiceId}`);
      if (!found) throw new AppError('no_recovery_case', `No recovery case for invoice ${query.invoiceId}.`, 404, 'invoiceId');
      ctx.body = caseView(found);
      return;
    }
    const found = await deps.cases.listByCustomer(merchant.accountId, merchant.livemode, query.customerId!, 100);
    ctx.body = { object: 'list', data: found.map(caseView) };
  });

  router.post('/api/recovery/retry', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(retryBody, ctx.state.body);
    const param = body.invoiceId ? 'invoiceId' : 'caseId';
    // By invoice: the case of that invoice in the caller's own account and mode, as GET /status finds it.
    const caseId = body.caseId ?? (await deps.cases.findByKey(merchant.accountId, merchant.livemode, `invoice:${body.invoiceId}`))?.id;
    if (!caseId) throw new AppError('no_recovery_case', `No recovery case for invoice ${body.invoiceId}.`, 404, param);
    const result = await deps.retries.requestManualRetry(merchant.accountId, merchant.livemode, caseId, actorOf(merchant));
    if (result.ok) {
      ctx.status = 202;
      ctx.body = { caseId, retry: 'scheduled' };
      return;
    }
    if (result.reason === 'cooling_down') {
      ctx.set('Retry-After', secondsUntil(result.retryAfter, deps.clock.now()));
      throw new AppError('retry_cooling_down', `A retry ran recently; the next one can start at ${result.retryAfter.toISOString()}.`, 429, param);
    }
    const code = result.reason === 'closed' ? 'case_closed' : result.reason === 'control_group' ? 'control_group' : 'no_recovery_case';
    throw new AppError(code, REFUSALS[result.reason]!.message, REFUSALS[result.reason]!.status, param);
  });

  const control = (action: (accountId: string, livemode: boolean, caseId: string, by: ControlActor) => Promise<ControlOutcome>) => async (ctx: Context) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(caseControlBody, ctx.state.body);
    const outcome = await action(merchant.accountId, merchant.livemode, body.caseId, actorOf(merchant));
    if (outcome.ok) {
      ctx.body = caseView(outcome.case);
      return;
    }
    if (outcome.reason === 'cooling_down') {
      ctx.set('Retry-After', secondsUntil(outcome.retryAfter, deps.clock.now()));
      throw new AppError('reminder_cooling_down', `The customer got an email recently; the next reminder can go at ${outcome.retryAfter.toISOString()}.`, 429, 'caseId');
    }
    const refusal = REFUSALS[outcome.reason]!;
    throw new AppError(outcome.reason === 'not_found' ? 'no_recovery_case' : outcome.reason, refusal.message, refusal.status, 'caseId');
  };
  router.post('/api/recovery/pause', control(deps.controls.pause));
  router.post('/api/recovery/resume', control(deps.controls.resume));
  router.post('/api/recovery/cancel', control(deps.controls.cancel));
  router.post('/api/recovery/remind', control(deps.controls.remind));

  router.post('/api/recovery/card-update-link', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(caseControlBody, ctx.state.body);
    const found = await deps.cases.findById(merchant.accountId, merchant.livemode, body.caseId);
    if (!found) throw new AppError('no_recovery_case', REFUSALS.not_found!.message, 404, 'caseId');
    if (found.status !== 'active') throw new AppError('case_closed', REFUSALS.closed!.message, 409, 'caseId');
    if (isControlCase(found)) throw new AppError('control_group', REFUSALS.control_group!.message, 409, 'caseId');
    const link = await deps.cardUpdate.linkFor(found);
    if (!link) throw new AppError('no_customer', 'This payment has no Stripe customer to send a card-update link to.', 409, 'caseId');
    ctx.body = { object: 'card_update_link', caseId: found.id, url: link.url, expiresAt: link.expiresAt };
  });

  return router;
}
