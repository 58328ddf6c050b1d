import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../i18n';

/**
 * Every input the merchant API accepts, as zod schemas: the routes parse with
 * them and the OpenAPI document is generated from them, so the two agree.
 */

const caseId = z.string().regex(/^[a-f0-9]{24}$/, 'a recovery case id (24 hex characters)');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'a date (YYYY-MM-DD) or an ISO 8601 time')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not a real date')
  .transform((value) => new Date(value));
const customerId = z.string().regex(/^cus_\w+$/, 'a customer id (cus_…)');
const caseStatus = z.enum(['active', 'recovered', 'exhausted', 'canceled', 'churned']);

/** Signed Stripe App calls carry these in the query (GET) or body (POST, PUT); API-key calls do not need them. */
export const appIdentity = {
  user_id: z.string().max(100).optional(),
  account_id: z.string().max(100).optional(),
  livemode: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
};

export const statusQuery = z
  .object({ ...appIdentity, invoiceId: z.string().regex(/^in_\w+$/, 'an invoice id (in_…)').optional(), customerId: customerId.optional() })
  .refine((query) => Boolean(query.invoiceId) !== Boolean(query.customerId), { message: 'give exactly one of invoiceId or customerId', path: ['invoiceId'] })
  .meta({ id: 'StatusQuery' });

export const caseControlBody = z.object({ ...appIdentity, caseId }).meta({ id: 'CaseControl' });

const invoiceId = z.string().regex(/^in_\w+$/, 'an invoice id (in_…)').max(255);
const paymentIntentId = z.string().regex(/^pi_\w+$/, 'a PaymentIntent id (pi_…)').max(255);

/** Retry now, naming the case or the invoice it recovers. */
export const retryBody = z
  .object({ ...appIdentity, caseId: caseId.optional(), invoiceId: invoiceId.optional() })
  .refine((body) => Boolean(body.caseId) !== Boolean(body.invoiceId), { message: 'give exactly one of caseId or invoiceId', path: ['caseId'] })
  .meta({ id: 'RetryRequest' });

/** Stripe's metadata limits: at most 50 keys, keys up to 40 characters, values up to 500. */
const metadata = z
  .record(z.string().min(1).max(40, 'metadata keys are at most 40 characters'), z.string().max(500, 'metadata values are at most 500 characters'))
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 metadata keys');

/**
 * Hands a failed Stripe payment to recovery. Strict: amounts and state are
 * read at Stripe, so a field such as `amount` is refused rather than ignored.
 */
export const executeBody = z
  .object({
    ...appIdentity,
    invoiceId: invoiceId.optional(),
    paymentIntentId: paymentIntentId.optional(),
    originalDeclineCode: z.string().regex(/^[a-z_]{1,64}$/, "a Stripe decline code such as insufficient_funds").optional().describe('used only when Stripe carries no decline of its own'),
    metadata: metadata.optional(),
    simulateOutcome: z.enum(['succeeded', 'failed', 'blocked']).optional().describe('test mode only: drives the new case to this end through the real transitions (and outbound webhooks); nothing is charged'),
  })
  .strict()
  .refine((body) => Boolean(body.invoiceId) !== Boolean(body.paymentIntentId), { message: 'give exactly one of invoiceId or paymentIntentId', path: ['invoiceId'] })
  .meta({ id: 'ExecuteRequest' });

/** One email of a case: the case and the email's place in the case's list (0 = first). */
export const caseEmailParams = z.object({ caseId, index: z.coerce.number().int().min(0).max(1000) });

const pageFields = { limit: z.coerce.number().int().min(1).max(100).default(25), starting_after: z.string().max(200).optional() };
const declineBucket = z.enum(['soft', 'ambiguous', 'customer_must_act', 'never_retry', 'blocked_by_stripe']);
const currency = z.string().regex(/^[a-z]{3}$/, 'a three-letter ISO currency code in lower case (usd)');
/** Which cases a list or export covers; `from` and `to` bound when the payment failed. */
const caseFilterFields = {
  status: caseStatus.optional(),
  customerId: customerId.optional(),
  openingDeclineBucket: declineBucket.optional().describe('the bucket of the decline the payment failed with, as the stats group them'),
  currency: currency.optional(),
  from: day.optional(),
  to: day.optional(),
};
const toAfterFrom = (query: { from?: Date; to?: Date }) => !query.from || !query.to || query.from < query.to;
const toBeforeFrom = { message: 'must be after from', path: ['to'] };

