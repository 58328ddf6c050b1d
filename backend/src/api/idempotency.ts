import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { stringify as stableStringify } from 'safe-stable-stringify';
import type { Clock } from '../clock';
import { AppError, errorBodyOf } from '../errors';
import type { IdempotencyScope, IdempotencyStore } from './idempotencyStore';
import { merchantOf } from './merchantAuth';

/** Stripe allows keys up to 255 characters; so do we. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * Same request, same key: method, path and the body as canonical JSON (keys
 * sorted), so `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }` are one request.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${stableStringify(body ?? {})}`).digest('hex');
}

/**
 * `Idempotency-Key` on every POST of the merchant API (mounted after
 * authentication, so keys are per account and mode). The first answer under a
 * key is replayed for 24 h with `Idempotent-Replayed: true`; the same key
 * with another request, or while the first still runs, is a 409
 * `idempotency_error`. Answers a client should simply try again (5xx, 429)
 * are not kept, so the key can be retried.
 * Example: POST /api/recovery/execute with key K → 201 {case…}; again with K → 201, same body, replayed.
 */
export function idempotentPosts(deps: { store: IdempotencyStore; clock: Clock }): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (ctx.method !== 'POST' || !key) return next();
    if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      throw new AppError('idempotency_key_invalid', `The Idempotency-Key is longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`, 400, 'Idempotency-Key');
    }
    const merchant = merchantOf(ctx);
    const scope: IdempotencyScope = { accountId: merchant.accountId, livemode: merchant.livemode, key };
    const begun = await deps.store.begin(scope, requestFingerprint(ctx.method, ctx.path, ctx.state.body), deps.clock.now());
    if (begun.kind === 'conflict') {
      const message =
        begun.reason === 'in_progress'
          ? 'A request with this Idempotency-Key is still running; retry once it has finished.'
          : 'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request.';
      throw new AppError('idempotency_error', message, 409, 'Idempotency-Key');
    }
    if (begun.kind === 'replay') {
      ctx.status = begun.status;
      ctx.body = JSON.parse(begun.body) as unknown;
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }
    await runAndKeep(ctx, next, deps.store, scope, begun.owner);
  };
}

const isKept = (status: number) => status < 500 && status !== 429;

async function runAndKeep(ctx: Context, next: () => Promise<unknown>, store: IdempotencyStore, scope: IdempotencyScope, owner: string): Promise<void> {
  const abandon = () => store.abandon(scope, owner).catch(() => undefined);
  try {
    await next();
  } catch (error) {
    if (error instanceof AppError && isKept(error.status)) await store.finish(scope, owner, { status: error.status, body: JSON.stringify(errorBodyOf(error)) });
    // Anything else is a 5xx: free the key (the marker would run out anyway if this fails too).
    else await abandon();
    throw error;
  }
  const body = ctx.body as unknown;
  const isJson = body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && typeof (body as { pipe?: unknown }).pipe !== 'function';
  if (isKept(ctx.status) && isJson) await store.finish(scope, owner, { status: ctx.status, body: JSON.stringify(body) });
  else await abandon();
}
