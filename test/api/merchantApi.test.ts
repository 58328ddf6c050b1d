import { Types } from 'mongoose';
import Stripe from 'stripe';
import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const APP_SECRET = 'absec_test_app_secret_for_jest';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let alphaCaseId: string;
let betaCaseId: string;

/** What fetchStripeSignature() produces in the Stripe App: a signature over {user_id, account_id}. */
const appSignature = (accountId: string, options: { secret?: string; timestamp?: number; userId?: string } = {}) =>
  Stripe.webhooks.generateTestHeaderString({
    payload: JSON.stringify({ user_id: options.userId ?? 'usr_1', account_id: accountId }),
    secret: options.secret ?? APP_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { env: { STRIPE_APP_SECRET: APP_SECRET, MERCHANT_RATE_LIMIT_PER_MINUTE: '1000' } });
  for (const account of ['acct_alpha', 'acct_beta']) {
    await testApp.deliverInstall(account);
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_same', customer: 'cus_same', customer_email: 'alice@example.com' }), { account }));
  }
  alphaCaseId = (await testApp.container.cases.findByKey('acct_alpha', false, 'invoice:in_same'))!.id;
  betaCaseId = (await testApp.container.cases.findByKey('acct_beta', false, 'invoice:in_same'))!.id;
});

const status = (accountId: string, query = 'invoiceId=in_same') =>
  request(testApp.server).get(`/api/recovery/status?${query}&user_id=usr_1&account_id=${accountId}`).set('stripe-signature', appSignature(accountId));

describe('GET /api/recovery/status', () => {
  it('shows the calling account its own case, with the customer email masked', async () => {
    const response = await status('acct_alpha');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: alphaCaseId, object: 'recovery_case', status: 'active', invoiceId: 'in_same', customerEmail: 'a***@example.com', amountMinor: 4900 });
    expect(JSON.stringify(response.body)).not.toContain('alice@example.com');
    expect((await status('acct_beta')).body.id).toBe(betaCaseId);
  });

  it("lists a customer's cases", async () => {
    const response = await status('acct_alpha', 'customerId=cus_same');
    expect(response.body.data.map((found: { id: string }) => found.id)).toEqual([alphaCaseId]);
  });

  it.each([
    ['no parameter', '', 'invoiceId'],
    ['both parameters', 'invoiceId=in_same&customerId=cus_same', 'invoiceId'],
    ['a malformed invoice id', 'invoiceId=not-an-invoice', 'invoiceId'],
  ])('answers 400 naming the parameter for %s', async (_name, query, param) => {
    const response = await status('acct_alpha', query);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param });
  });

  it('answers 404 for an invoice without a case', async () => {
    expect((await status('acct_alpha', 'invoiceId=in_unknown')).status).toBe(404);
  });
});

describe('authentication', () => {
  it.each([
    ['no credentials', () => request(testApp.server).get('/api/recovery/status?invoiceId=in_same')],
    ['a signature made with another secret', () =>
      request(testApp.server).get('/api/recovery/status?invoiceId=in_same&user_id=usr_1&account_id=acct_alpha').set('stripe-signature', appSignature('acct_alpha', { secret: 'absec_other' }))],
    ['a signature older than five minutes', () =>
      request(testApp.server).get('/api/recovery/status?invoiceId=in_same&user_id=usr_1&account_id=acct_alpha').set('stripe-signature', appSignature('acct_alpha', { timestamp: Math.floor(Date.now() / 1000) - 301 }))],
    ["another account's signature with this account's id", () =>
      request(testApp.server).get('/api/recovery/status?invoiceId=in_same&user_id=usr_1&account_id=acct_alpha').set('stripe-signature', appSignature('acct_beta'))],
    ['a signature without the signed fields', () => request(testApp.server).get('/api/recovery/status?invoiceId=in_same').set('stripe-signature', appSignature('acct_alpha'))],
    ['an unknown API key', () => request(testApp.server).get('/api/recovery/status?invoiceId=in_same').set('authorization', 'Bearer rk_recovery_nope')],
    ['a malformed authorization header', () => request(testApp.server).get('/api/recovery/status?invoiceId=in_same').set('authorization', 'Basic abc')],
  ])('answers 401 to %s', async (_name, send) => {
    const response = await send();
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ type: 'authentication_error' });
  });
});

