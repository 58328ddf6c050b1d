import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

/** Where scripts/devservices.sh leaves the built launcher. */
export const FERRETDB_BINARY = path.resolve(__dirname, '../../../.devservices/bin/ferretdb-dev');

export interface EmbeddedDatabase {
  readonly uri: string;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB (SQLite backend) on a loopback port as a child process and
 * resolves with its MongoDB URI once it accepts connections. The child exits
 * when our stdin pipe closes, so even a SIGKILLed parent leaves nothing behind.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  port?: number;
  binary?: string;
  startTimeoutMs?: number;
}): Promise<EmbeddedDatabase> {
  const binary = options.binary ?? FERRETDB_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`The embedded database is not built (${binary}). Run: bash scripts/devservices.sh`);
  }
  const child = spawn(
    binary,
    ['-listen', `127.0.0.1:${options.port ?? 0}`, '-data', options.dataDir, '-exit-on-stdin-close'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 50) stderr.shift();
  });

  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The embedded database did not start in time:\n${stderr.join('')}`));
    }, options.startTimeoutMs ?? 20_000);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { uri: string }).uri);
      } catch {
        reject(new Error(`Unexpected output from the embedded database: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The embedded database exited with code ${code}:\n${stderr.join('')}`));
    });
  });

  return { uri, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killTimer);
}
