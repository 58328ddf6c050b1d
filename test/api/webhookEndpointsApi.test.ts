import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const keys: Record<'test' | 'live' | 'other' | 'read', string> = { test: '', live: '', other: '', read: '' };

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  const now = new Date();
  const make = async (accountId: string, livemode: boolean, scope: 'read' | 'read_write') => (await testApp.container.apiKeys.create({ accountId, livemode, name: 'k', scope, now })).key;
  keys.test = await make('acct_hooks', false, 'read_write');
  keys.live = await make('acct_hooks', true, 'read_write');
  keys.other = await make('acct_other', false, 'read_write');
  keys.read = await make('acct_hooks', false, 'read');
});
beforeEach(async () => {
  await Promise.all(['webhookEndpoints', 'webhookDeliveries', 'outboundEvents'].map((name) => db.connection.collection(name).deleteMany({})));
});

const as = (key: string) => ({
  get: (path: string) => request(testApp.server).get(path).set('authorization', `Bearer ${key}`),
  post: (path: string, body: object = {}) => request(testApp.server).post(path).set('authorization', `Bearer ${key}`).send(body),
  delete: (path: string) => request(testApp.server).delete(path).set('authorization', `Bearer ${key}`),
});
const create = (key = keys.test, body: object = { url: 'https://hooks.example.com/recovery', enabledEvents: ['*'] }) => as(key).post('/api/webhook-endpoints', body);

describe('POST /api/webhook-endpoints', () => {
  it('creates an endpoint and shows its whsec_ secret once, sealed at rest', async () => {
    const response = await create(keys.test, { url: 'https://hooks.example.com/recovery', enabledEvents: ['recovery.succeeded', 'recovery.failed'], description: 'CRM' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^we_[a-f0-9]{24}$/),
      object: 'webhook_endpoint',
      url: 'https://hooks.example.com/recovery',
      description: 'CRM',
      enabledEvents: ['recovery.succeeded', 'recovery.failed'],
      status: 'enabled',
      disabledReason: null,
      livemode: false,
      createdAt: expect.any(String),
      secretRotationEndsAt: null,
      secret: expect.stringMatching(/^whsec_[\w-]{40,}$/),
    });
    const listed = await as(keys.test).get('/api/webhook-endpoints');
    expect(listed.body).toEqual({ object: 'list', data: [expect.not.objectContaining({ secret: expect.anything() })] });
    const stored = await db.connection.collection('webhookEndpoints').findOne({});
    expect(JSON.stringify(stored)).not.toContain(response.body.secret);
  });

  it.each([
    [{ url: 'http://hooks.example.com', enabledEvents: ['*'] }, 'url', 'url: must use https://'],
    [{ url: 'https://169.254.169.254/latest', enabledEvents: ['*'] }, 'url', 'url: 169.254.169.254 is not a public address'],
    [{ url: 'https://hooks.example.com', enabledEvents: ['recovery.exploded'] }, 'enabledEvents.0', 'enabledEvents.0: Invalid option'],
    [{ url: 'https://hooks.example.com', enabledEvents: [] }, 'enabledEvents', 'enabledEvents: name at least one event type, or ["*"] for all'],
    [{ url: 'https://hooks.example.com', enabledEvents: ['*', 'ping'] }, 'enabledEvents', 'enabledEvents: "*" stands alone: it already means every event'],
  ])('refuses %j with a 400 naming %s', async (body, param, message) => {
    // http is allowed in tests; this app is configured as production would be for URLs.
    const strict = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000', MONGODB_URI: 'mongodb://db.internal:27017/x', NODE_ENV: 'development' } });
    const response = await request(strict.server).post('/api/webhook-endpoints').set('authorization', `Bearer ${keys.test}`).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ param, message: expect.stringContaining(message) });
    expect(await db.connection.collection('webhookEndpoints').countDocuments({})).toBe(0);
  });

  it('allows at most 16 endpoints per account and mode', async () => {
    for (let i = 0; i < 16; i += 1) expect((await create()).status).toBe(201);
    const refused = await create();
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'too_many_endpoints' });
    expect((await create(keys.live)).status).toBe(201);
  });

  it('needs a read-write key', async () => {
    expect((await create(keys.read)).status).toBe(403);
  });
});

