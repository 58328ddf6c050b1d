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

/** Starts Stripe's stripe-mock on a free loopback port and resolves once it listens. */
/** How long a file's set-up may wait for stripe-mock: on a loaded 2-core CI machine it took about 30 s to answer. */
export const STRIPE_MOCK_START_MS = 150_000;

export async function startStripeMock(): Promise<LocalService> {
  const binary = path.join(BIN, 'stripe-mock');
  if (!existsSync(binary)) throw new Error('stripe-mock is not built: run bash scripts/devservices.sh');
  const child = spawnGuarded(binary, ['-http-addr', '127.0.0.1:']);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening for HTTP at address: ([\d.]+:\d+)/.exec(output);
      if (match) resolve(`http://${match[1]}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`stripe-mock exited (${code}): ${output}`)));
    setTimeout(() => reject(new Error(`stripe-mock did not start: ${output}`)), 15_000).unref();
  });
  await untilStripeMockAnswers(url);
  return { url, stop: () => stopGuarded(child) };
}

/**
 * stripe-mock says it listens before it answers quickly: on a loaded CI machine its first requests outlasted a
 * client's timeout (StripeConnectionError in the first two contract tests of a fresh clone, twice; about 30 s). One answered
 * request, whatever its status, means the next ones meet a warm server.
 */
async function untilStripeMockAnswers(url: string): Promise<void> {
  const deadline = Date.now() + STRIPE_MOCK_START_MS - 20_000;
  for (;;) {
    try {
      await fetch(`${url}/v1/balance`, { headers: { authorization: 'Bearer sk_test_warmup' }, signal: AbortSignal.timeout(5_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`stripe-mock listens but never answered: ${String(error)}`);
    }
  }
}

export async function stopGuarded(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  await exited;
}
