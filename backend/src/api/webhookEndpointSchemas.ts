import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { MAX_ENDPOINTS_PER_MODE, MAX_ROTATION_OVERLAP_HOURS, OUTBOUND_EVENT_TYPES } from '../outbound';
import { appIdentity } from './schemas';

/** Inputs of the webhook endpoint routes, and their OpenAPI entries (listed in openApi.ts). */

const eventName = z.enum([...OUTBOUND_EVENT_TYPES, '*']);
const enabledEvents = z
  .array(eventName)
  .min(1, 'name at least one event type, or ["*"] for all')
  .max(OUTBOUND_EVENT_TYPES.length)
  .refine((names) => !names.includes('*') || names.length === 1, '"*" stands alone: it already means every event')
  .transform((names) => [...new Set(names)])
  .describe(`Event types to receive (${OUTBOUND_EVENT_TYPES.join(', ')}), or ["*"] for all`);
const url = z.string().trim().min(1).max(2048).describe('https:// and a public address (http and loopback only in development and tests)');
const description = z.string().trim().max(500);

export const webhookEndpointCreateBody = z.object({ ...appIdentity, url, enabledEvents, description: description.optional() }).strict().meta({ id: 'WebhookEndpointCreate' });

export const webhookEndpointUpdateBody = z
  .object({ ...appIdentity, url: url.optional(), enabledEvents: enabledEvents.optional(), description: description.optional(), status: z.enum(['enabled', 'disabled']).optional() })
  .strict()
  .meta({ id: 'WebhookEndpointUpdate' });

export const rotateSecretBody = z
  .object({ ...appIdentity, overlapHours: z.number().int().min(0).max(MAX_ROTATION_OVERLAP_HOURS).optional().describe('How long the old secret keeps signing too (default 24, at most 168)') })
  .strict()
  .meta({ id: 'WebhookSecretRotation' });

export const deliveriesQuery = z
  .object({ ...appIdentity, limit: z.coerce.number().int().min(1).max(100).default(25), startingAfter: z.string().max(100).optional().describe('the last delivery id of the previous page') })
  .meta({ id: 'WebhookDeliveriesQuery' });

const identityQuery = z.object(appIdentity);
const idParams = z.object({ id: z.string() });

const endpoint = z
  .object({
    id: z.string().describe('we_…'),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string(),
    enabledEvents: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z.string().nullable().describe('why we disabled it (3 days without a successful delivery) or "disabled by the merchant"'),
    livemode: z.boolean(),
    createdAt: z.string(),
    secretRotationEndsAt: z.string().nullable().describe('while set, the previous secret signs too'),
  })
  .meta({ id: 'WebhookEndpoint' });
const withSecret = endpoint.extend({ secret: z.string().describe('whsec_…: shown in this response only') });
const delivery = z
  .object({
    id: z.string(),
    object: z.literal('webhook_delivery'),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'abandoned']),
    attempts: z.array(z.object({ at: z.string(), statusCode: z.number().nullable(), latencyMs: z.number(), error: z.string().nullable() })),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
const event = z
  .object({ id: z.string(), object: z.literal('event'), type: z.string(), created: z.number(), livemode: z.boolean(), account: z.string(), sequence: z.number().nullable(), data: z.object({ object: z.record(z.string(), z.unknown()) }) })
  .meta({ id: 'OutboundEvent' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
type DocumentedRoute = Omit<RouteConfig, 'responses' | 'security'> & { ok: RouteConfig['responses'][string]; status?: number };

export const webhookEndpointRouteDocs: DocumentedRoute[] = [
  { method: 'get', path: '/api/webhook-endpoints', summary: 'The webhook endpoints of this account and mode', request: { query: identityQuery }, ok: { description: 'Endpoints', ...json(z.object({ object: z.literal('list'), data: z.array(endpoint) })) } },
  { method: 'post', path: '/api/webhook-endpoints', summary: `Register an endpoint (at most ${MAX_ENDPOINTS_PER_MODE} per account and mode); its signing secret is shown in this response only`, request: { body: json(webhookEndpointCreateBody) }, ok: { description: 'The endpoint and its secret', ...json(withSecret) }, status: 201 },
  { method: 'post', path: '/api/webhook-endpoints/{id}', summary: 'Change the URL, events, description or status (enabling clears the disabled reason)', request: { params: idParams, body: json(webhookEndpointUpdateBody) }, ok: { description: 'The endpoint', ...json(endpoint) } },
  { method: 'delete', path: '/api/webhook-endpoints/{id}', summary: 'Delete an endpoint; its pending deliveries are dropped', request: { params: idParams, query: identityQuery }, ok: { description: 'Deleted', ...json(z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) })) } },
  { method: 'post', path: '/api/webhook-endpoints/{id}/rotate-secret', summary: 'A new signing secret (shown once); the old one keeps signing during the overlap', request: { params: idParams, body: json(rotateSecretBody) }, ok: { description: 'The endpoint and its new secret', ...json(withSecret) } },
  { method: 'post', path: '/api/webhook-endpoints/{id}/ping', summary: 'Send a ping event to the endpoint now', request: { params: idParams, body: json(z.object(appIdentity)) }, ok: { description: 'Queued', ...json(z.object({ event, delivery })) }, status: 202 },
  { method: 'get', path: '/api/webhook-endpoints/{id}/deliveries', summary: "The endpoint's deliveries, newest first, with every attempt (status code, latency, error)", request: { params: idParams, query: deliveriesQuery }, ok: { description: 'A page', ...json(z.object({ object: z.literal('list'), data: z.array(delivery), hasMore: z.boolean() })) } },
  { method: 'post', path: '/api/webhook-deliveries/{id}/resend', summary: 'Attempt a delivery again now, whatever became of it (with a fresh 3-day retry window)', request: { params: idParams, body: json(z.object(appIdentity)) }, ok: { description: 'Queued', ...json(delivery) }, status: 202 },
];
