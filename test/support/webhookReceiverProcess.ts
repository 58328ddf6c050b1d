import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './serverProcesses';

const ROOT = path.resolve(__dirname, '../..');

/** One request the receiver process got, as it recorded it. */
export interface ReceivedWebhook {
  path: string;
  eventId: string | null;
  type: string | null;
  sequence: number | null;
  account: string | null;
  livemode: boolean | null;
  headerEventId: string | null;
  signatures: number;
  /** The labels of the receiver's secrets that the signature matched (empty: refused with 400). */
  validFor: string[];
  status: number;
}

/**
 * The receiver (test/support/webhookReceiver.ts) as a child process on a fixed
 * loopback port, so it can be stopped and started again at the same URL while
 * its records (a file) carry on.
 */
export async function createWebhookReceiver(options: { secrets?: Record<string, string>; toleranceSeconds?: number; delayMs?: number } = {}) {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'webhook-receiver-'));
  const recordFile = path.join(directory, 'received.jsonl');
  let secrets = options.secrets ?? {};
  let child: ReturnType<typeof spawn> | null = null;

  async function start(): Promise<void> {
    const started = spawn(process.execPath, ['--import', 'tsx', 'test/support/webhookReceiver.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), RECORD_FILE: recordFile, SECRETS: JSON.stringify(secrets), TOLERANCE_SECONDS: String(options.toleranceSeconds ?? 300), DELAY_MS: String(options.delayMs ?? 0) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      started.stdout!.on('data', (chunk: Buffer) => (chunk.toString().includes('listening') ? resolve() : undefined));
      started.once('exit', (code) => reject(new Error(`webhook receiver exited with ${code}`)));
    });
  }

  async function stop(): Promise<void> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  const control = (what: string, body: unknown) => fetch(`http://127.0.0.1:${port}/${what}`, { method: 'POST', body: JSON.stringify(body) });

  return {
    url: `http://127.0.0.1:${port}/hooks/recovery`,
    start,
    stop,
    /** Secrets the receiver checks against, by label; kept across restarts. */
    async setSecrets(next: Record<string, string>) {
      secrets = next;
      if (child) await control('_secrets', next);
    },
    /** Every later request is answered with this status (null: 200 when the signature verifies). */
    async forceStatus(status: number | null) {
      await control('_status', { status });
    },
    received(): ReceivedWebhook[] {
      if (!existsSync(recordFile)) return [];
      return readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ReceivedWebhook);
    },
    async dispose() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof createWebhookReceiver>>;
