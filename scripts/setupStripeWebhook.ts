/**
 * Registers the backend's webhook endpoint on a Stripe account.
 *
 *   STRIPE_SECRET_KEY=sk_live_… npm run setup:webhook -- --public-url https://recover.example.com [--connect]
 *
 * Prints the signing secret to put in STRIPE_WEBHOOK_SECRET when it creates
 * the endpoint; run it again at any time to bring the event list up to date.
 * Reads STRIPE_API_BASE too, to rehearse against a local Stripe stand-in.
 */
import { parseArgs } from 'node:util';
import { createStripeClient, ensureWebhookEndpoint } from '../backend/src/adapters/stripe';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'public-url': { type: 'string' },
      'secret-key': { type: 'string' },
      connect: { type: 'boolean', default: false },
    },
  });
  const secretKey = values['secret-key'] ?? process.env.STRIPE_SECRET_KEY;
  const publicUrl = values['public-url'] ?? process.env.PUBLIC_URL;
  const problems = [
    ...(secretKey && /^(sk|rk)_(test|live)_/.test(secretKey) ? [] : ['a Stripe secret key (--secret-key or STRIPE_SECRET_KEY, sk_… or rk_…)']),
    ...(publicUrl && /^https?:\/\//.test(publicUrl) ? [] : ['the public URL of this backend (--public-url or PUBLIC_URL, http(s)://…)']),
  ];
  if (problems.length > 0) {
    process.stderr.write(`setup:webhook needs ${problems.join(' and ')}.\n`);
    process.exit(2);
  }
  const stripe = createStripeClient({ secretKey: secretKey!, apiBase: process.env.STRIPE_API_BASE || undefined });
  const result = await ensureWebhookEndpoint(stripe, { publicUrl: publicUrl!, connect: values.connect ?? false });
  if (result.action === 'created' && result.secret) {
    process.stdout.write(`Created webhook endpoint ${result.endpointId} at ${result.url}.\nSet this in your settings:\n\n  STRIPE_WEBHOOK_SECRET=${result.secret}\n\n`);
  } else if (result.action === 'created') {
    process.stdout.write(`Created webhook endpoint ${result.endpointId} at ${result.url}; Stripe returned no signing secret: copy it from the Dashboard (Developers → Webhooks).\n`);
  } else {
    process.stdout.write(
      `Webhook endpoint ${result.endpointId} at ${result.url} ${result.action === 'updated' ? 'updated to the current event list' : 'is already up to date'}.\n` +
        'Its signing secret is unchanged (Stripe shows it in the Dashboard under Developers → Webhooks).\n',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`setup:webhook failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
