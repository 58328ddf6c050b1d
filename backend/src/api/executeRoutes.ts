import Router from '@koa/router';
import { AppError } from '../errors';
import type { HandOverOutcome, HandOverService } from '../recovery';
import { caseView } from './caseView';
import { requireWrite } from './merchantAuth';
import { executeBody } from './schemas';
import { parseInput } from './validation';

type Refusal = Extract<HandOverOutcome, { ok: false }>['reason'];

/** How each refusal reads over HTTP: not found at Stripe is a 404, a payment with nothing to recover a 409. */
const REFUSALS: Record<Refusal, { status: number; code: string }> = {
  not_found: { status: 404, code: 'no_such_payment' },
  already_paid: { status: 409, code: 'payment_already_paid' },
  not_failed: { status: 409, code: 'payment_not_failed' },
  not_collectable: { status: 409, code: 'payment_not_collectable' },
  no_customer: { status: 409, code: 'no_customer' },
  case_closed: { status: 409, code: 'case_closed' },
  not_installed: { status: 409, code: 'app_not_installed' },
  no_stripe_key: { status: 503, code: 'stripe_key_missing' },
};

/** POST /api/recovery/execute: a merchant's own code hands a failed Stripe payment to recovery. */
export function createExecuteRoutes(deps: { handOver: HandOverService }): Router {
  const router = new Router();

  router.post('/api/recovery/execute', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(executeBody, ctx.state.body);
    if (body.simulateOutcome && merchant.livemode) {
      throw new AppError('parameter_invalid', 'simulateOutcome: only test mode can simulate an outcome; live cases end only by what really happens.', 400, 'simulateOutcome');
    }
    const ref = body.invoiceId ? { invoiceId: body.invoiceId } : { paymentIntentId: body.paymentIntentId! };
    const outcome = await deps.handOver.handOver({ accountId: merchant.accountId, livemode: merchant.livemode }, ref, {
      originalDeclineCode: body.originalDeclineCode,
      metadata: body.metadata,
      simulateOutcome: body.simulateOutcome,
    });
    if (!outcome.ok) {
      const refusal = REFUSALS[outcome.reason];
      throw new AppError(refusal.code, outcome.detail, refusal.status, outcome.reason === 'case_closed' ? 'simulateOutcome' : body.invoiceId ? 'invoiceId' : 'paymentIntentId');
    }
    ctx.status = outcome.opened ? 201 : 200;
    ctx.body = { case: caseView(outcome.case), plan: outcome.plan };
  });

  return router;
}
