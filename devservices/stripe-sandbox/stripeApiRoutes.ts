import Router from '@koa/router';
import type { Context } from 'koa';
import { newId, type Json, type SandboxState } from './sandboxState';
import type { SandboxBilling } from './sandboxBilling';
import { invalid, missing } from './stripeErrors';

/** The /v1 endpoints the backend, the demo and the tests use, in Stripe's shapes. */
export function stripeApiRoutes(state: SandboxState, billing: SandboxBilling, baseUrl: () => string): Router {
  const router = new Router({ prefix: '/v1' });
  const account = (ctx: Context) => ctx.state.account as string;
  const key = (ctx: Context) => (ctx.state.idempotencyKey as string | null) ?? null;
  const body = (ctx: Context) => (ctx.state.params ?? {}) as Json;
  const data = (ctx: Context) => state.account(account(ctx));

  router.get('/account', (ctx) => void (ctx.body = state.accountObject(account(ctx))));

  router.post('/customers', (ctx) => void (ctx.body = billing.createCustomer(account(ctx), body(ctx))));
  router.get('/customers/:id', (ctx) => void (ctx.body = billing.customer(account(ctx), ctx.params.id!)));
  router.post('/customers/:id', (ctx) => void (ctx.body = billing.updateCustomer(account(ctx), ctx.params.id!, body(ctx), key(ctx))));
  router.delete('/customers/:id', (ctx) => void (ctx.body = billing.deleteCustomer(account(ctx), ctx.params.id!, key(ctx))));

  router.get('/payment_methods/:id', (ctx) => void (ctx.body = billing.paymentMethod(account(ctx), ctx.params.id!)));
  router.post('/payment_methods/:id/attach', (ctx) => {
    const customer = body(ctx).customer;
    if (typeof customer !== 'string') throw invalid('Missing required param: customer.', 'customer');
    ctx.body = billing.attach(account(ctx), ctx.params.id!, customer, key(ctx));
  });

  router.get('/subscriptions/:id', (ctx) => void (ctx.body = billing.subscription(account(ctx), ctx.params.id!)));
  router.post('/subscriptions/:id', (ctx) => void (ctx.body = billing.updateSubscription(account(ctx), ctx.params.id!, body(ctx), key(ctx))));
  router.delete('/subscriptions/:id', (ctx) => void (ctx.body = billing.cancelSubscription(account(ctx), ctx.params.id!, key(ctx))));

  router.get('/invoices/:id', (ctx) => void (ctx.body = expandedInvoice(billing, account(ctx), billing.invoice(account(ctx), ctx.params.id!), body(ctx).expand)));
  router.post('/invoices/:id/pay', (ctx) => void (ctx.body = billing.payInvoice(account(ctx), ctx.params.id!, body(ctx), key(ctx))));
  router.post('/invoices/:id/mark_uncollectible', (ctx) => {
    const invoice = billing.invoice(account(ctx), ctx.params.id!);
    if (invoice.status === 'open') {
      invoice.status = 'uncollectible';
      invoice.next_payment_attempt = null;
    }
    ctx.body = invoice;
  });
  router.post('/invoices/:id/void', (ctx) => {
    const invoice = billing.invoice(account(ctx), ctx.params.id!);
    invoice.status = 'void';
    ctx.body = invoice;
  });

  router.post('/payment_intents', (ctx) => void (ctx.body = billing.paymentIntents.create(account(ctx), body(ctx), key(ctx))));
  router.get('/payment_intents', (ctx) => {
    const query = ctx.state.params as Json;
    ctx.body = list(billing.paymentIntents.list(account(ctx), query), '/v1/payment_intents', Number(query.limit ?? 10));
  });
  router.get('/payment_intents/:id', (ctx) => void (ctx.body = billing.paymentIntents.retrieve(account(ctx), ctx.params.id!)));
  router.post('/payment_intents/:id/confirm', (ctx) => void (ctx.body = billing.paymentIntents.confirm(account(ctx), ctx.params.id!, body(ctx), key(ctx))));
  router.get('/setup_intents', (ctx) => {
    const query = ctx.state.params as Json;
    ctx.body = list(billing.paymentIntents.listSetups(account(ctx), query), '/v1/setup_intents', Number(query.limit ?? 10));
  });

  router.get('/invoice_payments', (ctx) => {
    const query = ctx.state.params as Json;
    const payment = query.payment as Json | undefined;
    const matches = [...data(ctx).invoicePayments.values()].filter(
      (candidate) => (!query.invoice || candidate.invoice === query.invoice) && (!payment?.payment_intent || (candidate.payment as Json).payment_intent === payment.payment_intent),
    );
    ctx.body = list(matches, '/v1/invoice_payments', Number(query.limit ?? 10));
  });

  router.post('/billing_portal/sessions', (ctx) => {
    const params = body(ctx);
    if (typeof params.customer !== 'string') throw invalid('Missing required param: customer.', 'customer');
    billing.customer(account(ctx), params.customer);
    const id = newId('bps');
    const session: Json = { id, object: 'billing_portal.session', customer: params.customer, return_url: params.return_url ?? null, flow: params.flow_data ?? null, url: `${baseUrl()}/portal/${account(ctx)}/${id}`, created: state.nowSeconds(), livemode: state.livemode };
    data(ctx).portalSessions.set(id, session);
    ctx.body = session;
  });

  router.get('/webhook_endpoints', (ctx) => void (ctx.body = list([...state.webhookEndpoints.values()].map(withoutSecret), '/v1/webhook_endpoints', 100)));
  router.post('/webhook_endpoints', (ctx) => {
    const params = body(ctx);
    if (typeof params.url !== 'string' || !Array.isArray(params.enabled_events)) throw invalid('url and enabled_events are required.', 'url');
    const endpoint: Json = { id: newId('we'), object: 'webhook_endpoint', url: params.url, enabled_events: params.enabled_events, api_version: params.api_version ?? null, application: null, status: 'enabled', secret: `whsec_${newId('s').slice(2)}`, created: state.nowSeconds(), livemode: state.livemode, description: params.description ?? null };
    state.webhookEndpoints.set(endpoint.id as string, endpoint);
    ctx.body = endpoint;
  });
  router.post('/webhook_endpoints/:id', (ctx) => {
    const endpoint = state.webhookEndpoints.get(ctx.params.id!);
    if (!endpoint) throw missing('webhook_endpoint', ctx.params.id!);
    const params = body(ctx);
    if (Array.isArray(params.enabled_events)) endpoint.enabled_events = params.enabled_events;
    if (params.disabled !== undefined) endpoint.status = String(params.disabled) === 'true' ? 'disabled' : 'enabled';
    ctx.body = withoutSecret(endpoint);
  });

  return router;
}

function withoutSecret(endpoint: Json): Json {
  const { secret: _secret, ...visible } = endpoint;
  return visible;
}

function list(items: Json[], url: string, limit: number): Json {
  return { object: 'list', url, has_more: items.length > limit, data: items.slice(0, Math.max(1, Math.min(limit, 100))) };
}

/** The one expansion of an invoice the backend asks for, its subscription; others are refused as Stripe refuses an unknown one. */
function expandedInvoice(billing: SandboxBilling, account: string, invoice: Json, expand: unknown): Json {
  const paths = expand === undefined ? [] : Array.isArray(expand) ? expand : [expand];
  let expanded = invoice;
  for (const path of paths) {
    if (path !== 'parent.subscription_details.subscription') throw invalid(`This property cannot be expanded (${String(path)}).`, 'expand');
    const parent = invoice.parent as Json | null;
    const details = parent?.subscription_details as Json | undefined;
    if (!parent || !details || typeof details.subscription !== 'string') continue;
    // A copy: the stored invoice keeps the id, as Stripe's does.
    expanded = { ...invoice, parent: { ...parent, subscription_details: { ...details, subscription: billing.subscription(account, details.subscription) } } };
  }
  return expanded;
}
