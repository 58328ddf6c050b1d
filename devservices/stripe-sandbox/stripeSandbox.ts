import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import qs from 'qs';
import getRawBody from 'raw-body';
import { controlRoutes } from './controlRoutes';
import { portalRoutes } from './portalRoutes';
import { SandboxBilling } from './sandboxBilling';
import { faultMiddleware, HeldRequests, type Faults } from './sandboxFaults';
import { SandboxState, type Json, type RequestRecord } from './sandboxState';
import { stripeApiRoutes } from './stripeApiRoutes';
import { SandboxError } from './stripeErrors';
import { WebhookSender } from './webhookSender';

export interface StripeSandbox {
  url: string;
  port: number;
  state: SandboxState;
  billing: SandboxBilling;
  events: WebhookSender;
  /** Requests a `hold` fault keeps in flight until the test releases them. */
  held: HeldRequests;
  stop(): Promise<void>;
}

/**
 * A stateful stand-in for the part of Stripe's API the product uses, spoken
 * to through the official SDK. Objects are scoped by Stripe-Account, writes
 * honour Idempotency-Key, cards decline as scripted, and every change is sent
 * as a signed webhook. See README.md in this folder for the control API.
 */
export async function startStripeSandbox(
  options: { port?: number; webhook?: { url: string; secret: string }; now?: () => Date; livemode?: boolean } = {},
): Promise<StripeSandbox> {
  const state = new SandboxState(options.now ?? (() => new Date()), options.livemode ?? false);
  // A live-mode sandbox answers live keys only, a test-mode one test keys only, as Stripe's two modes do.
  const keyPattern = state.livemode ? /^Bearer (sk|rk)_live_\w+/ : /^Bearer (sk|rk)_test_\w+/;
  const otherModeKey = state.livemode ? /^Bearer (sk|rk)_test_\w+/ : /^Bearer (sk|rk)_live_\w+/;
  const events = new WebhookSender(state, options.webhook ?? null);
  const billing = new SandboxBilling(state, events);
  const faults: Faults = { mode: null, remaining: 0, until: 0, method: null, holdMs: 0, applied: 0 };
  const held = new HeldRequests();
  let baseUrl = '';

  const app = new Koa();
  // The request log: every /v1 request in order of arrival, completed with what was answered.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/v1/')) return next();
    const record: RequestRecord = {
      seq: state.requests.length + 1,
      method: ctx.method,
      path: ctx.path,
      account: ctx.get('stripe-account') || 'platform',
      idempotencyKey: ctx.get('idempotency-key') || null,
      replayed: false,
      status: null,
      at: state.now().toISOString(),
      held: false,
      params: null,
    };
    state.requests.push(record);
    ctx.state.requestRecord = record;
    try {
      await next();
    } finally {
      record.replayed = ctx.response.get('Idempotent-Replayed') === 'true';
      record.status = ctx.req.socket.destroyed && !ctx.headerSent && ctx.body === undefined ? null : ctx.status;
    }
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      ctx.status = error.status;
      ctx.body = { error: error.body };
    }
  });
  app.use(async (ctx, next) => {
    const raw = ctx.method === 'GET' || ctx.method === 'DELETE' ? '' : await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
    if (ctx.get('content-type').includes('application/json')) ctx.request.body = raw ? JSON.parse(raw) : {};
    else ctx.request.body = qs.parse(raw, { depth: 10, arrayLimit: 200 });
    ctx.state.params = ctx.method === 'GET' ? qs.parse(ctx.querystring, { depth: 10 }) : ctx.request.body;
    const record = ctx.state.requestRecord as RequestRecord | undefined;
    if (record && ctx.method === 'POST') record.params = ctx.request.body as Json;
    await next();
  });
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/v1/') && !keyPattern.test(ctx.get('authorization'))) {
      // A key of the other mode is a real key at Stripe: it just sees none of this mode's objects.
      const retrieved = /^\/v1\/([a-z_]+)\/([A-Za-z0-9_]+)$/.exec(ctx.path);
      if (otherModeKey.test(ctx.get('authorization')) && ctx.method === 'GET' && retrieved) {
        const [keyMode, objectMode] = state.livemode ? ['test', 'live'] : ['live', 'test'];
        const message = `No such ${retrieved[1]!.replace(/s$/, '')}: '${retrieved[2]}'; a similar object exists in ${objectMode} mode, but a ${keyMode} mode key was used to make this request.`;
        throw new SandboxError(404, { type: 'invalid_request_error', code: 'resource_missing', message });
      }
      throw new SandboxError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided.' });
    }
    await next();
  });
  app.use(faultMiddleware(faults, held));
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/v1/')) return next();
    ctx.state.account = ctx.get('stripe-account') || 'platform';
    ctx.state.idempotencyKey = ctx.get('idempotency-key') || null;
    if (ctx.method !== 'POST' || !ctx.state.idempotencyKey) return next();
    // Stripe replays the first answer to a repeated key, and refuses the key with other parameters.
    const slot = `${ctx.state.account}:${ctx.state.idempotencyKey}`;
    const fingerprint = createHash('sha256').update(`${ctx.path}\n${JSON.stringify(ctx.request.body)}`).digest('hex');
    const seen = state.idempotency.get(slot);
    if (seen && seen.fingerprint !== fingerprint) {
      throw new SandboxError(400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' });
    }
    if (seen) {
      ctx.status = seen.status;
      ctx.body = seen.body;
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }
    try {
      await next();
      state.idempotency.set(slot, { fingerprint, status: ctx.status, body: ctx.body });
    } catch (error) {
      if (error instanceof SandboxError && error.status < 500) state.idempotency.set(slot, { fingerprint, status: error.status, body: { error: error.body } });
      throw error;
    }
  });
  for (const router of [stripeApiRoutes(state, billing, () => baseUrl), controlRoutes(state, billing, events, faults, held), portalRoutes(state, billing)]) {
    app.use(router.routes()).use(router.allowedMethods());
  }

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    state,
    billing,
    events,
    held,
    stop: async () => {
      held.drop();
      await events.idle();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
