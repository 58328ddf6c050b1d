import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { connectDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from '../../backend/src/database';
import { createTestApp, TEST_WEBHOOK_SECRET } from '../support/testApp';
import { invoice, signPayload, stripeEvent } from '../support/stripeEventBuilders';
import type { Connection } from 'mongoose';

/** This file runs its own FerretDB so it can stop and restart it without disturbing other files. */
let dataDir: string;
let port: number;
let database: EmbeddedDatabase | null = null;
let connection: Connection;
let testApp: Awaited<ReturnType<typeof createTestApp>>;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: chosen } = server.address() as net.AddressInfo;
      server.close(() => resolve(chosen));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'recovery-outage-'));
  port = await freePort();
  database = await startEmbeddedDatabase({ dataDir, port });
  connection = await connectDatabase(database.uri, { dbName: 'outage' });
  testApp = await createTestApp(connection);
});

afterAll(async () => {
  await connection?.close();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function postEvent(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  return request(testApp.server).post('/api/webhooks/stripe').set('stripe-signature', signPayload(payload, TEST_WEBHOOK_SECRET)).send(payload);
}

describe('GET /api/health and webhook intake across a database outage', () => {
  it('reports the database as ok with its latency', async () => {
    const response = await request(testApp.server).get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', db: { status: 'ok' } });
    expect(response.body.db.latencyMs).toBeGreaterThanOrEqual(0);
    expect(new Date(response.body.timestamp).toString()).not.toBe('Invalid Date');
  });

  it('answers 503 and never a 2xx while the database is down, then stores events again once it is back', async () => {
    const eventDuringOutage = stripeEvent('invoice.payment_failed', invoice({ id: 'in_outage' }));
    await database!.stop();
    database = null;

    const health = await request(testApp.server).get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', db: { status: 'unreachable', latencyMs: null } });

    const refused = await postEvent(eventDuringOutage);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ type: 'api_error', code: 'database_unavailable' });

    // Same port and data directory: the driver reconnects by itself, as it would to a restarted MongoDB.
    database = await startEmbeddedDatabase({ dataDir, port });
    let accepted = await postEvent(eventDuringOutage);
    for (let tries = 0; accepted.status !== 200 && tries < 20; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      accepted = await postEvent(eventDuringOutage);
    }
    expect(accepted.status).toBe(200);
    await testApp.container.stripeEventProcessor.drain();
    expect(await testApp.container.cases.findByKey('acct_selfhosted_test', false, 'invoice:in_outage')).toMatchObject({ status: 'active' });
    expect((await request(testApp.server).get('/api/health')).status).toBe(200);
  }, 60_000);
});
