import Stripe from 'stripe';
import { UpstreamError } from '../../errors';
import { PAYMENT_INTENT_STATUSES, type CardDetails, type DeclineDetails, type PaymentIntentSnapshot, type PayOutcome } from '../../recovery';

/** Stripe's objects and errors turned into our words, for the gateway's calls. */

export function paymentIntentSnapshot(intent: Stripe.PaymentIntent): PaymentIntentSnapshot {
  const methodOptions = Object.values(intent.payment_method_options ?? {}) as Array<{ setup_future_usage?: string | null; mandate_options?: unknown } | null | undefined>;
  const setUpForLater = intent.setup_future_usage === 'off_session' || methodOptions.some((options) => options?.setup_future_usage === 'off_session');
  const hasMandate = methodOptions.some((options) => options?.mandate_options !== undefined && options.mandate_options !== null);
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(intent.metadata ?? {})) if (typeof value === 'string') metadata[key] = value;
  return {
    id: intent.id,
    // A status newer than this code is treated as in flight: nothing is confirmed on it.
    status: (PAYMENT_INTENT_STATUSES as readonly string[]).includes(intent.status) ? (intent.status as PaymentIntentSnapshot['status']) : 'processing',
    amountMinor: intent.amount,
    currency: intent.currency,
    customerId: idOf(intent.customer),
    order: { metadata, description: intent.description ?? null },
    createdAt: new Date(intent.created * 1000),
    offSessionConsent: setUpForLater ? 'setup_future_usage' : hasMandate ? 'mandate' : null,
  };
}

/** A card decline in our words; authentication_required is the customer's to act on, not a decline. */
export function declineFrom(error: InstanceType<typeof Stripe.errors.StripeCardError>): PayOutcome {
  const raw = (error.raw ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const decline: DeclineDetails = {};
  const pairs: Array<[keyof DeclineDetails, unknown]> = [
    ['code', error.code],
    ['declineCode', error.decline_code],
    ['adviceCode', raw.advice_code],
    ['networkDeclineCode', raw.network_decline_code],
    ['networkAdviceCode', raw.network_advice_code],
    ['message', error.message],
  ];
  for (const [key, value] of pairs) {
    const found = text(value);
    if (found) decline[key] = found;
  }
  if (decline.code === 'authentication_required' || decline.declineCode === 'authentication_required') return { kind: 'needs_customer_action' };
  const method = (raw.payment_method ?? error.payment_method) as { id?: string; card?: { brand?: string; fingerprint?: string; last4?: string; country?: string } } | undefined;
  const card: CardDetails | null = method
    ? {
        ...(method.id ? { paymentMethodId: method.id } : {}),
        ...(method.card?.brand ? { brand: method.card.brand } : {}),
        ...(method.card?.fingerprint ? { fingerprint: method.card.fingerprint } : {}),
        ...(method.card?.last4 ? { last4: method.card.last4 } : {}),
        ...(method.card?.country ? { country: method.card.country } : {}),
      }
    : null;
  return { kind: 'declined', decline, card };
}

/** Stripe's failures in our words: outages and rate limits are worth retrying, bad requests are not. */
export function translateError(error: unknown): UpstreamError {
  if (error instanceof Stripe.errors.StripeError) {
    // No status means the connection failed or timed out; an idempotency conflict never heals by itself.
    const retryable =
      !(error instanceof Stripe.errors.StripeIdempotencyError) &&
      (error instanceof Stripe.errors.StripeRateLimitError || error.statusCode === undefined || error.statusCode >= 500);
    return new UpstreamError('stripe', `${error.type}: ${error.message}`, retryable, error.statusCode);
  }
  return new UpstreamError('stripe', error instanceof Error ? error.message : String(error), true);
}

/** A Stripe read, with 404 as null and every other failure translated. */
export async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
    throw translateError(error);
  }
}

/** Stripe fields hold either an id or the expanded object. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'id' in value && typeof (value as { id: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
