import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { inboxRoutes } from './inboxPages';
import { postmarkApiRoutes } from './postmarkApi';
import { ReceiverState } from './receiverState';

export interface PostmarkReceiver {
  url: string;
  port: number;
  state: ReceiverState;
  stop(): Promise<void>;
}

/**
 * A local stand-in for Postmark's API: the official `postmark` client, pointed
 * at it with requestHost, sends here; it keeps every email and shows them.
 */
export async function startPostmarkReceiver(options: { port?: number; now?: () => Date } = {}): Promise<PostmarkReceiver> {
  const state = new ReceiverState();
  const now = options.now ?? (() => new Date());
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.method === 'POST') {
      const raw = (await getRawBody(ctx.req, { limit: '10mb' })).toString('utf8');
      try {
        ctx.request.body = raw ? JSON.parse(raw) : {};
      } catch {
        ctx.status = 422;
        ctx.body = { ErrorCode: 300, Message: 'The request body is not valid JSON.' };
        return;
      }
    }
    await next();
  });
  for (const router of [postmarkApiRoutes(state, now), inboxRoutes(state)]) app.use(router.routes()).use(router.allowedMethods());

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}
