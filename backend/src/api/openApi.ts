import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../i18n';
import { apiKeyBody, caseControlBody, caseEmailParams, emailPreviewBody, errorBody, preDunningPreviewBody, executeBody, experimentBody, experimentParams, exportLinkBody, exportQuery, horizonQuery, identityQuery, pageQuery, paymentsQuery, retryBody, settingsBody, statusQuery } from './schemas';
import { privacyRouteDocs } from './privacySchemas';
import { riskRouteDocs } from './riskSchemas';
import { webhookEndpointRouteDocs } from './webhookEndpointSchemas';

/**
 * The merchant API's OpenAPI 3.1 document, generated from the same zod
 * schemas the routes parse with. Responses name their main fields; amounts
 * are integers in the currency's minor unit.
 */

const money = { amountMinor: z.number().int(), currency: z.string() };
const holdoutGroup = z.enum(['treated', 'control']).describe("the holdout group, fixed when the case opened: control cases get no action of ours (Stripe's own retries and emails carry on)");
const caseRowFields = { id: z.string(), invoiceId: z.string().nullable(), customerId: z.string().nullable(), customerEmail: z.string().nullable().describe('masked: a***@example.com'), ...money, group: holdoutGroup };
const listOf = (item: z.ZodType) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

const controlActor = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('dashboard_user'), userId: z.string().describe('the Dashboard user (usr_…) Stripe signed the App request for') }),
    z.object({ kind: z.literal('api_key'), keyId: z.string(), keyName: z.string() }),
  ])
  .describe('who asked, on entries a merchant control wrote (retry now, remind, pause, resume, cancel); absent on every other entry and on entries written before actors were recorded')
  .meta({ id: 'ControlActor' });

const recoveryCase = z
  .object({
    ...caseRowFields,
    object: z.literal('recovery_case'),
    status: z.enum(['active', 'recovered', 'exhausted', 'canceled', 'churned']),
    paused: z.boolean(),
    declineBucket: z.string().nullable().describe('from the latest decline; the same in the payments list'),
    openingDeclineBucket: z.string().nullable().describe('from the decline the case opened with (what the stats group by)'),
    needsCustomerAction: z.boolean().describe('true while recovery waits on the customer: authentication or a new card'),
    nextAction: z.object({ kind: z.string(), at: z.string().nullable(), reason: z.string() }).nullable(),
    retries: z.array(z.object({ number: z.number(), trigger: z.string(), at: z.string(), outcome: z.enum(['pending', 'succeeded', 'declined', 'needs_customer_action']), decline: z.record(z.string(), z.string()).nullable() })),
    emails: z.array(z.object({ index: z.number(), kind: z.string(), step: z.number().nullable(), sentAt: z.string(), delivery: z.enum(['sent', 'recorded_test_mode']).describe('test mode records emails to customers instead of sending them'), status: z.string(), opens: z.number(), clicks: z.number() })),
    timeline: z.array(z.object({ at: z.string(), kind: z.string(), summary: z.string(), by: controlActor.optional() })),
    paymentIntentId: z.string().nullable().describe('for a one-time payment (no invoice)'),
    metadata: z.record(z.string(), z.string()).describe('what the merchant gave when handing the payment over (POST /api/recovery/execute)'),
  })
  .meta({ id: 'RecoveryCase' });

const plan = z
  .object({
    nextAction: z.enum(['retry', 'wait_for_new_payment_method', 'exhausted', 'none']),
    at: z.string().nullable().describe('when the next retry is planned'),
    reason: z.string(),
    source: z.enum(['case', 'preview']).describe("preview: the plan the worker is about to make for a case it has not planned yet"),
  })
  .meta({ id: 'RecoveryPlan' });
const execution = z.object({ case: recoveryCase, plan }).meta({ id: 'Execution' });

const stats = z
  .object({
    object: z.literal('recovery_stats'),
    month: z.string(),
    recoveredThisMonth: z.number(),
    failedThisMonth: z.number(),
    recoveredTotal: z.number(),
    recoveryRate: z.number().nullable(),
    activeSequences: z.number(),
    churnPrevented: z.number(),
    currencies: z.array(z.object({ currency: z.string(), recoveredThisMonthMinor: z.number(), recoveredTotalMinor: z.number(), failedThisMonthMinor: z.number(), mrrSavedMinor: z.number(), activeMinor: z.number(), recoveryRate: z.number().nullable().describe("this month, of this currency's ended cases, the share recovered"), churnPrevented: z.number().describe('this month, subscriptions of this currency whose failed renewal was paid') })),
    trend: z
      .array(z.object({ day: z.string(), failed: z.number(), recovered: z.number(), amounts: z.array(z.object({ currency: z.string(), failedMinor: z.number(), recoveredMinor: z.number() })) }))
      .describe('the last 30 UTC days, oldest first, empty days as zeros; amounts per currency'),
    byDeclineBucket: z.array(z.object({ bucket: z.string(), failed: z.number(), recovered: z.number() })).describe('this month, by the decline the payment failed with'),
    byRecoveryMethod: z.array(z.object({ method: z.string(), count: z.number(), amounts: z.array(z.object({ currency: z.string(), amountMinor: z.number() })) })).describe('this month: our_retry, card_update, customer_payment, stripe_retry, merchant'),
    emails: z
      .object({ sent: z.number(), delivered: z.number(), opened: z.number(), clicked: z.number(), bounced: z.number() })
      .describe('this month: sent and bounced on the day sent, delivered, opened (first open) and clicked (first click) on the day they happened; test-mode emails recorded instead of sent count as sent'),
  })
  .meta({ id: 'DashboardStats' });