describe('API keys', () => {
  async function createKey(accountId: string, scope: 'read' | 'read_write') {
    const response = await request(testApp.server)
      .post('/api/api-keys')
      .set('stripe-signature', appSignature(accountId))
      .send({ user_id: 'usr_1', account_id: accountId, name: `${scope} key`, scope });
    expect(response.status).toBe(201);
    return response.body as { id: string; key: string; prefix: string };
  }

  it('shows a new key once, lists keys without secrets, and records use', async () => {
    const created = await createKey('acct_alpha', 'read');
    expect(created.key).toMatch(/^rk_recovery_/);
    const used = await request(testApp.server).get('/api/recovery/status?invoiceId=in_same').set('authorization', `Bearer ${created.key}`);
    expect(used.body.id).toBe(alphaCaseId);
    const listed = await request(testApp.server).get('/api/api-keys').set('authorization', `Bearer ${created.key}`);
    const entry = listed.body.data.find((key: { id: string }) => key.id === created.id);
    expect(entry).toMatchObject({ prefix: created.prefix, scope: 'read' });
    expect(entry.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
    expect(JSON.stringify(listed.body)).not.toContain('hash');
  });

  it('lets a read key read but not write (403)', async () => {
    const { key } = await createKey('acct_alpha', 'read');
    const response = await request(testApp.server).post('/api/recovery/retry').set('authorization', `Bearer ${key}`).send({ caseId: alphaCaseId });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ type: 'permission_error', code: 'read_only_key' });
  });

  it("answers 404 for another account's case, never 403 with details", async () => {
    const { key } = await createKey('acct_alpha', 'read_write');
    const response = await request(testApp.server).post('/api/recovery/retry').set('authorization', `Bearer ${key}`).send({ caseId: betaCaseId });
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ type: 'not_found_error' });
  });

  it('schedules a retry now for its own case (202) and refuses a malformed case id (400)', async () => {
    const { key } = await createKey('acct_alpha', 'read_write');
    const scheduled = await request(testApp.server).post('/api/recovery/retry').set('authorization', `Bearer ${key}`).send({ caseId: alphaCaseId });
    expect(scheduled.status).toBe(202);
    expect((await testApp.container.cases.findById('acct_alpha', false, alphaCaseId))!.nextActionTrigger).toBe('manual');
    const malformed = await request(testApp.server).post('/api/recovery/retry').set('authorization', `Bearer ${key}`).send({ caseId: 'x' });
    expect(malformed.body.error).toMatchObject({ code: 'parameter_invalid', param: 'caseId' });
  });

  it('stops working once revoked, and another account cannot revoke it', async () => {
    const { id, key } = await createKey('acct_alpha', 'read_write');
    const { key: betaKey } = await createKey('acct_beta', 'read_write');
    expect((await request(testApp.server).delete(`/api/api-keys/${id}`).set('authorization', `Bearer ${betaKey}`)).status).toBe(404);
    expect((await request(testApp.server).delete(`/api/api-keys/${id}`).set('authorization', `Bearer ${key}`)).status).toBe(200);
    expect((await request(testApp.server).get('/api/api-keys').set('authorization', `Bearer ${key}`)).status).toBe(401);
  });
});

