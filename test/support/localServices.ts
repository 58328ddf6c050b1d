import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../.devservices/bin');

export interface LocalService {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs a dev-service binary under a tiny shell guard that kills it when our
 * stdin closes, so a test run that dies never leaves it behind.
 */
export function spawnGuarded(binary: string, args: string[]): ChildProcess {
  const guard = '"$0" "$@" & child=$!; cat >/dev/null; kill $child 2>/dev/null; wait $child';
  return spawn('sh', ['-c', guard, binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Starts Stripe's stripe-mock on a free loopback port and resolves once it listens. Its HTTPS side gets a free
 * port too: given only an HTTP address, stripe-mock also opens HTTPS on its fixed default port, and of two test
 * files running side by side the second then exited just after saying it listens.
 */
/** How long a file's set-up may wait for stripe-mock: it loads Stripe's whole OpenAPI spec, slow on a loaded machine. */
export const STRIPE_MOCK_START_MS = 30_000;

export async function startStripeMock(): Promise<LocalService> {
  const binary = path.join(BIN, 'stripe-mock');
  if (!existsSync(binary)) throw new Error('stripe-mock is not built: run bash scripts/devservices.sh');
  const child = spawnGuarded(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:']);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Both listeners are made before either serves; waiting for the second means neither can still fail to bind.
      const http = /Listening for HTTP at address: ([\d.]+:\d+)/.exec(output);
      if (http && /Listening for HTTPS at address/.test(output)) resolve(`http://${http[1]}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stripe-mock exited (${code}): ${output}`)));
    setTimeout(() => reject(new Error(`stripe-mock did not start: ${output}`)), STRIPE_MOCK_START_MS - 5_000).unref();
  });
  return { url, stop: () => stopGuarded(child) };
}

export async function stopGuarded(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  await exited;
}