export const paymentsQuery = z
  .object({ ...appIdentity, ...caseFilterFields, ...pageFields })
  .refine(toAfterFrom, toBeforeFrom)
  .meta({ id: 'PaymentsQuery' });

export const exportQuery = z
  .object({ ...appIdentity, ...caseFilterFields })
  .refine(toAfterFrom, toBeforeFrom)
  .meta({ id: 'ExportQuery' });

/** The filters a download link is bound to (the same as the export's). */
export const exportLinkBody = z
  .object({ ...appIdentity, ...caseFilterFields })
  .strict()
  .refine(toAfterFrom, toBeforeFrom)
  .meta({ id: 'ExportLinkRequest' });

/** What a download link's token carries: the filters alone, checked again when the link is used. */
export const exportTokenFilters = z.object(caseFilterFields).strict();

export const pageQuery = z.object({ ...appIdentity, ...pageFields }).meta({ id: 'PageQuery' });

export const identityQuery = z.object(appIdentity).meta({ id: 'AppIdentity' });

const hour = z.number().int().min(0).max(23);
const emailCopy = z.object({ subject: z.string().min(1).max(500), html: z.string().min(1).max(50_000), text: z.string().min(1).max(50_000) });
const locale = z.enum(SUPPORTED_LOCALES);
/** The merchant's own copy for customers in other languages than their default (`custom` is the default language's). */
const copyByLocale = z
  .partialRecord(locale, emailCopy)
  .nullable()
  .optional()
  .describe("own copy per language, e.g. { de: {subject, html, text} }; a language without one gets our default in it; `custom` is the merchant's default language's");