describe('who did it, on the case timeline', () => {
  type Entry = { kind: string; summary: string; by?: unknown };
  const lastEntry = (body: { timeline: Entry[] }) => body.timeline.at(-1)!;
  const betaStatus = async () => (await request(testApp.server).get('/api/recovery/status?invoiceId=in_same').set('authorization', `Bearer ${betaKey.key}`)).body as { timeline: Entry[] };
  let betaKey: { id: string; key: string };

  beforeAll(async () => {
    const created = await request(testApp.server).post('/api/api-keys').set('stripe-signature', appSignature('acct_beta')).send({ user_id: 'usr_1', account_id: 'acct_beta', name: 'Support tool', scope: 'read_write' });
    betaKey = created.body as { id: string; key: string };
  });

  it("names the Dashboard user Stripe signed an App request for on the control's entry, as saved", async () => {
    const signedControl = (action: string, userId: string) =>
      request(testApp.server).post(`/api/recovery/${action}`).set('stripe-signature', appSignature('acct_beta', { userId })).send({ user_id: userId, account_id: 'acct_beta', caseId: betaCaseId });
    const paused = await signedControl('pause', 'usr_alice');
    expect(paused.status).toBe(200);
    expect(lastEntry(paused.body)).toMatchObject({ kind: 'merchant_control', by: { kind: 'dashboard_user', userId: 'usr_alice' } });
    expect((await signedControl('resume', 'usr_bob')).status).toBe(200);
    const saved = (await betaStatus()).timeline.slice(-2);
    expect(saved.map((entry) => entry.by)).toEqual([{ kind: 'dashboard_user', userId: 'usr_alice' }, { kind: 'dashboard_user', userId: 'usr_bob' }]);
  });

  it("names the API key (its id and name, never the key) on a retry asked for with it", async () => {
    const retried = await request(testApp.server).post('/api/recovery/retry').set('authorization', `Bearer ${betaKey.key}`).send({ caseId: betaCaseId });
    expect(retried.status).toBe(202);
    const shown = await betaStatus();
    expect(lastEntry(shown)).toMatchObject({ summary: 'The merchant asked for a retry now.', by: { kind: 'api_key', keyId: betaKey.id, keyName: 'Support tool' } });
    expect(JSON.stringify(shown)).not.toContain(betaKey.key);
  });

  it('still reads a timeline whose entries were written before actors were recorded', async () => {
    const before = { at: new Date('2026-01-01T00:00:00Z'), kind: 'merchant_control', summary: 'The merchant paused recovery: no retries or emails until it is resumed.' };
    await db.connection.collection<{ accountId: string; timeline: Array<typeof before> }>('recoveryCases').updateOne({ accountId: 'acct_beta', _id: new Types.ObjectId(betaCaseId) }, { $push: { timeline: before } });
    const shown = await betaStatus();
    expect(lastEntry(shown)).toEqual({ at: '2026-01-01T00:00:00.000Z', kind: 'merchant_control', summary: before.summary });
    const paused = await request(testApp.server).post('/api/recovery/pause').set('authorization', `Bearer ${betaKey.key}`).send({ caseId: betaCaseId });
    expect(paused.body.timeline.slice(-2).map((entry: Entry) => entry.by ?? null)).toEqual([null, { kind: 'api_key', keyId: betaKey.id, keyName: 'Support tool' }]);
  });
});

describe('CORS, bodies and limits', () => {
  it('answers preflights for any origin without cookies', async () => {
    const response = await request(testApp.server).options('/api/recovery/status').set('origin', 'https://abc.stripe-apps.example').set('access-control-request-method', 'GET');
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-headers': 'Authorization, Stripe-Signature, Content-Type, Idempotency-Key' });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers 400 to malformed JSON', async () => {
    const response = await request(testApp.server).post('/api/recovery/retry').set('content-type', 'application/json').set('stripe-signature', appSignature('acct_alpha')).send('{"caseId": ');
    expect(response.body.error).toMatchObject({ code: 'malformed_json' });
  });

  it('limits each account per minute and says so in headers', async () => {
    const limited = await createTestApp(db.connection, { env: { STRIPE_APP_SECRET: APP_SECRET, MERCHANT_RATE_LIMIT_PER_MINUTE: '2' } });
    await db.connection.collection('rateLimitWindows').deleteMany({});
    const call = (accountId: string) =>
      request(limited.server).get(`/api/recovery/status?invoiceId=in_same&user_id=usr_1&account_id=${accountId}`).set('stripe-signature', appSignature(accountId));
    const statuses = [(await call('acct_alpha')).status, (await call('acct_alpha')).status];
    const refused = await call('acct_alpha');
    expect(statuses).toEqual([200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error' });
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await call('acct_beta')).status).toBe(200);
  });
});

