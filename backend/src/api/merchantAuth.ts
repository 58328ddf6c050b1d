import type { Context, Middleware } from 'koa';
import getRawBody from 'raw-body';
import { verifyAppSignature } from '../adapters/stripe';
import type { Clock } from '../clock';
import type { ControlActor } from '../recovery';
import { AppError } from '../errors';
import type { ApiKeyScope, ApiKeyStore } from './apiKeyStore';

/**
 * Who is calling: one merchant account, however they came in, and who in it:
 * the Dashboard user Stripe signed the request for, or the API key used.
 */
export type Merchant = { accountId: string; livemode: boolean; scope: ApiKeyScope } & (
  | { via: 'stripe_app'; userId: string }
  | { via: 'api_key'; apiKeyId: string; apiKeyName: string }
);

/** The caller as a case's timeline names them. */
export function actorOf(merchant: Merchant): ControlActor {
  return merchant.via === 'stripe_app' ? { kind: 'dashboard_user', userId: merchant.userId } : { kind: 'api_key', keyId: merchant.apiKeyId, keyName: merchant.apiKeyName };
}

export const MAX_API_BODY_BYTES = 100 * 1024;

/** Parses a JSON body (at most 100 KB) into ctx.state.body; GET and DELETE have none. */
export function jsonBody(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' || ctx.method === 'PUT') {
      let raw: string;
      try {
        raw = await getRawBody(ctx.req, { limit: MAX_API_BODY_BYTES, encoding: 'utf8' });
      } catch (error) {
        if ((error as { type?: string }).type === 'entity.too.large') throw new AppError('body_too_large', 'The body is larger than 100 KB.', 413, 'body');
        throw new AppError('unreadable_body', 'The request body could not be read.', 400, 'body');
      }
      try {
        ctx.state.body = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        throw new AppError('malformed_json', 'The body is not valid JSON.', 400, 'body');
      }
    }
    await next();
  };
}

/**
 * Stripe App calls (Stripe-Signature over {user_id, account_id}, sent in the
 * body or, for GET, the query) or merchant API keys (Authorization: Bearer).
 * Either way the account becomes ctx.state.merchant, with the signed user id
 * or the key's id and name; nothing else is trusted.
 */
export function authenticateMerchant(deps: { appSecret: string | undefined; apiKeys: ApiKeyStore; clock: Clock }): Middleware {
  return async (ctx, next) => {
    const authorization = ctx.get('authorization');
    if (authorization) {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1]?.trim() ?? '';
      const key = await deps.apiKeys.authenticate(token, deps.clock.now());
      if (!key) throw new AppError('invalid_api_key', 'The API key is not valid (unknown, revoked or malformed).', 401);
      ctx.state.merchant = { accountId: key.accountId, livemode: key.livemode, via: 'api_key', scope: key.scope, apiKeyId: key.id, apiKeyName: key.name } satisfies Merchant;
      return next();
    }
    const signature = ctx.get('stripe-signature');
    if (signature) {
      const source = (ctx.method === 'GET' || ctx.method === 'DELETE' ? ctx.query : (ctx.state.body ?? {})) as Record<string, unknown>;
      const userId = source.user_id;
      const accountId = source.account_id;
      if (typeof userId !== 'string' || typeof accountId !== 'string') {
        throw new AppError('missing_signed_fields', 'Signed requests must carry user_id and account_id.', 401, 'account_id');
      }
      if (!deps.appSecret || !verifyAppSignature(userId, accountId, signature, deps.appSecret)) {
        throw new AppError('invalid_signature', 'The Stripe-Signature does not match, or is older than 5 minutes.', 401, 'Stripe-Signature');
      }
      // livemode is not signed; it only picks which of this account's two data sets is read.
      // Nor are the user's Dashboard roles: the App hides controls by role, but only user_id and account_id can be trusted here.
      const livemode = source.livemode === true || source.livemode === 'true';
      ctx.state.merchant = { accountId, livemode, via: 'stripe_app', scope: 'read_write', userId } satisfies Merchant;
      return next();
    }
    throw new AppError('missing_credentials', 'Send an API key (Authorization: Bearer …) or a Stripe App signature.', 401);
  };
}

/** The authenticated caller; fails closed when a route was left outside authentication (its prefix missing in app.ts). */
export function merchantOf(ctx: Context): Merchant {
  const merchant = ctx.state.merchant as Merchant | undefined;
  if (!merchant) throw new AppError('missing_credentials', 'Send an API key (Authorization: Bearer …) or a Stripe App signature.', 401);
  return merchant;
}

/** Writes need a read-write key; Stripe App users pass (the Dashboard governs what they may do). */
export function requireWrite(ctx: Context): Merchant {
  const merchant = merchantOf(ctx);
  if (merchant.scope !== 'read_write') throw new AppError('read_only_key', 'This API key can only read.', 403);
  return merchant;
}

/** The Stripe App's views run in a sandboxed iframe on any origin; no cookies are involved. */
export function openCors(): Middleware {
  return async (ctx, next) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Access-Control-Allow-Headers', 'Authorization, Stripe-Signature, Content-Type, Idempotency-Key');
    ctx.set('Access-Control-Expose-Headers', 'Idempotent-Replayed, Retry-After');
    ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
    ctx.set('Access-Control-Max-Age', '600');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    await next();
  };
}
