import type { Context, Middleware } from 'koa';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { RateLimitStore } from './rateLimitStore';

/**
 * Limits requests per key (an account, or a client IP on public pages) and
 * says so in X-RateLimit-Limit / -Remaining / -Reset on every response. Over
 * the limit: 429 with Retry-After, rendered by the error middleware.
 */
export function rateLimit(options: {
  store: RateLimitStore;
  clock: Clock;
  scope: string;
  limit: number;
  windowMs: number;
  keyOf: (ctx: Context) => string;
}): Middleware {
  return async (ctx, next) => {
    const now = options.clock.now();
    const decision = await options.store.hit(`${options.scope}:${options.keyOf(ctx)}`, options.limit, options.windowMs, now);
    const resetSeconds = Math.ceil(decision.resetAt.getTime() / 1000);
    ctx.set('X-RateLimit-Limit', String(decision.limit));
    ctx.set('X-RateLimit-Remaining', String(decision.remaining));
    ctx.set('X-RateLimit-Reset', String(resetSeconds));
    if (!decision.allowed) {
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((decision.resetAt.getTime() - now.getTime()) / 1000))));
      throw new AppError('rate_limited', `Too many requests: at most ${decision.limit} per ${Math.round(options.windowMs / 1000)} seconds.`, 429);
    }
    await next();
  };
}
