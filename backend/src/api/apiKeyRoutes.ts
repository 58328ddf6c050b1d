import Router from '@koa/router';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { ApiKeyStore } from './apiKeyStore';
import { merchantOf, requireWrite } from './merchantAuth';
import { apiKeyBody } from './schemas';
import { parseInput } from './validation';


/** POST/GET /api/api-keys and DELETE /api/api-keys/:id. A key is shown once, when created. */
export function createApiKeyRoutes(deps: { apiKeys: ApiKeyStore; clock: Clock }): Router {
  const router = new Router();

  router.post('/api/api-keys', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(apiKeyBody, ctx.state.body);
    const { key, apiKey } = await deps.apiKeys.create({ accountId: merchant.accountId, livemode: merchant.livemode, name: body.name, scope: body.scope, now: deps.clock.now() });
    ctx.status = 201;
    ctx.body = { ...apiKey, key, note: 'Store this key now: it is not shown again.' };
  });

  router.get('/api/api-keys', async (ctx) => {
    const merchant = merchantOf(ctx);
    ctx.body = { object: 'list', data: await deps.apiKeys.list(merchant.accountId, merchant.livemode) };
  });

  router.delete('/api/api-keys/:id', async (ctx) => {
    const merchant = requireWrite(ctx);
    if (!(await deps.apiKeys.revoke(merchant.accountId, merchant.livemode, ctx.params.id!, deps.clock.now()))) {
      throw new AppError('no_api_key', 'No such API key.', 404, 'id');
    }
    ctx.body = { id: ctx.params.id, revoked: true };
  });

  return router;
}
