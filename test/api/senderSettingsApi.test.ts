import request from 'supertest';
import { startPostmarkReceiver, type PostmarkReceiver } from '../../devservices/postmark-receiver/postmarkReceiver';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let receiver: PostmarkReceiver;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  receiver = await startPostmarkReceiver();
  testApp = await createTestApp(db.connection, {
    env: {
      MERCHANT_RATE_LIMIT_PER_MINUTE: '10000',
      POSTMARK_SERVER_TOKEN: 'operator-token',
      POSTMARK_API_BASE: receiver.url,
      EMAIL_FROM: 'Recovery <billing@operator.com>',
      POSTMARK_VERIFIED_DOMAINS: 'operator.com, Verified-Merchant.com',
      PUBLIC_URL: 'http://127.0.0.1:4999',
    },
  });
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(async () => {
  await Promise.all(['accounts', 'apiKeys'].map((name) => db.connection.collection(name).deleteMany({})));
  receiver.state.reset();
  const now = new Date();
  keyA = (await testApp.container.apiKeys.create({ accountId: 'acct_sender_a', livemode: false, name: 'a', scope: 'read_write', now })).key;
  keyB = (await testApp.container.apiKeys.create({ accountId: 'acct_sender_b', livemode: false, name: 'b', scope: 'read_write', now })).key;
});

const read = (key = keyA) => request(testApp.server).get('/api/settings').set('authorization', `Bearer ${key}`);
const save = (body: object, key = keyA) => request(testApp.server).put('/api/settings').set('authorization', `Bearer ${key}`).send(body);
const rotate = (key = keyA) => request(testApp.server).post('/api/settings/postmark-webhook-credentials').set('authorization', `Bearer ${key}`).send({});
const storedSettings = async (accountId = 'acct_sender_a') => (await db.connection.collection('accounts').findOne({ accountId }))?.settings ?? null;

describe('GET /api/settings: which sender applies', () => {
  it('sends from the operator address under the operator name until the merchant chooses', async () => {
    const response = await read();
    expect(response.status).toBe(200);
    expect(response.body.sender).toEqual({
      fromName: null,
      fromAddress: null,
      replyTo: null,
      effectiveFrom: '"Recovery" <billing@operator.com>',
      effectiveReplyTo: null,
      usesOwnServer: false,
      reason: 'no_from_address',
      explanation: expect.stringContaining('You have not set a From address'),
      lastRefusal: null,
    });
    expect(response.body.postmark).toEqual({ configured: false, serverName: null, webhook: null });
  });
});

describe('PUT /api/settings: sender', () => {
  it('keeps the operator address for a domain the operator did not verify, under the merchant name, replies to the merchant', async () => {
    const response = await save({ branding: { merchantName: 'Acme', supportEmail: 'help@acme.com' }, sender: { fromAddress: 'billing@acme.com' } });
    expect(response.status).toBe(200);
    expect(response.body.sender).toMatchObject({ fromAddress: 'billing@acme.com', effectiveFrom: '"Acme" <billing@operator.com>', effectiveReplyTo: 'help@acme.com', reason: 'domain_not_verified' });
  });

  it('uses the merchant address as is on a domain the operator verified', async () => {
    const response = await save({ sender: { fromName: 'Shop Billing', fromAddress: 'billing@verified-merchant.com', replyTo: 'support@verified-merchant.com' } });
    expect(response.body.sender).toMatchObject({ effectiveFrom: '"Shop Billing" <billing@verified-merchant.com>', effectiveReplyTo: 'support@verified-merchant.com', reason: 'verified_domain', usesOwnServer: false });
  });

  it.each([
    [{ fromName: 'Acme\r\nBcc: everyone@victim.com' }, 'sender.fromName'],
    [{ fromAddress: 'billing@acme.com\r\nBcc: everyone@victim.com' }, 'sender.fromAddress'],
    [{ fromAddress: 'Acme <billing@acme.com>' }, 'sender.fromAddress'],
    [{ replyTo: 'a@acme.com, b@acme.com' }, 'sender.replyTo'],
    [{ surprise: 'x' }, 'sender'],
  ])('refuses %j naming the field, and saves nothing', async (sender, param) => {
    const response = await save({ sender, branding: { merchantName: 'Not saved' } });
    expect(response.status).toBe(400);
    expect(response.body.error.param).toBe(param);
    expect(await storedSettings()).toBeNull();
  });
});

