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
 * - hold: the request waits, not yet carried out, until a test releases it
 *   (HeldRequests); then it is carried out and answered if the client is still
 *   there. A test can kill the client while its charge is held in flight.
 */
export type FaultMode = 'error_500' | 'rate_limit' | 'timeout' | 'lost_response' | 'hold';

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
  /** Only requests whose path matches this pattern (`*` stands for one path segment) are affected; null or absent for all. */
  path?: string | null;
}

export const FAULT_MODES: FaultMode[] = ['error_500', 'rate_limit', 'timeout', 'lost_response', 'hold'];

/** Longer than the backend's Stripe client timeout (20 s), so a held request times out at the client. */
export const DEFAULT_HOLD_MS = 30_000;

/** Arms a fault from the control API's JSON: {mode, count?, durationMs?, method?, holdMs?}. */
export function armFaults(faults: Faults, params: Record<string, unknown>): void {
  faults.mode = params.mode as FaultMode;
  faults.remaining = typeof params.count === 'number' ? params.count : Number.POSITIVE_INFINITY;
  faults.until = typeof params.durationMs === 'number' ? Date.now() + params.durationMs : Number.POSITIVE_INFINITY;
  faults.method = typeof params.method === 'string' ? params.method.toUpperCase() : null;
  faults.holdMs = typeof params.holdMs === 'number' ? params.holdMs : DEFAULT_HOLD_MS;
  faults.path = typeof params.path === 'string' ? params.path : null;
  faults.applied = 0;
}

/** `/v1/invoices/*\/pay` matches `/v1/invoices/in_1/pay`: `*` stands for one path segment. */
export function pathMatches(pattern: string | null | undefined, path: string): boolean {
  if (!pattern) return true;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(`^${source}$`).test(path);
}

/** A request a `hold` fault keeps in flight: `seq` is its place in the request log. */
export interface HeldRequest {
  seq: number | null;
  method: string;
  path: string;
  idempotencyKey: string | null;
}

/**
 * Requests held by the `hold` fault, until released (carried out) or dropped
 * (never carried out, as when the sandbox stops). Tests wait for one to be
 * held, act (kill the client), then release it.
 */
export class HeldRequests {
  private readonly waiting: Array<{ request: HeldRequest; resume: (carryOut: boolean) => void }> = [];
  private readonly watchers: Array<() => void> = [];

  list(): HeldRequest[] {
    return this.waiting.map((entry) => entry.request);
  }

  /** Resolves once at least `count` requests are held; rejects after `timeoutMs`. */
  async waitFor(count = 1, timeoutMs = 30_000): Promise<HeldRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.waiting.length < count) {
      if (Date.now() > deadline) throw new Error(`no ${count} held request(s) within ${timeoutMs} ms (held: ${this.waiting.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.watchers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.list();
  }

  /** Carries out the held requests (all, or the one with this log position); returns how many. */
  release(seq?: number): number {
    return this.resume(true, seq);
  }

  /** Forgets the held requests without carrying them out. */
  drop(): number {
    return this.resume(false);
  }

  hold(request: HeldRequest): Promise<boolean> {
    return new Promise((resume) => {
      this.waiting.push({ request, resume });
      this.watchers.splice(0).forEach((wake) => wake());
    });
  }

  private resume(carryOut: boolean, seq?: number): number {
    const chosen = this.waiting.filter((entry) => seq === undefined || entry.request.seq === seq);
    for (const entry of chosen) {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      entry.resume(carryOut);
    }
    return chosen.length;
  }
}

/** Applies an armed fault to /v1 requests; it sits before idempotency so lost_response replays a stored answer too. */
export function faultMiddleware(faults: Faults, held?: HeldRequests): Middleware {
  return async (ctx, next) => {
    const applies =
      ctx.path.startsWith('/v1/') && faults.mode && faults.remaining > 0 && Date.now() < faults.until && (!faults.method || faults.method === ctx.method) && pathMatches(faults.path, ctx.path);
    if (!applies) return next();
    faults.remaining -= 1;
    faults.applied += 1;
    if (faults.mode === 'hold' && held) {
      const record = ctx.state.requestRecord as { seq: number; held: boolean } | undefined;
      if (record) record.held = true;
      const carryOut = await held.hold({ seq: record?.seq ?? null, method: ctx.method, path: ctx.path, idempotencyKey: ctx.get('idempotency-key') || null });
      if (carryOut) return next();
      ctx.req.socket.destroy();
      return;
    }
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
