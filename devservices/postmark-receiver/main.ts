/**
 * Runs the local Postmark receiver: `node --import tsx devservices/postmark-receiver/main.ts [--port 0] [--exit-on-stdin-close]`.
 * Prints {"url": "..."} once it listens.
 */
import { parseArgs } from 'node:util';
import { runUntilStopped } from '../runUntilStopped';
import { startPostmarkReceiver } from './postmarkReceiver';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'exit-on-stdin-close': { type: 'boolean', default: false } } });
  const receiver = await startPostmarkReceiver({ port: Number(values.port) });
  process.stdout.write(`${JSON.stringify({ url: receiver.url })}\n`);
  runUntilStopped(() => receiver.stop(), { exitOnStdinClose: values['exit-on-stdin-close'] ?? false });
}

void main();
