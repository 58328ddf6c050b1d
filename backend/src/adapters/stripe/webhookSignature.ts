import Stripe from 'stripe';
import { z } from 'zod';

/** Stripe's signature check window; always passed explicitly (older clients skipped the check when omitted). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const envelopeSchema = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]+$/, 'event id must look like evt_...'),
  object: z.literal('event'),
  type: z.string().min(1).max(100),
  created: z.number().int().positive(),
  livemode: z.boolean(),
  account: z.string().regex(/^acct_[A-Za-z0-9_]+$/).optional().nullable(),
  api_version: z.string().optional().nullable(),
  request: z.object({ id: z.string().nullable().optional(), idempotency_key: z.string().nullable().optional() }).optional().nullable(),
  data: z.object({
    object: z.record(z.string(), z.unknown()),
    previous_attributes: z.record(z.string(), z.unknown()).optional().nullable(),
  }),
});

/** A verified Stripe event envelope, with the object kept as untyped JSON until translated. */
export type StripeEventEnvelope = z.infer<typeof envelopeSchema>;

export type SignatureCheck =
  | { ok: true; event: StripeEventEnvelope }
  | { ok: false; reason: 'missing_signature' | 'invalid_signature' | 'malformed_payload'; message: string };

/** Verifies the signature over the exact raw bytes, then parses and shape-checks the event. */
export function verifyStripeEvent(rawBody: Buffer, signatureHeader: string | undefined, secret: string): SignatureCheck {
  if (!signatureHeader) return { ok: false, reason: 'missing_signature', message: 'The Stripe-Signature header is missing.' };
  let parsed: unknown;
  try {
    Stripe.webhooks.signature!.verifyHeader(rawBody, signatureHeader, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    return { ok: false, reason: 'invalid_signature', message: `Signature verification failed: ${(error as Error).message.split('\n')[0]}` };
  }
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed_payload', message: 'The body is not valid JSON.' };
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    return { ok: false, reason: 'malformed_payload', message: `Not a Stripe event: ${issue.path.join('.')}: ${issue.message}` };
  }
  return { ok: true, event: envelope.data };
}
