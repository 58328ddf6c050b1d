import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { apiKeyBody, caseControlBody, caseEmailParams, emailPreviewBody, errorBody, exportQuery, identityQuery, pageQuery, paymentsQuery, settingsBody, statusQuery } from './schemas';
import { webhookEndpointRouteDocs } from './webhookEndpointSchemas';

/**
 * The merchant API's OpenAPI 3.1 document, generated from the same zod
 * schemas the routes parse with. Responses name their main fields; amounts
 * are integers in the currency's minor unit.
 */

const money = { amountMinor: z.number().int(), currency: z.string() };
const caseRowFields = { id: z.string(), invoiceId: z.string().nullable(), customerId: z.string().nullable(), customerEmail: z.string().nullable().describe('masked: a***@example.com'), ...money };
const listOf = (item: z.ZodType) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

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
    timeline: z.array(z.object({ at: z.string(), kind: z.string(), summary: z.string() })),
  })
  .meta({ id: 'RecoveryCase' });

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
    currencies: z.array(z.object({ currency: z.string(), recoveredThisMonthMinor: z.number(), recoveredTotalMinor: z.number(), failedThisMonthMinor: z.number(), mrrSavedMinor: z.number(), activeMinor: z.number() })),
    trend: z.array(z.object({ day: z.string(), failed: z.number(), recovered: z.number() })),
    byDeclineBucket: z.array(z.object({ bucket: z.string(), failed: z.number(), recovered: z.number() })),
    byRecoveryMethod: z.array(z.object({ method: z.string(), count: z.number() })),
    emails: z.object({ sent: z.number(), opened: z.number(), clicked: z.number() }),
  })
  .meta({ id: 'DashboardStats' });

const recoveryEmail = z
  .object({ object: z.literal('recovery_email'), caseId: z.string(), index: z.number(), kind: z.enum(['dunning', 'confirmation']), step: z.number().nullable(), delivery: z.enum(['sent', 'recorded_test_mode']), at: z.string(), to: z.string(), from: z.string(), replyTo: z.string().nullable(), subject: z.string(), html: z.string(), text: z.string() })
  .meta({ id: 'RecoveryEmail' });
const payment = z.object({ ...caseRowFields, status: z.string(), declineBucket: z.string().nullable(), openingDeclineBucket: z.string().nullable(), recoveredBy: z.string().nullable(), attempts: z.number(), emailsSent: z.number(), openedAt: z.string(), closedAt: z.string().nullable() }).meta({ id: 'Payment' });
const sequence = z.object({ ...caseRowFields, paused: z.boolean(), stepsDone: z.number(), stepsTotal: z.number(), nextEmailAt: z.string().nullable(), nextRetryAt: z.string().nullable() }).meta({ id: 'Sequence' });
const attention = z.object({ ...caseRowFields, reason: z.enum(['email_undeliverable', 'needs_new_card', 'needs_authentication']), summary: z.string() }).meta({ id: 'NeedsAttention' });
const settings = z.object({ object: z.literal('settings'), retryPolicy: z.record(z.string(), z.unknown()), dunning: z.record(z.string(), z.unknown()), branding: z.record(z.string(), z.unknown()), postmark: z.object({ configured: z.boolean() }), networkLimitNotes: z.array(z.string()), sanitizerRemoved: z.array(z.string()).optional().describe('after a save: the template parts (dunning.steps[i].custom.html) the HTML sanitizer took something out of') }).meta({ id: 'Settings' });
const apiKey = z.object({ id: z.string(), name: z.string(), scope: z.enum(['read', 'read_write']), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() }).meta({ id: 'ApiKey' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid parameters: the message and `param` name the first problem.', ...json(errorBody) },
  401: { description: 'Missing, unknown or stale credentials.', ...json(errorBody) },
  403: { description: 'A read-only API key tried to write.', ...json(errorBody) },
  404: { description: 'No such object for this account.', ...json(errorBody) },
  429: { description: 'Over the rate limit or a cool-down; see Retry-After.', ...json(errorBody) },
};

type Route = Omit<RouteConfig, 'responses' | 'security'> & { ok: RouteConfig['responses'][string]; status?: number };

const routes: Route[] = [
  { method: 'get', path: '/api/dashboard/stats', summary: 'Recovery stats: this month, all time, a 30-day trend, breakdowns; amounts per currency', request: { query: identityQuery }, ok: { description: 'Stats', ...json(stats) } },
  { method: 'get', path: '/api/dashboard/payments', summary: 'Failed payments and what became of them, newest first', request: { query: paymentsQuery }, ok: { description: 'A page', ...json(listOf(payment)) } },
  { method: 'get', path: '/api/dashboard/sequences', summary: 'Active recovery sequences and their progress', request: { query: pageQuery }, ok: { description: 'A page', ...json(listOf(sequence)) } },
  { method: 'get', path: '/api/dashboard/attention', summary: 'Active cases that need the merchant', request: { query: pageQuery }, ok: { description: 'A list', ...json(listOf(attention)) } },
  { method: 'get', path: '/api/dashboard/export.csv', summary: 'Every case matching the filters as CSV, streamed', request: { query: exportQuery }, ok: { description: 'CSV with a header row', content: { 'text/csv': { schema: z.string() } } } },
  { method: 'get', path: '/api/recovery/status', summary: "One invoice's recovery case, or a customer's cases", request: { query: statusQuery }, ok: { description: 'The case (or a list for customerId)', ...json(recoveryCase) } },
  { method: 'get', path: '/api/recovery/emails/{caseId}/{index}', summary: "One email of a case as the customer got it (in test mode: as recorded instead of sent)", request: { params: caseEmailParams, query: identityQuery }, ok: { description: 'The email', ...json(recoveryEmail) } },
  { method: 'post', path: '/api/recovery/retry', summary: 'Retry now (within card-network limits; one per hour per case)', request: { body: json(caseControlBody) }, ok: { description: 'Scheduled', ...json(z.object({ caseId: z.string(), retry: z.literal('scheduled') })) }, status: 202 },
  { method: 'post', path: '/api/recovery/remind', summary: 'Send the next dunning email now (one per customer per day)', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/pause', summary: 'Pause retries and emails for a case', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/resume', summary: 'Resume a paused case (both plans are made again from now)', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/cancel', summary: 'Stop recovering a case', request: { body: json(caseControlBody) }, ok: { description: 'The case', ...json(recoveryCase) } },
  { method: 'post', path: '/api/recovery/card-update-link', summary: "A fresh card-update link for the case's customer", request: { body: json(caseControlBody) }, ok: { description: 'The link', ...json(z.object({ url: z.string(), expiresAt: z.string() })) } },
  { method: 'get', path: '/api/settings', summary: 'Retry policy, email sequence, branding, Postmark, end action', request: { query: identityQuery }, ok: { description: 'Settings', ...json(settings) } },
  { method: 'put', path: '/api/settings', summary: 'Change any part of the settings; a change with any problem saves nothing', request: { body: json(settingsBody) }, ok: { description: 'Settings', ...json(settings) } },
  { method: 'post', path: '/api/settings/email-preview', summary: 'Render a dunning step with sample data', request: { body: json(emailPreviewBody) }, ok: { description: 'The email', ...json(z.object({ subject: z.string(), html: z.string(), text: z.string() })) } },
  { method: 'get', path: '/api/api-keys', summary: "The account's API keys (never the keys themselves)", request: { query: identityQuery }, ok: { description: 'Keys', ...json(listOf(apiKey)) } },
  { method: 'post', path: '/api/api-keys', summary: 'Create an API key; the key is shown in this response only', request: { body: json(apiKeyBody) }, ok: { description: 'The key', ...json(apiKey.extend({ key: z.string() })) }, status: 201 },
  { method: 'delete', path: '/api/api-keys/{id}', summary: 'Revoke an API key', request: { params: z.object({ id: z.string() }), query: identityQuery }, ok: { description: 'Revoked', ...json(z.object({ id: z.string(), revoked: z.literal(true) })) } },
  ...webhookEndpointRouteDocs,
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
  for (const { ok, status, ...route } of routes) {
    registry.registerPath({ ...route, security: [{ apiKey: [] }, { stripeAppSignature: [] }], responses: { [status ?? 200]: ok, ...errors } });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Payment recovery merchant API', version: '1', description: 'Failed-payment recovery for Stripe: stats, cases and their controls, settings, API keys. Errors: {"error": {"type", "message", "param"?, "code"?}}.' },
    servers: [{ url: publicUrl }],
  });
}

/** Every documented route, for the test that keeps the document and the routers in step. */
export const DOCUMENTED_ROUTES = routes.map((route) => `${route.method.toUpperCase()} ${route.path.replace(/\{(\w+)\}/g, ':$1')}`);
