import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/** A test-mode API key of an account sees and moves nothing of the same account's live mode. */
const db = useTestDatabase();
const ACCOUNT = 'acct_two_modes';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let testKey: string;
let liveCaseId: string;
let liveKeyId: string;

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  await testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account: ACCOUNT, livemode: true }));
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_live_only', customer: 'cus_live_only' }), { account: ACCOUNT, livemode: true }));
  liveCaseId = String((await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, livemode: true }))!._id);
  const now = new Date();
  testKey = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: false, name: 'test key', scope: 'read_write', now })).key;
  liveKeyId = (await testApp.container.apiKeys.create({ accountId: ACCOUNT, livemode: true, name: 'live key', scope: 'read_write', now })).apiKey.id;
});

const asTestKey = (method: 'get' | 'post' | 'delete', path: string, body: Record<string, unknown> = {}) =>
  request(testApp.server)[method](path).set('authorization', `Bearer ${testKey}`).send(body);

describe('a test-mode API key on a live case', () => {
  it.each(['retry', 'pause', 'resume', 'cancel', 'remind', 'card-update-link'])('gets 404 from POST /api/recovery/%s and changes nothing', async (action) => {
    const before = await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, livemode: true });
    const response = await asTestKey('post', `/api/recovery/${action}`, { caseId: liveCaseId });
    expect(response.status).toBe(404);
    const after = await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, livemode: true });
    expect(after).toMatchObject({ revision: before!.revision, status: 'active', pausedAt: null, reminderRequestedAt: null, nextActionTrigger: before!.nextActionTrigger });
  });

  it('gets 404 from GET /api/recovery/status by invoice, and an empty list by customer', async () => {
    expect((await asTestKey('get', '/api/recovery/status?invoiceId=in_live_only')).status).toBe(404);
    expect((await asTestKey('get', '/api/recovery/status?customerId=cus_live_only')).body.data).toEqual([]);
  });

  it('cannot list or revoke live keys', async () => {
    const listed = await asTestKey('get', '/api/api-keys');
    expect(listed.body.data.map((key: { name: string }) => key.name)).toEqual(['test key']);
    expect((await asTestKey('delete', `/api/api-keys/${liveKeyId}`)).status).toBe(404);
    expect(await db.connection.collection('apiKeys').findOne({ name: 'live key' })).toMatchObject({ revokedAt: null });
  });
});
