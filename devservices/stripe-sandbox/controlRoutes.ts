import Router from '@koa/router';
import type { CardFacts, SandboxBilling } from './sandboxBilling';
import type { BillingInterval } from './sandboxSubscriptions';
import { armFaults, FAULT_MODES, type FaultMode, type Faults, type HeldRequests } from './sandboxFaults';
import type { CardBehaviour, Json, SandboxState } from './sandboxState';
import { SandboxError } from './stripeErrors';
import type { WebhookSender } from './webhookSender';

/**
 * /_sandbox: scripting for tests and the demo (no auth; loopback only).
 * Cards that decline as told, renewals, the clock, faults, and inspection.
 */
export function controlRoutes(state: SandboxState, billing: SandboxBilling, events: WebhookSender, faults: Faults, held?: HeldRequests): Router {
  const router = new Router({ prefix: '/_sandbox' });
  const input = (ctx: { request: { body?: unknown } }) => (ctx.request.body ?? {}) as Json;
  const accountOf = (params: Json) => (typeof params.account === 'string' ? params.account : 'platform');

  router.post('/accounts', (ctx) => {
    const params = input(ctx);
    state.setAccountEmail(accountOf(params), typeof params.email === 'string' ? params.email : null);
    ctx.body = state.accountObject(accountOf(params));
  });

  router.post('/customers', (ctx) => {
    const params = input(ctx);
    ctx.body = billing.createCustomer(accountOf(params), params);
  });

  router.post('/payment_methods', (ctx) => {
    const params = input(ctx);
    const account = accountOf(params);
    const behaviour = (params.behaviour ?? { declines: [], then: 'succeed' }) as CardBehaviour;
    const pm = billing.createPaymentMethod(account, {
      brand: String(params.brand ?? 'visa'),
      fingerprint: params.fingerprint as string | undefined,
      last4: params.last4 as string | undefined,
      behaviour,
      ...(typeof params.expMonth === 'number' ? { expMonth: params.expMonth } : {}),
      ...(typeof params.expYear === 'number' ? { expYear: params.expYear } : {}),
      ...(typeof params.funding === 'string' ? { funding: params.funding as CardFacts['funding'] } : {}),
      ...(typeof params.country === 'string' ? { country: params.country } : {}),
    });
    if (typeof params.customer === 'string') {
      billing.attach(account, pm.id as string, params.customer, null);
      if (params.setDefault !== false) billing.updateCustomer(account, params.customer, { invoice_settings: { default_payment_method: pm.id } }, null);
    }
    ctx.body = pm;
  });

  router.post('/payment_methods/:id/account_updater', (ctx) => {
    const params = input(ctx);
    ctx.body = billing.updateCardByNetwork(accountOf(params), ctx.params.id!, { expMonth: Number(params.expMonth), expYear: Number(params.expYear), ...(typeof params.last4 === 'string' ? { last4: params.last4 } : {}) });
  });

  router.post('/subscriptions', (ctx) => {
    const params = input(ctx);
    const periodEnd = typeof params.currentPeriodEnd === 'string' ? Math.floor(new Date(params.currentPeriodEnd).getTime() / 1000) : undefined;
    ctx.body = billing.createSubscription(accountOf(params), {
      customer: String(params.customer),
      amount: Number(params.amount ?? 2900),
      currency: String(params.currency ?? 'usd'),
      default_payment_method: (params.default_payment_method as string | undefined) ?? null,
      ...(typeof params.quantity === 'number' ? { quantity: params.quantity } : {}),
      ...(typeof params.interval === 'string' ? { interval: params.interval as BillingInterval } : {}),
      ...(typeof params.intervalCount === 'number' ? { intervalCount: params.intervalCount } : {}),
      ...(periodEnd !== undefined ? { currentPeriodEnd: periodEnd } : {}),
    });
  });

  router.post('/payment_intents/:id/dispute', (ctx) => {
    const params = input(ctx);
    ctx.body = billing.paymentIntents.dispute(accountOf(params), ctx.params.id!, typeof params.reason === 'string' ? params.reason : 'fraudulent');
  });

  router.post('/subscriptions/:id/upcoming', (ctx) => void (ctx.body = billing.subscriptions.emitUpcoming(accountOf(input(ctx)), ctx.params.id!)));

  router.post('/app/authorize', (ctx) => void (ctx.body = billing.authorizeApp(accountOf(input(ctx)))));
  router.post('/app/deauthorize', (ctx) => void (ctx.body = billing.authorizeApp(accountOf(input(ctx)), false)));

  router.post('/subscriptions/:id/renew', (ctx) => {
    const params = input(ctx);
    ctx.body = billing.renew(accountOf(params), ctx.params.id!, { nextAttemptInHours: params.nextAttemptInHours === undefined ? 72 : (params.nextAttemptInHours as number | null) });
  });

  router.post('/payment_intents', (ctx) => {
    // A customer's one-time checkout: like POST /v1/payment_intents, but a decline answers the failed intent instead of a 402.
    const params = input(ctx);
    const account = accountOf(params);
    const { account: _account, ...create } = params;
    try {
      ctx.body = billing.paymentIntents.create(account, create, null);
    } catch (error) {
      const intent = error instanceof SandboxError ? (error.body.payment_intent as Json | undefined) : undefined;
      if (!intent) throw error;
      ctx.body = intent;
    }
  });

  router.get('/clock', (ctx) => void (ctx.body = { now: state.now().toISOString() }));
  router.post('/clock', (ctx) => {
    const params = input(ctx);
    if (typeof params.now === 'string') state.clockOffsetMs += new Date(params.now).getTime() - state.now().getTime();
    if (typeof params.advanceMs === 'number') state.clockOffsetMs += params.advanceMs;
    ctx.body = { now: state.now().toISOString() };
  });

  router.post('/faults', (ctx) => {
    const params = input(ctx);
    if (!FAULT_MODES.includes(params.mode as FaultMode)) {
      ctx.status = 400;
      ctx.body = { error: { message: `mode must be one of ${FAULT_MODES.join(', ')}` } };
      return;
    }
    armFaults(faults, params);
    ctx.status = 204;
  });
  router.get('/faults', (ctx) => void (ctx.body = { mode: faults.mode, remaining: faults.remaining, method: faults.method, holdMs: faults.holdMs, applied: faults.applied, path: faults.path ?? null }));
  router.delete('/faults', (ctx) => {
    faults.mode = null;
    ctx.status = 204;
  });

  router.get('/charges', (ctx) => void (ctx.body = state.charges));
  router.get('/requests', (ctx) => void (ctx.body = state.requests));
  router.get('/held', (ctx) => void (ctx.body = held?.list() ?? []));
  router.post('/held/release', (ctx) => {
    const seq = input(ctx).seq;
    ctx.body = { released: held?.release(typeof seq === 'number' ? seq : undefined) ?? 0 };
  });
  router.get('/deliveries', (ctx) => void (ctx.body = events.deliveries));
  router.post('/deliveries/hold', (ctx) => {
    events.hold();
    ctx.status = 204;
  });
  router.post('/deliveries/release', (ctx) => {
    events.release();
    ctx.status = 204;
  });
  router.post('/deliveries/idle', async (ctx) => {
    await events.idle();
    ctx.status = 204;
  });
  router.get('/invoices/:account/:id', (ctx) => void (ctx.body = billing.invoice(ctx.params.account!, ctx.params.id!)));
  router.post('/reset', (ctx) => {
    state.reset();
    ctx.status = 204;
  });
  return router;
}
