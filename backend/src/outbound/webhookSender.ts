import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isAllowedAddress } from './addressRules';
import { checkEndpointUrl } from './endpointUrl';

/** What one POST to an endpoint came to. */
export interface SendOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<SendOutcome>;
  close(): void;
}

type Resolver = (hostname: string, options: dns.LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

/**
 * A DNS lookup for the HTTP agents that refuses a name resolving to any
 * address the rules forbid, at connect time: a name that was public when the
 * endpoint was saved and now points inside our network (DNS rebinding) is
 * refused before a socket opens.
 */
export function guardedLookup(allowLoopback: boolean, resolve: Resolver = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((entry) => !isAllowedAddress(entry.address, allowLoopback));
      if (refused || addresses.length === 0) {
        const problem = Object.assign(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which is not a public address`), { code: 'EADDRNOTPUBLIC' });
        return callback(problem, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs webhook bodies with a timeout (default 10 s); success is any 2xx.
 * Every call checks the URL again (scheme, IP literals) and resolves names
 * through guardedLookup; redirects are not followed.
 */
export function createWebhookSender(options: { allowLocal: boolean; timeoutMs?: number; resolve?: Resolver; now?: () => number }): WebhookSender {
  const lookup = guardedLookup(options.allowLocal, options.resolve);
  const agents = { 'http:': new http.Agent({ keepAlive: true, lookup }), 'https:': new https.Agent({ keepAlive: true, lookup }) };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.now ?? (() => performance.now());

  return {
    post(url, body, headers) {
      const startedAt = clock();
      const elapsed = () => Math.round(clock() - startedAt);
      const check = checkEndpointUrl(url, options.allowLocal);
      if (!check.ok) return Promise.resolve({ statusCode: null, latencyMs: 0, error: check.message });
      const target = new URL(check.url);
      const transport = target.protocol === 'https:' ? https : http;
      return new Promise<SendOutcome>((resolve) => {
        const request = transport.request(
          target,
          { method: 'POST', agent: agents[target.protocol as 'http:' | 'https:'], headers: { 'content-type': 'application/json', 'user-agent': 'RecoveryWebhooks/1', 'content-length': Buffer.byteLength(body), ...headers }, signal: AbortSignal.timeout(timeoutMs) },
          (response) => {
            let read = 0;
            // Read (and drop) the answer so the socket returns to the pool; stop listening past 64 KB.
            response.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > MAX_RESPONSE_BYTES) response.destroy();
            });
            const done = () => {
              const statusCode = response.statusCode ?? null;
              const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
              resolve({ statusCode, latencyMs: elapsed(), error: ok ? null : `HTTP ${statusCode}` });
            };
            response.on('end', done);
            response.on('close', done);
          },
        );
        request.on('error', (error: NodeJS.ErrnoException) => {
          const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
          resolve({ statusCode: null, latencyMs: elapsed(), error: timedOut ? `timed out after ${timeoutMs / 1000} s` : `${error.code ?? 'error'}: ${error.message}`.slice(0, 300) });
        });
        request.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
