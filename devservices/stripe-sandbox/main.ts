/**
 * Runs the Stripe sandbox: node --import tsx devservices/stripe-sandbox/main.ts
 *   [--port 0] [--webhook-url URL --webhook-secret whsec_…] [--live] [--exit-on-stdin-close]
 * Prints {"url": "..."} once it listens.
 */
import { parseArgs } from 'node:util';
import { runUntilStopped } from '../runUntilStopped';
import { startStripeSandbox } from './stripeSandbox';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      live: { type: 'boolean', default: false },
      'exit-on-stdin-close': { type: 'boolean', default: false },
    },
  });
  const webhook = values['webhook-url'] && values['webhook-secret'] ? { url: values['webhook-url'], secret: values['webhook-secret'] } : undefined;
  const sandbox = await startStripeSandbox({ port: Number(values.port), livemode: values.live ?? false, ...(webhook ? { webhook } : {}) });
  process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
  runUntilStopped(() => sandbox.stop(), { exitOnStdinClose: values['exit-on-stdin-close'] ?? false });
}

void main();