export const retryPolicyInput = z
  .object({
    windowDays: z.number().int(),
    maxAttempts: z.number().int(),
    gapsHours: z.array(z.number()).max(20),
    merchantTimeZone: z.string().max(64),
    retryHourLocal: hour,
    stripeRetryClearanceHours: z.number(),
    paydayCalendars: z.record(
      z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code'),
      z.object({ daysOfMonth: z.array(z.number().int().min(1).max(31)).max(31), lastBusinessDay: z.boolean(), holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')).max(100).optional() }).strict(),
    ),
    networkLimits: z.object({ visaMaxReattemptsPer30Days: z.number().int(), mastercardMaxDeclinesPer24h: z.number().int(), mastercardMaxDeclinesPer30Days: z.number().int() }),
    endAction: z.enum(['leave_open', 'cancel_subscription', 'mark_uncollectible']),
  })
  .partial()
  .strict()
  .meta({ id: 'RetryPolicy' });

export const dunningInput = z
  .object({
    enabled: z.boolean(),
    steps: z.array(z.object({ dayOffset: z.number().int(), tone: z.enum(['soft_reminder', 'retry_notice', 'urgent_reminder', 'final_notice']), custom: emailCopy.nullable(), customByLocale: copyByLocale }).strict()).max(10),
    sendConfirmation: z.boolean(),
    daytimeHours: z.tuple([hour, z.number().int().min(1).max(24)]),
  })
  .strict()
  .meta({ id: 'DunningSequence' });

/** Reminders before a renewal whose card expires first; steps from the earliest (most days before) to the latest. */
export const preDunningInput = z
  .object({
    enabled: z.boolean(),
    steps: z
      .array(z.object({ daysBefore: z.number().int().describe('whole days before the renewal, 1 to 60, each step fewer than the one before'), custom: emailCopy.nullable().describe('null: our default copy'), customByLocale: copyByLocale }).strict())
      .max(5),
  })
  .partial()
  .strict()
  .meta({ id: 'PreDunningSequence' });

export const renewalRiskInput = z
  .object({ alertThreshold: z.number().int().describe('1 to 100, default 70: customer.renewal_at_risk fires when a renewal\'s score reaches it') })
  .partial()
  .strict()
  .meta({ id: 'RenewalRiskSettings' });

export const brandingInput = z
  .object({
    merchantName: z.string().trim().min(1).max(100),
    productName: z.string().trim().min(1).max(100),
    logoUrl: z.url({ protocol: /^https$/, error: 'an https URL' }).max(2000).nullable(),
    accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #RRGGBB'),
    supportEmail: z.email().max(254).nullable(),
  })
  .partial()
  .strict()
  .meta({ id: 'Branding' });

// Shapes only: dunning/senderIdentity checks the address syntax and that nothing could break a header line.
export const senderInput = z
  .object({
    fromName: z.string().max(100).nullable().describe("display name, e.g. Acme Billing (default: the branding's merchant name)"),
    fromAddress: z.string().max(254).nullable().describe('used as is through your own Postmark server or on a domain the operator verified; otherwise the Reply-To'),
    replyTo: z.string().max(254).nullable().describe("where replies go (default: the branding's support email)"),
  })
  .partial()
  .strict()
  .meta({ id: 'SenderSettings' });

export const settingsBody = z
  .object({
    ...appIdentity,
    retryPolicy: retryPolicyInput.optional(),
    dunning: dunningInput.optional(),
    branding: brandingInput.optional(),
    sender: senderInput.optional(),
    postmarkServerToken: z.string().max(200).nullable().optional().describe('your own Postmark server token, checked with Postmark before it is stored (sealed); null removes it. Needs sender.fromAddress'),
    holdoutShare: z.number().min(0).max(0.5).optional().describe('share of customers in the control group (0 to 0.5, default 0.1; 0 turns the holdout off); applies to cases opened from now on'),
    preDunning: preDunningInput.optional(),
    renewalRisk: renewalRiskInput.optional(),
    language: locale.optional().describe("the language customers get when their Stripe preferred_locales name none we support (default en)"),
  })
  .strict()
  .meta({ id: 'SettingsChange' });

/** An A/B test of the email sequence or the retry policy; arm A is always the account's current settings. */
export const experimentBody = z
  .object({
    ...appIdentity,
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['email_sequence', 'retry_policy']),
    variant: z.object({ dunning: dunningInput.optional(), retryPolicy: retryPolicyInput.optional() }).strict(),
    horizonCases: z.number().int().min(50, 'at least 50 ended cases per arm').max(100_000),
  })
  .strict()
  .meta({ id: 'ExperimentCreate' });

export const experimentParams = z.object({ id: z.string().regex(/^exp_[a-f0-9]{24}$/, 'an experiment id (exp_…)') });

export const horizonQuery = z
  .object({
    ...appIdentity,
    baselineShare: z.coerce.number().gt(0).lt(1),
    minimumDetectableEffect: z.coerce.number().gte(0.005).lt(1),
  })
  .refine((query) => query.baselineShare + query.minimumDetectableEffect <= 1, { message: 'baselineShare + minimumDetectableEffect must be at most 1', path: ['minimumDetectableEffect'] })
  .meta({ id: 'HorizonQuery' });

export const emailPreviewBody = z
  .object({
    ...appIdentity,
    stepIndex: z.number().int().min(0).max(9),
    variant: z.enum(['general', 'insufficient_funds', 'card_must_change', 'authentication_required']).default('general'),
    locale: locale.optional().describe("the customer's language to preview in; default: the merchant's language"),
    dunning: dunningInput.optional(),
    branding: brandingInput.optional(),
  })
  .strict()
  .meta({ id: 'EmailPreviewRequest' });

/** A pre-dunning reminder rendered with sample data; unsaved edits (`preDunning`, `branding`) win over the stored ones. */
export const preDunningPreviewBody = z
  .object({
    ...appIdentity,
    stepIndex: z.number().int().min(0).max(4),
    locale: locale.optional().describe("the customer's language to preview in; default: the merchant's language"),
    preDunning: preDunningInput.optional(),
    branding: brandingInput.optional(),
  })
  .strict()
  .meta({ id: 'PreDunningPreviewRequest' });

export const apiKeyBody = z
  .object({ ...appIdentity, name: z.string().trim().min(1).max(100), scope: z.enum(['read', 'read_write']).default('read') })
  .meta({ id: 'ApiKeyCreate' });

export const errorBody = z
  .object({
    error: z.object({
      type: z.enum(['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'api_error']),
      message: z.string(),
      param: z.string().optional(),
      code: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });
