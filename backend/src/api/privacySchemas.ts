import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { identityQuery } from './schemas';

/** GET and DELETE /api/customers/:id/data: the path, the answers, and their OpenAPI entries. */

export const customerDataParams = z.object({ id: z.string().regex(/^cus_\w+$/, 'a customer id (cus_…)').max(255) });

const customerData = z
  .object({
    object: z.literal('customer_data'),
    customerId: z.string(),
    livemode: z.boolean(),
    exportedAt: z.string(),
    collections: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).describe('every stored document about the customer, by collection (recoveryCases, renewals, stripeEvents with their payloads, outboundEvents, …)'),
  })
  .meta({ id: 'CustomerData' });

const customerErasure = z
  .object({
    object: z.literal('customer_erasure'),
    customerId: z.string(),
    livemode: z.boolean(),
    erasedAt: z.string(),
    erased: z.record(z.string(), z.number().int()).describe('documents redacted or removed, by collection; all 0 on a repeat: nothing was left to erase'),
    kept: z.string(),
  })
  .meta({ id: 'CustomerErasure' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
type DocumentedRoute = Omit<RouteConfig, 'responses' | 'security'> & { ok: RouteConfig['responses'][string]; status?: number; extra?: RouteConfig['responses'] };

export const privacyRouteDocs: DocumentedRoute[] = [
  {
    method: 'get',
    path: '/api/customers/{id}/data',
    summary: 'Everything we hold about one of your customers in this mode, as JSON (a data-access request); 404 when we hold nothing',
    request: { params: customerDataParams, query: identityQuery },
    ok: { description: 'The data', ...json(customerData) },
  },
  {
    method: 'delete',
    path: '/api/customers/{id}/data',
    summary: "Erase a customer's personal data in this mode (email, name, emails as written, raw Stripe payloads, …); amounts, outcomes and counters stay. Idempotent; 404 when we hold nothing",
    description: 'The same erasure as a customer.deleted event from Stripe. Needs a read-write key. 409 erasure_in_progress when a worker held one of the customer’s cases throughout: try again in a few seconds.',
    request: { params: customerDataParams, query: identityQuery },
    ok: { description: 'What was erased', ...json(customerErasure) },
    extra: { 409: { description: 'A worker is acting on one of the customer’s cases: try again shortly', content: { 'application/json': { schema: z.object({ error: z.object({ type: z.string(), code: z.string(), message: z.string() }) }) } } } },
  },
];
