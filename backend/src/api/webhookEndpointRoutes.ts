import Router from '@koa/router';
import type { Context } from 'koa';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { deliveryView, endpointView, type OutboundWebhooks, type Outcome } from '../outbound';
import { merchantOf, requireWrite } from './merchantAuth';
import { parseInput } from './validation';
import { deliveriesQuery, rotateSecretBody, webhookEndpointCreateBody, webhookEndpointUpdateBody } from './webhookEndpointSchemas';

const ENDPOINT_ID = /^we_[a-f0-9]{24}$/;
const DELIVERY_ID = /^whd_[a-f0-9]{24}$/;

/** A refused outcome becomes its AppError; an accepted one its value. */
function valueOf<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { code, message, status, param } = outcome.refusal;
  throw new AppError(code, message, status, param);
}

function endpointIdOf(ctx: Context): string {
  const id = ctx.params.id ?? '';
  if (!ENDPOINT_ID.test(id)) throw new AppError('no_webhook_endpoint', 'No such webhook endpoint.', 404, 'id');
  return id;
}

/** The merchant's webhook endpoints, their delivery log, ping and resend (see docs/webhooks.md). */
export function createWebhookEndpointRoutes(deps: { webhooks: OutboundWebhooks; clock: Clock }): Router {
  const router = new Router();
  const { webhooks, clock } = deps;

  router.get('/api/webhook-endpoints', async (ctx) => {
    const merchant = merchantOf(ctx);
    const now = clock.now();
    ctx.body = { object: 'list', data: (await webhooks.endpointStore.list(merchant.accountId, merchant.livemode)).map((endpoint) => endpointView(endpoint, now)) };
  });

  router.post('/api/webhook-endpoints', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(webhookEndpointCreateBody, ctx.state.body);
    const now = clock.now();
    const { endpoint, secret } = valueOf(await webhooks.endpoints.create(merchant.accountId, merchant.livemode, body, now));
    ctx.status = 201;
    ctx.body = { ...endpointView(endpoint, now), secret };
  });

  router.post('/api/webhook-endpoints/:id', async (ctx) => {
    const merchant = requireWrite(ctx);
    const id = endpointIdOf(ctx);
    const body = parseInput(webhookEndpointUpdateBody, ctx.state.body);
    ctx.body = endpointView(valueOf(await webhooks.endpoints.update(merchant.accountId, merchant.livemode, id, body)), clock.now());
  });

  router.delete('/api/webhook-endpoints/:id', async (ctx) => {
    const merchant = requireWrite(ctx);
    const id = endpointIdOf(ctx);
    if (!(await webhooks.endpointStore.remove(merchant.accountId, merchant.livemode, id))) throw new AppError('no_webhook_endpoint', 'No such webhook endpoint.', 404, 'id');
    ctx.body = { id, object: 'webhook_endpoint', deleted: true };
  });

  router.post('/api/webhook-endpoints/:id/rotate-secret', async (ctx) => {
    const merchant = requireWrite(ctx);
    const id = endpointIdOf(ctx);
    const body = parseInput(rotateSecretBody, ctx.state.body);
    const now = clock.now();
    const { endpoint, secret } = valueOf(await webhooks.endpoints.rotateSecret(merchant.accountId, merchant.livemode, id, body.overlapHours, now));
    ctx.body = { ...endpointView(endpoint, now), secret };
  });

  router.post('/api/webhook-endpoints/:id/ping', async (ctx) => {
    const merchant = requireWrite(ctx);
    const { event, delivery } = valueOf(await webhooks.deliveries.ping(merchant.accountId, merchant.livemode, endpointIdOf(ctx)));
    ctx.status = 202;
    ctx.body = { event, delivery: deliveryView(delivery) };
  });

  router.get('/api/webhook-endpoints/:id/deliveries', async (ctx) => {
    const merchant = merchantOf(ctx);
    const id = endpointIdOf(ctx);
    const query = parseInput(deliveriesQuery, ctx.query);
    if (!(await webhooks.endpointStore.find(merchant.accountId, merchant.livemode, id))) throw new AppError('no_webhook_endpoint', 'No such webhook endpoint.', 404, 'id');
    const rows = await webhooks.deliveryStore.listForEndpoint(merchant.accountId, merchant.livemode, id, query.limit + 1, query.startingAfter ?? null);
    if (!rows) throw new AppError('parameter_invalid', 'startingAfter: not a delivery of this endpoint', 400, 'startingAfter');
    ctx.body = { object: 'list', data: rows.slice(0, query.limit).map(deliveryView), hasMore: rows.length > query.limit };
  });

  router.post('/api/webhook-deliveries/:id/resend', async (ctx) => {
    const merchant = requireWrite(ctx);
    const id = ctx.params.id ?? '';
    if (!DELIVERY_ID.test(id)) throw new AppError('no_webhook_delivery', 'No such webhook delivery.', 404, 'id');
    const delivery = valueOf(await webhooks.deliveries.resend(merchant.accountId, merchant.livemode, id));
    ctx.status = 202;
    ctx.body = deliveryView(delivery);
  });

  return router;
}
