import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { appIdentity } from './schemas';

/** Renewal risk's inputs and its OpenAPI entries (issue 14), from the zod schemas the routes parse with. */

const customerId = z.string().regex(/^cus_\w+$/, 'a customer id (cus_…)').max(255);
const subscriptionId = z.string().regex(/^sub_\w+$/, 'a subscription id (sub_…)').max(255);

export const predictRiskBody = z
  .object({ ...appIdentity, customerId: customerId.optional(), subscriptionId: subscriptionId.optional() })
  .strict()
  .refine((body) => Boolean(body.customerId) !== Boolean(body.subscriptionId), { message: 'give exactly one of customerId or subscriptionId', path: ['customerId'] })
  .meta({ id: 'PredictRiskRequest' });

export const atRiskQuery = z
  .object({
    ...appIdentity,
    limit: z.coerce.number().int().min(1).max(100).default(25),
    starting_after: z.string().max(300).optional(),
    min_score: z.coerce.number().int().min(0).max(100).optional().describe('only renewals scoring at least this'),
    reason: z.string().regex(/^[a-z_]{1,64}$/, 'a reason code such as card_expires_before_renewal').optional().describe('only renewals with this reason among their top five'),
    pre_dunning: z.enum(['none', 'planned', 'sent', 'stopped']).optional().describe("only renewals whose pre-dunning reminders are in this state"),
  })
  .meta({ id: 'AtRiskQuery' });

const renewalRisk = z
  .object({
    object: z.literal('renewal_risk'),
    subscriptionId: z.string(),
    customerId: z.string(),
    customerEmail: z.string().nullable().describe('masked: a***@example.com'),
    customerName: z.string().nullable(),
    renewsAt: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    score: z.number().int().describe('0 (safe) to 100'),
    level: z.enum(['low', 'medium', 'high']).describe('low < 40, medium 40–69, high ≥ 70'),
    model: z.enum(['rules', 'account_model']).describe("rules: the transparent points; account_model: the account's own logistic model (from 500 renewals with known outcomes)"),
    reasons: z.array(z.object({ code: z.string(), text: z.string(), weight: z.number().describe('points (rules) or share of the logit (model)') })).describe('at most five, largest first'),
    card: z.object({ brand: z.string().nullable(), last4: z.string().nullable(), expMonth: z.number(), expYear: z.number(), funding: z.string() }).nullable(),
    preDunning: z.object({ status: z.enum(['none', 'planned', 'sent', 'stopped']), remindersSent: z.number().int(), nextReminderAt: z.string().nullable(), stoppedBecause: z.string().nullable() }),
    scoredAt: z.string(),
  })
  .meta({ id: 'RenewalRiskView' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
type DocumentedRoute = Omit<RouteConfig, 'responses' | 'security'> & { ok: RouteConfig['responses'][string]; status?: number };

export const riskRouteDocs: DocumentedRoute[] = [
  {
    method: 'post',
    path: '/api/predict/risk',
    summary: "Score a customer's renewals (or one subscription's) now, fresh, and save the scores; 404 resource_missing when this account and mode know no such renewing subscription",
    request: { body: json(predictRiskBody) },
    ok: { description: 'The renewals, scored', ...json(z.object({ object: z.literal('list'), data: z.array(renewalRisk) })) },
  },
  {
    method: 'get',
    path: '/api/dashboard/at-risk',
    summary: 'Renewals in the next 30 days, highest risk first, with filters; summary counts those at or above the alert threshold',
    request: { query: atRiskQuery },
    ok: {
      description: 'A page',
      ...json(
        z.object({
          object: z.literal('list'),
          data: z.array(renewalRisk),
          has_more: z.boolean(),
          next_cursor: z.string().nullable(),
          summary: z.object({ count: z.number().int(), amountMinorByCurrency: z.record(z.string(), z.number().int()), atOrAbove: z.number().int().describe('the alert threshold') }),
        }),
      ),
    },
  },
];