describe('one account and mode never sees another', () => {
  it('answers 404 for another account’s or the other mode’s endpoint, on every route', async () => {
    const { id } = (await create()).body;
    for (const key of [keys.other, keys.live]) {
      expect((await as(key).get('/api/webhook-endpoints')).body.data).toEqual([]);
      expect((await as(key).post(`/api/webhook-endpoints/${id}`, { description: 'x' })).status).toBe(404);
      expect((await as(key).post(`/api/webhook-endpoints/${id}/rotate-secret`)).status).toBe(404);
      expect((await as(key).post(`/api/webhook-endpoints/${id}/ping`)).status).toBe(404);
      expect((await as(key).get(`/api/webhook-endpoints/${id}/deliveries`)).status).toBe(404);
      expect((await as(key).delete(`/api/webhook-endpoints/${id}`)).status).toBe(404);
    }
    const ping = await as(keys.test).post(`/api/webhook-endpoints/${id}/ping`);
    expect((await as(keys.live).post(`/api/webhook-deliveries/${ping.body.delivery.id}/resend`)).status).toBe(404);
    expect((await as(keys.test).get('/api/webhook-endpoints')).body.data).toHaveLength(1);
  });
});

describe('POST /api/webhook-endpoints/:id', () => {
  it('changes the URL, events and description; disabling and enabling again clears the reason', async () => {
    const { id } = (await create()).body;
    const changed = await as(keys.test).post(`/api/webhook-endpoints/${id}`, { url: 'https://other.example.com/h', enabledEvents: ['ping'], description: 'ops', status: 'disabled' });
    expect(changed.body).toMatchObject({ url: 'https://other.example.com/h', enabledEvents: ['ping'], description: 'ops', status: 'disabled', disabledReason: 'disabled by the merchant' });
    expect((await as(keys.test).post(`/api/webhook-endpoints/${id}/ping`)).body.error).toMatchObject({ code: 'endpoint_disabled' });
    const enabled = await as(keys.test).post(`/api/webhook-endpoints/${id}`, { status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null, url: 'https://other.example.com/h' });
  });

  it('answers an empty change with the endpoint as it is, and refuses an unknown field', async () => {
    const { id } = (await create()).body;
    expect((await as(keys.test).post(`/api/webhook-endpoints/${id}`, {})).body).toMatchObject({ id, status: 'enabled', url: 'https://hooks.example.com/recovery' });
    const unknown = await as(keys.test).post(`/api/webhook-endpoints/${id}`, { secret: 'whsec_mine' });
    expect(unknown.status).toBe(400);
  });
});

describe('POST /api/webhook-endpoints/:id/rotate-secret', () => {
  it('shows a new secret once and says until when the old one still signs (24 h by default, at most 7 days)', async () => {
    const created = (await create()).body;
    const rotated = await as(keys.test).post(`/api/webhook-endpoints/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(new Date(rotated.body.secretRotationEndsAt).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const tooLong = await as(keys.test).post(`/api/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 169 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ param: 'overlapHours' });
  });
});

describe('ping, the delivery log and resend', () => {
  it('queues a ping, lists its delivery page by page, and resends it', async () => {
    const { id } = (await create()).body;
    const pings = [];
    for (let i = 0; i < 3; i += 1) pings.push((await as(keys.test).post(`/api/webhook-endpoints/${id}/ping`)).body);
    expect(pings[0]).toMatchObject({
      event: { id: expect.stringMatching(/^evt_rec_/), object: 'event', type: 'ping', livemode: false, account: 'acct_hooks', sequence: null },
      delivery: { object: 'webhook_delivery', endpointId: id, eventType: 'ping', status: 'pending', attempts: [], nextAttemptAt: expect.any(String) },
    });
    const first = await as(keys.test).get(`/api/webhook-endpoints/${id}/deliveries?limit=2`);
    expect(first.body).toMatchObject({ object: 'list', hasMore: true });
    expect(first.body.data).toHaveLength(2);
    const second = await as(keys.test).get(`/api/webhook-endpoints/${id}/deliveries?limit=2&startingAfter=${first.body.data[1].id}`);
    expect(second.body).toMatchObject({ hasMore: false });
    expect([...first.body.data, ...second.body.data].map((delivery: { id: string }) => delivery.id).sort()).toEqual(pings.map((ping) => ping.delivery.id).sort());
    const resent = await as(keys.test).post(`/api/webhook-deliveries/${pings[0].delivery.id}/resend`);
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ id: pings[0].delivery.id, status: 'pending' });
    expect((await as(keys.test).post('/api/webhook-deliveries/whd_000000000000000000000000/resend')).status).toBe(404);
  });
});

describe('DELETE /api/webhook-endpoints/:id', () => {
  it('deletes the endpoint', async () => {
    const { id } = (await create()).body;
    expect((await as(keys.test).delete(`/api/webhook-endpoints/${id}`)).body).toEqual({ id, object: 'webhook_endpoint', deleted: true });
    expect((await as(keys.test).delete(`/api/webhook-endpoints/${id}`)).status).toBe(404);
    expect((await as(keys.test).get('/api/webhook-endpoints')).body.data).toEqual([]);
  });
});