describe("PUT /api/settings: the merchant's own Postmark server", () => {
  it('needs a From address to send from', async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme', domains: ['acme.com'] });
    const response = await save({ postmarkServerToken: 'acme-server-token' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'settings_invalid', param: 'postmarkServerToken' });
    expect(response.body.error.message).toContain('set sender.fromAddress too');
  });

  it('answers 400 to a token Postmark does not know, and stores nothing at all', async () => {
    const response = await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'not-a-known-token' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'postmark_token_invalid', param: 'postmarkServerToken' });
    expect(response.body.error.message).toContain('Postmark does not accept this server token');
    expect(await storedSettings()).toBeNull();
    expect((await read()).body.postmark.configured).toBe(false);
  });

  it('checks a good token with Postmark, names the server, seals the token, and shows webhook credentials once', async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme transactional', domains: ['acme.com'] });
    const response = await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'acme-server-token' });
    expect(response.status).toBe(200);
    const url = 'http://127.0.0.1:4999/api/webhooks/postmark/accounts/acct_sender_a/test';
    expect(response.body.postmark).toEqual({ configured: true, serverName: 'Acme transactional', webhook: { url, username: expect.stringMatching(/^pm_[0-9a-f]{12}$/), createdAt: expect.any(String) } });
    expect(response.body.postmarkWebhookCredentials).toEqual({ url, username: response.body.postmark.webhook.username, password: expect.stringMatching(/^[\w-]{43}$/) });
    expect(response.body.sender).toMatchObject({ effectiveFrom: 'billing@acme.com', usesOwnServer: true, reason: 'own_server' });

    const password = response.body.postmarkWebhookCredentials.password as string;
    const stored = JSON.stringify(await storedSettings());
    expect(stored).not.toContain('acme-server-token');
    expect(stored).not.toContain(password);
    const again = await read();
    expect(JSON.stringify(again.body)).not.toContain(password);
    expect(again.body).not.toHaveProperty('postmarkWebhookCredentials');

    // A second save of a token keeps the credentials Postmark already has.
    const resaved = await save({ postmarkServerToken: 'acme-server-token' });
    expect(resaved.body).not.toHaveProperty('postmarkWebhookCredentials');
    expect(resaved.body.postmark.webhook.username).toBe(response.body.postmark.webhook.username);
  });

  it('answers 503 when Postmark does not answer, and stores nothing', async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme', domains: ['acme.com'] });
    await receiver.stop();
    try {
      const response = await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'acme-server-token' });
      expect(response.status).toBe(503);
      expect(response.body.error).toMatchObject({ code: 'postmark_unavailable' });
      expect(await storedSettings()).toBeNull();
    } finally {
      receiver = await startPostmarkReceiver({ port: receiver.port });
    }
  });

  it('removing the token removes the server and its webhook credentials', async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme', domains: ['acme.com'] });
    await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'acme-server-token' });
    const response = await save({ postmarkServerToken: null });
    expect(response.body.postmark).toEqual({ configured: false, serverName: null, webhook: null });
    expect(await storedSettings()).not.toHaveProperty('postmarkWebhook');
  });
});

describe('POST /api/settings/postmark-webhook-credentials', () => {
  it('issues new credentials, shown once, for an account with its own server', async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme', domains: ['acme.com'] });
    const first = (await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'acme-server-token' })).body.postmarkWebhookCredentials;
    const response = await rotate();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ object: 'postmark_webhook_credentials', url: first.url, username: expect.stringMatching(/^pm_/) });
    expect(response.body.password).not.toBe(first.password);
  });

  it("answers 409 to an account that has no server of its own, and never touches another account's", async () => {
    receiver.state.addServer({ token: 'acme-server-token', name: 'Acme', domains: ['acme.com'] });
    await save({ sender: { fromAddress: 'billing@acme.com' }, postmarkServerToken: 'acme-server-token' });
    const before = JSON.stringify(await storedSettings('acct_sender_a'));
    const response = await rotate(keyB);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('postmark_not_configured');
    expect(JSON.stringify(await storedSettings('acct_sender_a'))).toBe(before);
  });
});