const liftGroup = z.object({
  cases: z.number().int().describe('cases opened in the group while the holdout was on'),
  ended: z.number().int().describe('of those, ended: recovered, exhausted, canceled or churned'),
  recovered: z.number().int(),
  recoveredMinor: z.number().int(),
  recoveredShare: z.number().nullable().describe('recovered ÷ ended; null while none has ended'),
});
const lift = z
  .object({
    object: z.literal('recovery_lift'),
    holdoutShare: z.number().describe('the share of customers held out now (settings)'),
    minimumCasesPerGroup: z.number().int().describe('ended cases each group needs before the difference is shown'),
    currencies: z.array(
      z.object({
        currency: z.string(),
        treated: liftGroup,
        control: liftGroup,
        difference: z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable().describe("treated − control recovered share with Newcombe's 95 % interval; null without enough data"),
        enoughData: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'RecoveryLift' });

const recoveryEmail = z
  .object({ object: z.literal('recovery_email'), caseId: z.string(), index: z.number(), kind: z.enum(['dunning', 'confirmation']), step: z.number().nullable(), delivery: z.enum(['sent', 'recorded_test_mode']), at: z.string(), to: z.string(), from: z.string(), replyTo: z.string().nullable(), subject: z.string(), html: z.string(), text: z.string() })
  .meta({ id: 'RecoveryEmail' });
const payment = z.object({ ...caseRowFields, status: z.string(), declineBucket: z.string().nullable(), openingDeclineBucket: z.string().nullable(), recoveredBy: z.string().nullable(), attempts: z.number(), emailsSent: z.number(), openedAt: z.string(), closedAt: z.string().nullable() }).meta({ id: 'Payment' });
const sequence = z.object({ ...caseRowFields, paused: z.boolean(), stepsDone: z.number(), stepsTotal: z.number(), nextEmailAt: z.string().nullable(), nextRetryAt: z.string().nullable() }).meta({ id: 'Sequence' });
const attention = z.object({ ...caseRowFields, reason: z.enum(['email_undeliverable', 'needs_new_card', 'needs_authentication']), summary: z.string() }).meta({ id: 'NeedsAttention' });
const senderView = z
  .object({
    fromName: z.string().nullable(),
    fromAddress: z.string().nullable(),
    replyTo: z.string().nullable(),
    effectiveFrom: z.string().describe('the From header emails carry now, e.g. "Acme" <billing@acme.com>'),
    effectiveReplyTo: z.string().nullable(),
    usesOwnServer: z.boolean().describe("whether the merchant's own Postmark server sends them"),
    reason: z.enum(['own_server', 'verified_domain', 'domain_not_verified', 'no_from_address', 'own_server_needs_from_address']),
    explanation: z.string().describe('the reason in words'),
    lastRefusal: z
      .object({ message: z.string(), at: z.string() })
      .nullable()
      .describe("Postmark's own words when it last refused this From (a server token cannot read sender signatures, so an email is the test); cleared once an email goes out"),
  })
  .meta({ id: 'SenderView' });
const postmarkView = z
  .object({
    configured: z.boolean().describe('whether a server token of your own is stored; the token is never shown'),
    serverName: z.string().nullable().describe("that server's name, as Postmark gave it when the token was saved"),
    webhook: z
      .object({ url: z.string(), username: z.string(), createdAt: z.string() })
      .nullable()
      .describe("where your Postmark server posts its webhooks (basic auth); the password is shown once, in the answer that issues it"),
  })
  .meta({ id: 'PostmarkServer' });
const postmarkWebhookCredentials = z
  .object({ url: z.string(), username: z.string(), password: z.string().describe('shown this once; we keep only its hash') })
  .meta({ id: 'PostmarkWebhookCredentials' });
const settings = z.object({ object: z.literal('settings'), retryPolicy: z.record(z.string(), z.unknown()), dunning: z.record(z.string(), z.unknown()), branding: z.record(z.string(), z.unknown()), sender: senderView, postmark: postmarkView, holdoutShare: z.number().describe('share of customers in the control group (0 to 0.5; 0: off)'), preDunning: z.object({ enabled: z.boolean(), steps: z.array(z.object({ daysBefore: z.number().int(), custom: z.object({ subject: z.string(), html: z.string(), text: z.string() }).nullable(), customByLocale: z.record(z.string(), z.object({ subject: z.string(), html: z.string(), text: z.string() })).nullable().optional() })) }).describe('reminders before a renewal whose card expires first (default 30, 14 and 3 days before)'), renewalRisk: z.object({ alertThreshold: z.number().int() }).describe('customer.renewal_at_risk fires when a score reaches alertThreshold (default 70)'), language: z.enum(SUPPORTED_LOCALES).describe("the language customers get when their Stripe preferred_locales name none we support (default en)"), networkLimitNotes: z.array(z.string()), sanitizerRemoved: z.array(z.string()).optional().describe('after a save: the template parts (dunning.steps[i].custom.html) the HTML sanitizer took something out of') }).meta({ id: 'Settings' });
const apiKey = z.object({ id: z.string(), name: z.string(), scope: z.enum(['read', 'read_write']), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() }).meta({ id: 'ApiKey' });
const experimentArm = z.object({
  arm: z.enum(['A', 'B']),
  label: z.string(),
  cases: z.number().int().describe('cases enrolled in the arm (at most about horizonCases)'),
  ended: z.number().int(),
  recovered: z.number().int(),
  recoveredShare: z.number().nullable().describe('recovered / ended; null until a case has ended'),
  meanDaysToRecovery: z.number().nullable(),
  emailsOpened: z.number().int().nullable().describe('dunning emails opened; null for retry-policy experiments'),
  emailsClicked: z.number().int().nullable(),
});
const experiment = z
  .object({
    id: z.string(),
    object: z.literal('experiment'),
    name: z.string(),
    kind: z.enum(['email_sequence', 'retry_policy']),
    status: z.enum(['running', 'stopped', 'finished']),
    horizonCases: z.number().int(),
    createdAt: z.string(),
    variant: z.record(z.string(), z.unknown()).describe('arm B: { dunning } or { retryPolicy }; arm A is the current settings'),
    arms: z.array(experimentArm),
    result: z
      .object({
        final: z.boolean().describe('false until every arm has horizonCases cases, all ended; the fields below stay null until then'),
        difference: z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable().describe('B − A in recovered share, Newcombe 95 % interval'),
        pValue: z.number().nullable().describe('pooled two-proportion test, two-sided'),
        winner: z.enum(['A', 'B']).nullable().describe('the higher share when p < 0.05; null: no significant difference'),
      })
      .describe('read once, at the horizon'),
  })
  .meta({ id: 'Experiment' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid parameters: the message and `param` name the first problem.', ...json(errorBody) },
  401: { description: 'Missing, unknown or stale credentials.', ...json(errorBody) },
  403: { description: 'A read-only API key tried to write.', ...json(errorBody) },
  404: { description: 'No such object for this account.', ...json(errorBody) },
  429: { description: 'Over the rate limit or a cool-down; see Retry-After.', ...json(errorBody) },
};

/** `open`: no credentials (a signed link is its own); its errors are listed in `extra`. */
type Route = Omit<RouteConfig, 'responses' | 'security'> & { ok: RouteConfig['responses'][string]; status?: number; extra?: RouteConfig['responses']; open?: true };

/** Every POST takes an Idempotency-Key (see the API description). */
const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .describe('Replays the first answer (status and body, with Idempotent-Replayed: true) for 24 h; the same key with another body, or while the first request runs, is a 409 idempotency_error. Per account and mode; 5xx and 429 answers are not kept.'),
});

const routes: Route[] = [
  { method: 'get', path: '/api/dashboard/stats', summary: 'Recovery stats: this month, all time, a 30-day trend, breakdowns; amounts per currency', request: { query: identityQuery }, ok: { description: 'Stats', ...json(stats) } },
  { method: 'get', path: '/api/dashboard/lift', summary: "What we add over Stripe alone: recovered share of treated cases against the holdout's control group, per currency, with a 95 % interval", request: { query: identityQuery }, ok: { description: 'The lift', ...json(lift) } },
  { method: 'get', path: '/api/dashboard/payments', summary: 'Failed payments and what became of them, newest first', request: { query: paymentsQuery }, ok: { description: 'A page', ...json(listOf(payment)) } },
  { method: 'get', path: '/api/dashboard/sequences', summary: 'Active recovery sequences and their progress', request: { query: pageQuery }, ok: { description: 'A page', ...json(listOf(sequence)) } },
  { method: 'get', path: '/api/dashboard/attention', summary: 'Active cases that need the merchant', request: { query: pageQuery }, ok: { description: 'A list', ...json(listOf(attention)) } },
  { method: 'get', path: '/api/dashboard/export.csv', summary: 'Every case matching the filters as CSV, streamed', request: { query: exportQuery }, ok: { description: 'CSV with a header row', content: { 'text/csv': { schema: z.string() } } } },
  {
    method: 'post',
    path: '/api/dashboard/export-link',
    summary: 'A download link for the CSV export, valid 5 minutes, bound to this account, mode and these filters',
    description: 'For clients that cannot send credentials with a download (the Stripe App). The link is GET /exports/{token}.csv on the public URL and needs nothing else.',
    request: { body: json(exportLinkBody) },
    ok: { description: 'The link', ...json(z.object({ object: z.literal('export_link'), url: z.string(), expiresAt: z.string() })) },
  },
  {
    method: 'get',
    path: '/exports/{file}',
    summary: 'The CSV export behind a link from POST /api/dashboard/export-link; the link is the only credential and the only input',
    request: { params: z.object({ file: z.string().describe('<token>.csv') }) },
    ok: { description: 'CSV with a header row (the same columns as /api/dashboard/export.csv)', content: { 'text/csv': { schema: z.string() } } },
    extra: { 403: { description: 'The link expired (code export_link_expired) or is not one we issued (export_link_invalid)', ...json(errorBody) }, 429: errors[429] },
    open: true,
  },
  { method: 'get', path: '/api/recovery/status', summary: "One invoice's recovery case, or a customer's cases", request: { query: statusQuery }, ok: { description: 'The case (or a list for customerId)', ...json(recoveryCase) } },
  { method: 'get', path: '/api/recovery/emails/{caseId}/{index}', summary: "One email of a case as the customer got it (in test mode: as recorded instead of sent)", request: { params: caseEmailParams, query: identityQuery }, ok: { description: 'The email', ...json(recoveryEmail) } },
  {
    method: 'post',
    path: '/api/recovery/execute',
    summary: 'Hand a failed invoice or PaymentIntent to recovery: read at Stripe, opens its case (201) or answers the existing one (200)',
    description:
      'Amounts, state and the decline are read at Stripe with this account and mode; the body never sets them. 404 when Stripe has no such object for this account in this mode; 409 when it is already paid, not failed, not collectable (draft, void, uncollectible, canceled) or has no customer. `simulateOutcome` (test mode only; 400 in live mode) then ends the case as named through the real transitions, so the outbound webhooks fire; nothing is charged.',
    request: { body: json(executeBody) },
    ok: { description: 'The case already existed', ...json(execution) },
    extra: { 201: { description: 'The case was opened', ...json(execution) }, 409: { description: 'Nothing to recover (see `code`), or an Idempotency-Key conflict', ...json(errorBody) }, 503: { description: 'No Stripe key for this mode on this deployment', ...json(errorBody) } },
  },
  { method: 'post', path: '/api/recovery/retry', summary: 'Retry now, naming the case or its invoice (within card-network limits; one per hour per case)', request: { body: json(retryBody) }, ok: { description: 'Scheduled', ...json(z.object({ caseId: z.string(), retry: z.literal('scheduled') })) }, status: 202 },
  { method: 'post', path: '/api/recovery/remind', summary: 'Send the next dunning email now (one per customer per day)', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/pause', summary: 'Pause retries and emails for a case', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/resume', summary: 'Resume a paused case (both plans are made again from now)', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/cancel', summary: 'Stop recovering a case', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/card-update-link', summary: "A fresh card-update link for the case's customer", request: { body: json(caseControlBody) }, ok: { description: 'The link', ...json(z.object({ url: z.string(), expiresAt: z.string() })) } },
  { method: 'get', path: '/api/settings', summary: 'Retry policy, email sequence, pre-dunning, renewal-risk threshold, branding, sender (which applies and why), Postmark, end action', request: { query: identityQuery }, ok: { description: 'Settings', ...json(settings) } },
  {
    method: 'put',
    path: '/api/settings',
    summary: "Change any part of the settings; a change with any problem saves nothing. A new postmarkServerToken is checked with Postmark first (400 postmark_token_invalid, 503 postmark_unavailable); the first one also issues the webhook credentials, in this answer only",
    request: { body: json(settingsBody) },
    ok: { description: 'Settings', ...json(settings.extend({ postmarkWebhookCredentials: postmarkWebhookCredentials.optional() })) },
  },
  {
    method: 'post',
    path: '/api/settings/postmark-webhook-credentials',
    summary: "New basic-auth credentials for your own Postmark server's webhooks, shown once; the old ones stop working. 409 postmark_not_configured without a server of your own",
    request: { body: json(identityQuery) },
    ok: { description: 'The credentials', ...json(postmarkWebhookCredentials.extend({ object: z.literal('postmark_webhook_credentials') })) },
  },
  { method: 'post', path: '/api/settings/email-preview', summary: "Render a dunning step with sample data, in `locale` (default: the merchant's language)", request: { body: json(emailPreviewBody) }, ok: { description: 'The email', ...json(z.object({ subject: z.string(), html: z.string(), text: z.string() })) } },
  { method: 'post', path: '/api/settings/pre-dunning-preview', summary: "Render a pre-dunning reminder with sample data, in `locale` (default: the merchant's language; unsaved edits win over the stored sequence and branding)", request: { body: json(preDunningPreviewBody) }, ok: { description: 'The email', ...json(z.object({ object: z.literal('email_preview'), subject: z.string(), html: z.string(), text: z.string() })) } },
  { method: 'get', path: '/api/experiments', summary: "The account's experiments in this mode, newest first", request: { query: identityQuery }, ok: { description: 'Experiments', ...json(z.object({ object: z.literal('list'), data: z.array(experiment) })) } },
  { method: 'post', path: '/api/experiments', summary: 'Start an A/B test of the email sequence or the retry policy (one running per kind); 409 when one is already running', request: { body: json(experimentBody) }, ok: { description: 'The experiment', ...json(experiment) }, status: 201 },
  { method: 'get', path: '/api/experiments/horizon', summary: 'A horizon (ended cases per arm) for a baseline recovered share and the smallest change worth detecting (5 % two-sided, 80 % power)', request: { query: horizonQuery }, ok: { description: 'The suggestion', ...json(z.object({ object: z.literal('experiment_horizon'), baselineShare: z.number(), minimumDetectableEffect: z.number(), horizonCases: z.number().int() })) } },
  { method: 'get', path: '/api/experiments/{id}', summary: 'One experiment: progress per arm, the result once final', request: { params: experimentParams, query: identityQuery }, ok: { description: 'The experiment', ...json(experiment) } },
  { method: 'post', path: '/api/experiments/{id}/stop', summary: 'Stop enrolling; cases already in an arm keep it to their end', request: { params: experimentParams, body: json(identityQuery) }, ok: { description: 'The experiment', ...json(experiment) } },
  { method: 'post', path: '/api/experiments/{id}/promote', summary: "Copy arm B into the account's settings; only when the result is final and B won (409 otherwise)", request: { params: experimentParams, body: json(identityQuery) }, ok: { description: 'The experiment and the new settings', ...json(z.object({ experiment, settings })) } },
  { method: 'get', path: '/api/api-keys', summary: "The account's API keys (never the keys themselves)", request: { query: identityQuery }, ok: { description: 'Keys', ...json(listOf(apiKey)) } },
  { method: 'post', path: '/api/api-keys', summary: 'Create an API key; the key is shown in this response only', request: { body: json(apiKeyBody) }, ok: { description: 'The key', ...json(apiKey.extend({ key: z.string() })) }, status: 201 },
  { method: 'delete', path: '/api/api-keys/{id}', summary: 'Revoke an API key', request: { params: z.object({ id: z.string() }), query: identityQuery }, ok: { description: 'Revoked', ...json(z.object({ id: z.string(), revoked: z.literal(true) })) } },
  ...webhookEndpointRouteDocs,
  ...riskRouteDocs,
  ...privacyRouteDocs,
];

export function buildOpenApiDocument(publicUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'A merchant API key (rk_recovery_…), read or read-write.' });
  registry.registerComponent('securitySchemes', 'stripeAppSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'Stripe-Signature',
    description: 'From fetchStripeSignature() in the Stripe App; user_id and account_id travel in the query (GET, DELETE) or body.',
  });
  for (const { ok, status, extra, open, ...route } of routes) {
    const request = route.method === 'post' ? { ...route.request, headers: idempotencyKeyHeader } : route.request;
    const security: Array<Record<string, string[]>> = open ? [] : [{ apiKey: [] }, { stripeAppSignature: [] }];
    registry.registerPath({ ...route, ...(request ? { request } : {}), security, responses: { [status ?? 200]: ok, ...(open ? {} : errors), ...extra } });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Payment recovery merchant API', version: '1', description:
        'Failed-payment recovery for Stripe: stats, cases and their controls, handing failed payments over, settings, API keys. Errors: {"error": {"type", "message", "param"?, "code"?}}. Every POST accepts an Idempotency-Key header (up to 255 characters, per account and mode): the first answer is replayed for 24 h with Idempotent-Replayed: true; another body under the same key, or a request still running under it, answers 409 with code idempotency_error.',
    },
    servers: [{ url: publicUrl }],
  });
}

/** Every documented route, for the test that keeps the document and the routers in step. */
export const DOCUMENTED_ROUTES = routes.map((route) => `${route.method.toUpperCase()} ${route.path.replace(/\{(\w+)\}/g, ':$1')}`);
