import request from 'supertest';
import { issueLinkToken, linkSigningKey } from '../../backend/src/cardUpdate';
import { startStripeMock, STRIPE_MOCK_START_MS, type LocalService } from '../support/localServices';
import { useTestDatabase } from '../support/testDatabase';
import { createTestApp, SELF_HOSTED_ACCOUNT, TEST_LINK_SECRET } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';

const db = useTestDatabase();
let stripeMock: LocalService;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const key = linkSigningKey(TEST_LINK_SECRET);

beforeAll(async () => {
  stripeMock = await startStripeMock();
  testApp = await createTestApp(db.connection, { env: { STRIPE_SECRET_KEY: 'sk_test_page', STRIPE_API_BASE: stripeMock.url, PUBLIC_URL: 'https://recover.example.com' } });
}, STRIPE_MOCK_START_MS);
afterAll(async () => {
  await stripeMock?.stop();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'rateLimitWindows'].map((name) => db.connection.collection(name).deleteMany({})));
});

async function openCase(fields: Record<string, unknown> = {}, type = 'invoice.payment_failed') {
  await testApp.deliver(stripeEvent(type, invoice({ id: 'in_page', customer: 'cus_page', amount_remaining: 4900, ...fields })));
  const found = await testApp.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_page');
  await testApp.container.accounts.setBranding(SELF_HOSTED_ACCOUNT, false, { merchantName: 'Acme <Tools>', productName: 'Acme Pro', accentColor: '#ffcc00', supportEmail: 'help@acme.test' });
  return found!;
}

const tokenFor = (caseId: string, overrides: Partial<{ customer: string; at: Date }> = {}) =>
  issueLinkToken({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, stripeCustomerId: overrides.customer ?? 'cus_page', caseId }, key, overrides.at ?? new Date());

describe('GET /update', () => {
  it('shows the amount due, the reason in plain words and the merchant’s branding, with strict security headers', async () => {
    const found = await openCase();
    const response = await request(testApp.server).get(`/update?token=${await tokenFor(found.id)}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<strong>$49.00</strong>');
    expect(response.text).toContain('Acme &lt;Tools&gt;');
    expect(response.text).toContain('Acme Pro');
    expect(response.text).toContain('<button type="submit">Update card securely</button>');
    // A yellow accent gets black text for contrast.
    expect(response.text).toContain('--on-accent:#000000');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src https:; form-action 'self' https:\/\/billing\.stripe\.com http:\/\/127\.0\.0\.1:\d+; frame-ancestors 'none'/);
    expect(response.headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(response.text).not.toMatch(/<script/i);
  });

  it('sends a customer who must authenticate to the hosted invoice page', async () => {
    const found = await openCase({ hosted_invoice_url: 'https://invoice.stripe.com/i/acct_x/test_123' }, 'invoice.payment_action_required');
    const response = await request(testApp.server).get(`/update?token=${await tokenFor(found.id)}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('href="https://invoice.stripe.com/i/acct_x/test_123"');
    expect(response.text).toContain('your bank asks you to confirm the payment');
  });

  it('thanks the customer when the invoice is already paid', async () => {
    const found = await openCase();
    await testApp.deliver(stripeEvent('invoice.paid', invoice({ id: 'in_page', customer: 'cus_page', status: 'paid' }), { created: Math.floor(Date.now() / 1000) }));
    const response = await request(testApp.server).get(`/update?token=${await tokenFor(found.id)}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('Thank you, it is paid');
  });

  it('explains how to get a new link when the link has expired (410)', async () => {
    const found = await openCase();
    const response = await request(testApp.server).get(`/update?token=${await tokenFor(found.id, { at: new Date(Date.now() - 8 * 86_400_000) })}`);
    expect(response.status).toBe(410);
    expect(response.text).toContain('This link has expired');
  });

  it.each([
    ['a tampered token', async (caseId: string) => `${(await tokenFor(caseId)).slice(0, -3)}abc`],
    ['a token for another customer', async (caseId: string) => tokenFor(caseId, { customer: 'cus_someone_else' })],
    ['a token for an unknown case', async () => tokenFor('0123456789abcdef01234567')],
    ['no token', async () => ''],
  ])('answers %s with a friendly 401 page and no details', async (_name, make) => {
    const found = await openCase();
    const response = await request(testApp.server).get(`/update?token=${encodeURIComponent(await make(found.id))}`);
    expect(response.status).toBe(401);
    expect(response.text).toContain('This link does not work');
    expect(response.text).not.toContain('49.00');
  });

  it("explains a tampered link in the browser's language, as it names no customer or merchant we know", async () => {
    const found = await openCase();
    const response = await request(testApp.server).get(`/update?token=${(await tokenFor(found.id)).slice(0, -3)}abc`).set('accept-language', 'sv-SE, ja;q=0.9, en;q=0.5');
    expect(response.status).toBe(401);
    expect(response.text).toContain('<html lang="ja">');
    expect(response.text).toContain('<h1>このリンクは使用できません</h1>');
  });
});

describe('POST /update', () => {
  it('redirects (303) to the Billing Portal session Stripe created', async () => {
    const found = await openCase();
    const response = await request(testApp.server).post('/update').type('form').send({ token: await tokenFor(found.id) });
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^https?:\/\//);
  });

  it('creates nothing at Stripe for a tampered token', async () => {
    const found = await openCase();
    const response = await request(testApp.server).post('/update').type('form').send({ token: `${await tokenFor(found.id)}x` });
    expect(response.status).toBe(401);
    expect(response.headers.location).toBeUndefined();
  });
});

describe('GET /update/done', () => {
  // Which card the customer came back with, and what that does, is in cardUpdateReturn.test.ts (against the Stripe sandbox).
  it('thanks the customer without retrying when Stripe cannot say which card they saved yet', async () => {
    const found = await openCase();
    const response = await request(testApp.server).get(`/update/done?token=${await tokenFor(found.id)}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('as soon as Stripe, our payment provider, confirms it');
    const after = await testApp.container.cases.findById(SELF_HOSTED_ACCOUNT, false, found.id);
    expect(after).toMatchObject({ nextActionTrigger: 'schedule', newPaymentMethodId: null });
  });
});

describe('rate limits on the card-update pages', () => {
  it('answers 429 once one IP passes the per-minute limit', async () => {
    const limited = await createTestApp(db.connection, { env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '3' } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await request(limited.server).get('/update?token=x')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
