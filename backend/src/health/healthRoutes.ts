import Router from '@koa/router';
import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { checkDatabase } from '../database';

/** GET /api/health: no auth; 503 when the database does not answer, so load balancers route around us. */
export function createHealthRoutes(deps: { connection: Connection; clock: Clock }): Router {
  const router = new Router();
  router.get('/api/health', async (ctx) => {
    const db = await checkDatabase(deps.connection);
    ctx.status = db.status === 'ok' ? 200 : 503;
    ctx.body = {
      status: db.status === 'ok' ? 'ok' : 'degraded',
      timestamp: deps.clock.now().toISOString(),
      db: { status: db.status, latencyMs: db.latencyMs === null ? null : Math.round(db.latencyMs * 100) / 100 },
    };
  });
  return router;
}
