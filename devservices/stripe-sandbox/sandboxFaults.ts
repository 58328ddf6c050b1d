import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import { SandboxError } from './stripeErrors';

/**
 * How the sandbox misbehaves while a fault is armed:
 * - error_500: Stripe's API errors (the SDK retries these itself);
 * - rate_limit: 429, as Stripe answers too many requests;
 * - timeout: the request is held, never carried out, and the connection dropped;
 * - lost_response: the request is carried out (a charge is made, events are sent),
 *   then held and dropped, so the client never learns the answer. This is what a
 *   client timeout looks like from Stripe's side, and what idempotency keys are for.
 */
export type FaultMode = 'error_500' | 'rate_limit' | 'timeout' | 'lost_response';

export interface Faults {
  mode: FaultMode | null;
  remaining: number;
  /** Real time (ms since the epoch) after which the fault stops. */
  until: number;
  /** Only requests with this HTTP method are affected; null for all. */
  method: string | null;
  /** How long timeout and lost_response hold a request before dropping it (less if the client hangs up first). */
  holdMs: number;
  /** How many requests the fault has answered since it was armed. */
  applied: number;
}

export const FAULT_MODES: FaultMode[] = ['error_500', 'rate_limit', 'timeout', 'lost_response'];

/** Longer than the backend's Stripe client timeout (20 s), so a held request times out at the client. */
export const DEFAULT_HOLD_MS = 30_000;

/** Arms a fault from the control API's JSON: {mode, count?, durationMs?, method?, holdMs?}. */
export function armFaults(faults: Faults, params: Record<string, unknown>): void {
  faults.mode = params.mode as FaultMode;
  faults.remaining = typeof params.count === 'number' ? params.count : Number.POSITIVE_INFINITY;
  faults.until = typeof params.durationMs === 'number' ? Date.now() + params.durationMs : Number.POSITIVE_INFINITY;
  faults.method = typeof params.method === 'string' ? params.method.toUpperCase() : null;
  faults.holdMs = typeof params.holdMs === 'number' ? params.holdMs : DEFAULT_HOLD_MS;
  faults.applied = 0;
}

/** Applies an armed fault to /v1 requests; it sits before idempotency so lost_response replays a stored answer too. */
export function faultMiddleware(faults: Faults): Middleware {
  return async (ctx, next) => {
    const applies = ctx.path.startsWith('/v1/') && faults.mode && faults.remaining > 0 && Date.now() < faults.until && (!faults.method || faults.method === ctx.method);
    if (!applies) return next();
    faults.remaining -= 1;
    faults.applied += 1;
    if (faults.mode === 'timeout' || faults.mode === 'lost_response') {
      if (faults.mode === 'lost_response') await next().catch(() => undefined);
      await holdUnlessClosed(ctx.req.socket, faults.holdMs);
      ctx.req.socket.destroy();
      return;
    }
    if (faults.mode === 'rate_limit') throw new SandboxError(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests (sandbox fault).' });
    throw new SandboxError(500, { type: 'api_error', message: 'Something went wrong on Stripe (sandbox fault).' });
  };
}

/** Waits `ms`, or until the client gives up and closes the connection, whichever comes first. */
function holdUnlessClosed(socket: Socket, ms: number): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
  });
}
