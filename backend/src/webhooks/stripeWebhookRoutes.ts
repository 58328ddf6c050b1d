import Router from '@koa/router';
import getRawBody from 'raw-body';
import { objectIdOf, verifyStripeEvent, isHandledEventType } from '../adapters/stripe';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { StoredStripeEvent, StripeEventStore } from './stripeEventStore';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/**
 * POST /api/webhooks/stripe: verify the signature over the raw bytes, store the
 * event under its unique id and answer 200; a worker handles it from there.
 * Nothing unstored ever gets a 2xx, so Stripe keeps re-sending until we have it.
 */
export function createStripeWebhookRoutes(deps: {
  webhookSecret: string;
  selfHostedAccountId: string;
  events: StripeEventStore;
  clock: Clock;
  /** Tells a worker in this process that an event is waiting (a separate worker finds it on its next poll). */
  onEventStored: () => void;
}): Router {
  const router = new Router();

  router.post('/api/webhooks/stripe', async (ctx) => {
    const rawBody = await readRawBody(ctx.req, ctx.request.length);
    const signature = ctx.get('stripe-signature') || undefined;
    const check = verifyStripeEvent(rawBody, signature, deps.webhookSecret);
    if (!check.ok) throw new AppError(check.reason, check.message, 400, check.reason === 'malformed_payload' ? 'body' : 'Stripe-Signature');

    const { event } = check;
    const now = deps.clock.now();
    const handled = isHandledEventType(event.type);
    const stored: StoredStripeEvent = {
      eventId: event.id,
      accountId: event.account ?? deps.selfHostedAccountId,
      livemode: event.livemode,
      isAppInstall: Boolean(event.account),
      type: event.type,
      objectId: objectIdOf(event),
      eventCreatedAt: new Date(event.created * 1000),
      payload: rawBody.toString('utf8'),
      status: handled ? 'pending' : 'ignored',
      attempts: 0,
      leaseOwner: null,
      // Due at once.
      leaseUntil: now,
      outcome: handled ? null : `event type ${event.type} is not used`,
      lastError: null,
      receivedAt: now,
      handledAt: handled ? null : now,
    };

    if ((await deps.events.record(stored)) === 'duplicate') {
      ctx.body = { received: true, duplicate: true };
      return;
    }
    if (handled) deps.onEventStored();
    ctx.body = { received: true };
  });

  return router;
}

async function readRawBody(stream: NodeJS.ReadableStream, length: number | undefined): Promise<Buffer> {
  try {
    return await getRawBody(stream as Parameters<typeof getRawBody>[0], { limit: MAX_WEBHOOK_BODY_BYTES, ...(length !== undefined ? { length } : {}) });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new AppError('body_too_large', 'The body is larger than 1 MB.', 413, 'body');
    throw new AppError('unreadable_body', 'The request body could not be read.', 400, 'body');
  }
}
