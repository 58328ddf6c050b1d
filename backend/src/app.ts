import Koa from 'koa';
import compose from 'koa-compose';
import type { Container } from './container';
import { errorMiddleware } from './errors';
import { authenticateMerchant, buildOpenApiDocument, createApiKeyRoutes, createDashboardRoutes, createEmailRoutes, createExportDownloadRoutes, exportSigningKey, createExecuteRoutes, createExperimentRoutes, createLiftRoutes, createPrivacyRoutes, createRecoveryRoutes, createRiskRoutes, createSettingsRoutes, createWebhookEndpointRoutes, idempotentPosts, jsonBody, merchantOf, openCors } from './api';
import { createCardUpdateRoutes } from './cardUpdate';
import { createHealthRoutes } from './health';
import { clientBucketOf, rateLimit } from './rateLimits';
import { createStripeWebhookRoutes } from './webhooks';
import { HANDLE_STRIPE_EVENTS_JOB } from './scheduler';
import { createPostmarkWebhookRoutes } from './webhooks/postmarkWebhookRoutes';

const MERCHANT_API_PREFIXES = ['/api/recovery/', '/api/dashboard/', '/api/api-keys/', '/api/settings/', '/api/experiments/', '/api/webhook-endpoints/', '/api/webhook-deliveries/', '/api/predict/', '/api/customers/'];

/** Builds the Koa application from the container. Never listens: main.ts and tests do. */
export function createApp(deps: Container): Koa {
  const app = new Koa();
  // Koa takes the left-most of the last maxIpsCount X-Forwarded-For entries: the client as our outermost trusted proxy saw it;
  // entries further left were written by the client. Koa 3.3 does exactly this (request.ips/ip).
  app.proxy = deps.config.trustedProxyHops > 0;
  app.maxIpsCount = deps.config.trustedProxyHops;
  app.use(errorMiddleware(deps.logger));

  const openApi = buildOpenApiDocument(deps.config.publicUrl);
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/openapi.json' || ctx.method !== 'GET') return next();
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = openApi;
  });

  const exportKey = exportSigningKey(deps.config.cardUpdate.linkSecret);
  const routers = [
    createHealthRoutes({ connection: deps.connection, clock: deps.clock }),
    createExportDownloadRoutes({
      cases: deps.cases,
      clock: deps.clock,
      key: exportKey,
      limitPerIp: rateLimit({ store: deps.rateLimits, clock: deps.clock, scope: 'export-ip', limit: deps.config.cardUpdate.rateLimitPerMinute, windowMs: 60_000, keyOf: (ctx) => clientBucketOf(ctx.ip) }),
    }),
    createCardUpdateRoutes({
      service: deps.cardUpdate,
      portalOrigins: deps.portalOrigins,
      isHttps: deps.config.publicUrl.startsWith('https://'),
      publicOrigin: new URL(deps.config.publicUrl).origin,
      limitPerIp: rateLimit({
        store: deps.rateLimits,
        clock: deps.clock,
        scope: 'public-ip',
        limit: deps.config.cardUpdate.rateLimitPerMinute,
        windowMs: 60_000,
        keyOf: (ctx) => clientBucketOf(ctx.ip),
      }),
    }),
    createStripeWebhookRoutes({
      webhookSecret: deps.config.stripe.webhookSecret,
      selfHostedAccountId: deps.config.stripe.selfHostedAccountId,
      events: deps.stripeEvents,
      clock: deps.clock,
      onEventStored: () => deps.worker.wake(HANDLE_STRIPE_EVENTS_JOB),
    }),
    createPostmarkWebhookRoutes({
      username: deps.config.postmark.webhookUsername,
      password: deps.config.postmark.webhookPassword,
      cases: deps.cases,
      recovery: deps.recovery,
      suppressions: deps.suppressions,
      renewals: deps.renewals,
      accounts: deps.accounts,
      clock: deps.clock,
      logger: deps.logger,
    }),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  // The merchant API: open CORS for the Stripe App, one account per caller, a limit per account.
  const merchantApi = [
    createRecoveryRoutes({ cases: deps.cases, retries: deps.retries, controls: deps.caseControls, cardUpdate: deps.cardUpdate, clock: deps.clock }),
    createEmailRoutes({ cases: deps.cases, emailContents: deps.emailContents }),
    createDashboardRoutes({ cases: deps.cases, rollups: deps.rollups, accounts: deps.accounts, clock: deps.clock, exportLinks: { key: exportKey, publicUrl: deps.config.publicUrl } }),
    createLiftRoutes({ rollups: deps.rollups, settings: deps.settings, clock: deps.clock }),
    createSettingsRoutes({ settings: deps.settings, clock: deps.clock }),
    createApiKeyRoutes({ apiKeys: deps.apiKeys, clock: deps.clock }),
    createExperimentRoutes({ experiments: deps.experiments }),
    createExecuteRoutes({ handOver: deps.handOver }),
    createWebhookEndpointRoutes({ webhooks: deps.outboundWebhooks, clock: deps.clock }),
    createRiskRoutes({ renewals: deps.renewals, risk: deps.renewalRisk, accounts: deps.accounts, clock: deps.clock }),
    createPrivacyRoutes({ privacy: deps.privacy, clock: deps.clock }),
  ];
  const isMerchantPath = (path: string) => {
    // @koa/router matches case-insensitively and forgives a trailing slash: the guard must see every spelling it answers.
    const spelled = path.toLowerCase().replace(/\/{2,}/g, '/');
    return MERCHANT_API_PREFIXES.some((prefix) => spelled.startsWith(prefix)) || spelled === '/api/api-keys' || spelled === '/api/settings' || spelled === '/api/experiments' || spelled === '/api/webhook-endpoints';
  };
  const guard = compose([
    openCors(),
    jsonBody(),
    authenticateMerchant({ appSecret: deps.config.stripe.appSecret, apiKeys: deps.apiKeys, clock: deps.clock }),
    rateLimit({ store: deps.rateLimits, clock: deps.clock, scope: 'merchant', limit: deps.config.merchantRateLimitPerMinute, windowMs: 60_000, keyOf: (ctx) => merchantOf(ctx).accountId }),
    idempotentPosts({ store: deps.idempotency, clock: deps.clock }),
  ]);
  app.use((ctx, next) => (isMerchantPath(ctx.path) ? guard(ctx, next) : next()));
  for (const router of merchantApi) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
