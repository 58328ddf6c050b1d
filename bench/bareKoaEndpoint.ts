/**
 * The intake benchmark's first baseline: a bare Koa endpoint that reads the
 * raw body, verifies Stripe's signature with our route's own check, and
 * answers 200 without storing anything. The gap between it and the real
 * route is what storing the event costs.
 *
 *   node --import tsx bench/bareKoaEndpoint.ts <port> <webhook secret>
 */
import Koa from 'koa';
import getRawBody from 'raw-body';
import { verifyStripeEvent } from '../backend/src/adapters/stripe/webhookSignature';

const [port, secret] = process.argv.slice(2);
const app = new Koa();
app.use(async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 1024 * 1024 });
  if (!verifyStripeEvent(raw, ctx.get('stripe-signature') || undefined, secret!).ok) {
    ctx.status = 400;
    return;
  }
  ctx.body = { received: true };
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
