/**
 * `npm start` on embedded defaults. With nothing configured it runs the demo
 * (scripts/demo.ts) and then keeps serving. Otherwise: with no Stripe key, a local Stripe sandbox
 * stands in for Stripe; with no Postmark token, a local receiver keeps every
 * email. Then the backend starts as usual (it does not know the difference:
 * it talks to the stand-ins through STRIPE_API_BASE and POSTMARK_API_BASE).
 * Never in production, and never for a setting that is already configured.
 */
import { DEVELOPMENT_WEBHOOK_SECRET } from '../backend/src/config';
import { startBackend } from '../backend/src/server';
import { startPostmarkReceiver } from '../devservices/postmark-receiver/postmarkReceiver';
import { startStripeSandbox } from '../devservices/stripe-sandbox/stripeSandbox';
import { DEMO_DEFAULTS, runDemo } from './demo';

async function main(): Promise<void> {
  const env = process.env;
  // Nothing configured: show the product at work first (the demo), then keep serving. DEMO=off skips it.
  const nothingConfigured = !env.MONGODB_URI && !env.STRIPE_SECRET_KEY && !env.POSTMARK_SERVER_TOKEN;
  if (env.NODE_ENV !== 'production' && nothingConfigured && env.DEMO !== 'off') {
    await runDemo({ ...DEMO_DEFAULTS, customers: Number(env.DEMO_CUSTOMERS ?? DEMO_DEFAULTS.customers), holdout: Number(env.DEMO_HOLDOUT ?? DEMO_DEFAULTS.holdout) });
    return;
  }
  const lines: string[] = [];
  if (env.NODE_ENV !== 'production') {
    const port = Number(env.PORT ?? 3000);
    if (!env.STRIPE_SECRET_KEY) {
      const sandbox = await startStripeSandbox({
        port: Number(env.SANDBOX_PORT ?? 0),
        webhook: { url: `http://127.0.0.1:${port}/api/webhooks/stripe`, secret: env.STRIPE_WEBHOOK_SECRET ?? DEVELOPMENT_WEBHOOK_SECRET },
      });
      env.STRIPE_SECRET_KEY = 'sk_test_local_sandbox';
      env.STRIPE_API_BASE = sandbox.url;
      lines.push(`Stripe sandbox (instead of Stripe):   ${sandbox.url}   control API: ${sandbox.url}/_sandbox`);
    }
    if (!env.POSTMARK_SERVER_TOKEN) {
      const receiver = await startPostmarkReceiver({ port: Number(env.POSTMARK_RECEIVER_PORT ?? 0) });
      env.POSTMARK_SERVER_TOKEN = 'local-receiver';
      env.POSTMARK_API_BASE = receiver.url;
      lines.push(`Postmark receiver (instead of Postmark): ${receiver.url}   caught emails: ${receiver.url}/`);
    }
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  // The backend reads its settings once, when it starts: after the stand-ins are set.
  await startBackend();
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
