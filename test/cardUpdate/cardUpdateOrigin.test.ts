import request from 'supertest';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate';
import { startStripeMock, STRIPE_MOCK_START_MS, type LocalService } from '../support/localServices';
import { useTestDatabase } from '../support/testDatabase';
import { createTestApp, SELF_HOSTED_ACCOUNT, TEST_LINK_SECRET } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';

/**
 * POST /update accepts only forms posted from our own card-update page: a
 * page elsewhere must not be able to send a customer's browser to a Billing
 * Portal session it chose.
 */
const db = useTestDatabase();
const PUBLIC_URL = 'https://recover.example.com';
let stripeMock: LocalService;
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  stripeMock = await startStripeMock();
  testApp = await createTestApp(db.connection, { env: { STRIPE_SECRET_KEY: 'sk_test_page', STRIPE_API_BASE: stripeMock.url, PUBLIC_URL } });
}, STRIPE_MOCK_START_MS);
afterAll(async () => {
  await stripeMock?.stop();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'rateLimitWindows'].map((name) => db.connection.collection(name).deleteMany({})));
});

async function validToken(): Promise<string> {
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_origin', customer: 'cus_origin', amount_remaining: 4900 })));
  const found = await testApp.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_origin');
  return issueLinkToken({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, stripeCustomerId: 'cus_origin', caseId: found!.id }, linkSigningKey(TEST_LINK_SECRET), new Date());
}

const post = (headers: Record<string, string>, token: string) => request(testApp.server).post('/update').set(headers).type('form').send({ token });

describe('POST /update from another site', () => {
  it.each([
    ['a cross-site Origin', { origin: 'https://evil.example' }],
    ['Origin null (a sandboxed frame or a data: page)', { origin: 'null' }],
    ['our host over plain http', { origin: 'http://recover.example.com' }],
    ['no Origin and a cross-site Referer', { referer: 'https://evil.example/page' }],
  ])('answers %s with 403 and the friendly error page, creating nothing at Stripe', async (_name, headers) => {
    const response = await post(headers, await validToken());
    expect(response.status).toBe(403);
    expect(response.type).toBe('text/html');
    expect(response.text).toContain('This link does not work');
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('POST /update from our own page', () => {
  it.each([
    ['our Origin', { origin: PUBLIC_URL }],
    ['no Origin and our Referer', { referer: `${PUBLIC_URL}/update?token=abc` }],
    ['neither header (not a browser: nothing to forge a request with)', {}],
  ])('with %s, goes on to the Billing Portal (303)', async (_name, headers) => {
    const response = await post(headers, await validToken());
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^https?:\/\//);
  });
});
