/**
 * A merchant's webhook receiver, run as its own process on loopback for the
 * outbound webhook scenarios: `node --import tsx test/support/webhookReceiver.ts`.
 * It checks every Recovery-Signature with the exported verifyRecoveryWebhook
 * against each secret it knows and appends what it got, one JSON line per
 * request, to RECORD_FILE (so records survive its own restarts).
 *
 * Env: PORT, RECORD_FILE, SECRETS (JSON {label: secret}), TOLERANCE_SECONDS
 * (default 300), DELAY_MS (wait before answering). Control: POST /_secrets
 * {label: secret} replaces the secrets; POST /_status {status} forces an answer code.
 */
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { verifyRecoveryWebhook } from '../../backend/src/outbound/verifyRecoveryWebhook';

let secrets = JSON.parse(process.env.SECRETS ?? '{}') as Record<string, string>;
let forcedStatus: number | null = null;
const tolerance = Number(process.env.TOLERANCE_SECONDS ?? 300);
const delayMs = Number(process.env.DELAY_MS ?? 0);
const recordFile = process.env.RECORD_FILE!;

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

const server = http.createServer((req, res) => {
  void readBody(req).then(async (body) => {
    if (req.url === '/_secrets') {
      secrets = JSON.parse(body) as Record<string, string>;
      return res.writeHead(204).end();
    }
    if (req.url === '/_status') {
      forcedStatus = (JSON.parse(body) as { status: number | null }).status;
      return res.writeHead(204).end();
    }
    const header = req.headers['recovery-signature'] as string | undefined;
    const validFor = Object.entries(secrets)
      .filter(([, secret]) => verifyRecoveryWebhook(body, header, secret, { toleranceSeconds: tolerance }).valid)
      .map(([label]) => label);
    let event: { id?: string; type?: string; sequence?: number | null; account?: string; livemode?: boolean } = {};
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      // recorded as an unreadable body below
    }
    const status = forcedStatus ?? (validFor.length > 0 ? 200 : 400);
    appendFileSync(recordFile, `${JSON.stringify({ path: req.url, eventId: event.id ?? null, type: event.type ?? null, sequence: event.sequence ?? null, account: event.account ?? null, livemode: event.livemode ?? null, headerEventId: req.headers['recovery-event-id'] ?? null, signatures: (header ?? '').split(',').filter((part) => part.startsWith('v1=')).length, validFor, status })}\n`);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"received":true}');
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
