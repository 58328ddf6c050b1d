import Router from '@koa/router';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { PrivacyService } from '../privacy';
import { merchantOf, requireWrite } from './merchantAuth';
import { customerDataParams } from './privacySchemas';
import { identityQuery } from './schemas';
import { parseInput } from './validation';

const KEPT = 'Ids, amounts, currencies, statuses, outcomes, dates and counters stay, so your figures do not change.';

/**
 * A customer's data, for the merchant's data-access and erasure requests: GET
 * exports it, DELETE erases it (as customer.deleted does). Scoped to the
 * caller's account and mode: another account's or mode's customer is
 * unknown here (404), never shown or erased.
 */
export function createPrivacyRoutes(deps: { privacy: PrivacyService; clock: Clock }): Router {
  const router = new Router();

  router.get('/api/customers/:id/data', async (ctx) => {
    const merchant = merchantOf(ctx);
    parseInput(identityQuery, ctx.query);
    const { id } = parseInput(customerDataParams, ctx.params);
    const collections = await deps.privacy.exportCustomer({ accountId: merchant.accountId, livemode: merchant.livemode, stripeCustomerId: id });
    if (Object.keys(collections).length === 0) throw new AppError('resource_missing', 'No data about this customer in this account and mode.', 404, 'id');
    ctx.body = { object: 'customer_data', customerId: id, livemode: merchant.livemode, exportedAt: deps.clock.now().toISOString(), collections };
  });

  router.delete('/api/customers/:id/data', async (ctx) => {
    const merchant = requireWrite(ctx);
    parseInput(identityQuery, ctx.query);
    const { id } = parseInput(customerDataParams, ctx.params);
    const customer = { accountId: merchant.accountId, livemode: merchant.livemode, stripeCustomerId: id };
    // Held is not the same as gone: a customer we never knew is a 404, one erased before answers 200 again.
    const held = await deps.privacy.exportCustomer(customer);
    if (Object.keys(held).length === 0) throw new AppError('resource_missing', 'No data about this customer in this account and mode.', 404, 'id');
    const result = await deps.privacy.eraseCustomer(customer);
    if (!result.complete) throw new AppError('erasure_in_progress', 'A worker is acting on one of this customer’s cases; what could be erased was. Try again in a few seconds.', 409);
    ctx.body = { object: 'customer_erasure', customerId: id, livemode: merchant.livemode, erasedAt: deps.clock.now().toISOString(), erased: result.erased, kept: KEPT };
  });

  return router;
}
