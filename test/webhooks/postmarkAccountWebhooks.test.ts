import request from 'supertest';
import { recordEmailSent } from '../../backend/src/recovery';
import { startPostmarkReceiver, type PostmarkReceiver } from '../../devservices/postmark-receiver/postmarkReceiver';
import { createTestApp, TEST_POSTMARK_WEBHOOK_PASSWORD } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let receiver: PostmarkReceiver;
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

beforeAll(async () => {
  receiver = await startPostmarkReceiver();
  testApp = await createTestApp(db.connection, { env: { POSTMARK_SERVER_TOKEN: 'operator-token', POSTMARK_API_BASE: receiver.url } });
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'emailSuppressions', 'renewals'].map((name) => db.connection.collection(name).deleteMany({})));
  receiver.state.reset();
});

/** An installed App account with its own Postmark server, and one case whose first email (msg-<account>) went out. */
async function merchantWithOwnServer(accountId: string) {
  await testApp.deliverInstall(accountId);
  const domain = `${accountId.replace(/_/g, '-')}.example`;
  receiver.state.addServer({ token: `${accountId}-token`, name: accountId, domains: [domain] });
  const saved = await testApp.container.settings.update(accountId, false, { sender: { fromAddress: `billing@${domain}` }, postmarkServerToken: `${accountId}-token` }, new Date());
  if (!saved.ok || !saved.postmarkWebhookCredentials) throw new Error(`no credentials for ${accountId}: ${JSON.stringify(saved)}`);
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: `in_${accountId}`, customer_email: 'alice@example.com' }), { account: accountId }));
  const opened = (await testApp.container.cases.findByKey(accountId, false, `invoice:in_${accountId}`))!;
  const found = await testApp.container.recovery.mutate(accountId, opened, (fresh) =>
    recordEmailSent(fresh, { messageId: `msg-${accountId}`, kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Your payment did not go through' }, new Date()),
  );
  return { accountId, caseId: found.id, credentials: saved.postmarkWebhookCredentials };
}

const post = (path: string, record: Record<string, unknown>, authorization: string) =>
  request(testApp.server).post(path).set('content-type', 'application/json').set('authorization', authorization).send(JSON.stringify(record));
const accountPath = (accountId: string, mode = 'test') => `/api/webhooks/postmark/accounts/${accountId}/${mode}`;
const hardBounce = (merchant: { accountId: string; caseId: string }) => ({
  RecordType: 'Bounce',
  Type: 'HardBounce',
  Inactive: true,
  Email: 'alice@example.com',
  MessageID: `msg-${merchant.accountId}`,
  Metadata: { accountId: merchant.accountId, caseId: merchant.caseId, step: '0' },
});
const emailStatusOf = async (merchant: { accountId: string; caseId: string }) => (await testApp.container.cases.findById(merchant.accountId, false, merchant.caseId))!.emailStatus;

describe('POST /api/webhooks/postmark/accounts/:accountId/:mode', () => {
  it("records a bounce from the merchant's own server with that account's credentials", async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    expect(a.credentials.url).toMatch(/\/api\/webhooks\/postmark\/accounts\/acct_pm_a\/test$/);
    const response = await post(accountPath('acct_pm_a'), hardBounce(a), basic(a.credentials.username, a.credentials.password));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, applied: true });
    expect(await emailStatusOf(a)).toBe('undeliverable');
    expect(await testApp.container.suppressions.isSuppressed('acct_pm_a', false, 'alice@example.com')).toBe(true);
  });

  it("refuses account A's credentials on account B's URL, and the global password on either", async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    const b = await merchantWithOwnServer('acct_pm_b');
    for (const authorization of [basic(a.credentials.username, a.credentials.password), basic('postmark', TEST_POSTMARK_WEBHOOK_PASSWORD), basic(b.credentials.username, a.credentials.password)]) {
      const response = await post(accountPath('acct_pm_b'), hardBounce(b), authorization);
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ code: 'invalid_credentials' });
    }
    expect(await emailStatusOf(b)).toBe('ok');
  });

  it("never lets account B's server touch account A, whatever its metadata says", async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    const b = await merchantWithOwnServer('acct_pm_b');
    const response = await post(accountPath('acct_pm_b'), hardBounce(a), basic(b.credentials.username, b.credentials.password));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, applied: false });
    expect(await emailStatusOf(a)).toBe('ok');
    expect(await testApp.container.suppressions.isSuppressed('acct_pm_a', false, 'alice@example.com')).toBe(false);
    expect(await testApp.container.suppressions.isSuppressed('acct_pm_b', false, 'alice@example.com')).toBe(false);
  });

  it('acts only in the mode its URL names', async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    // The live-mode record of the account has no credentials of its own: the test-mode ones do not open it.
    const response = await post(accountPath('acct_pm_a', 'live'), hardBounce(a), basic(a.credentials.username, a.credentials.password));
    expect(response.status).toBe(401);
    expect((await post(accountPath('acct_pm_a', 'sandbox'), hardBounce(a), basic(a.credentials.username, a.credentials.password))).status).toBe(404);
    expect(await emailStatusOf(a)).toBe('ok');
  });

  it('answers an account without its own server as it answers wrong credentials', async () => {
    await testApp.deliverInstall('acct_pm_plain');
    const response = await post(accountPath('acct_pm_plain'), { RecordType: 'Delivery', MessageID: 'x', Metadata: { accountId: 'acct_pm_plain' } }, basic('pm_000000000000', 'anything'));
    expect(response.status).toBe(401);
  });

  it('stops taking rotated-out credentials', async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    const rotated = (await testApp.container.settings.rotatePostmarkWebhookCredentials('acct_pm_a', false, new Date()))!;
    expect((await post(accountPath('acct_pm_a'), hardBounce(a), basic(a.credentials.username, a.credentials.password))).status).toBe(401);
    expect((await post(accountPath('acct_pm_a'), hardBounce(a), basic(rotated.username, rotated.password))).status).toBe(200);
  });
});

describe("POST /api/webhooks/postmark (the operator's server)", () => {
  it("keeps taking the operator's credentials for mail our server sent", async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    const response = await post('/api/webhooks/postmark', hardBounce(a), basic('postmark', TEST_POSTMARK_WEBHOOK_PASSWORD));
    expect(response.body).toEqual({ received: true, applied: true });
  });

  it("refuses a merchant's own credentials", async () => {
    const a = await merchantWithOwnServer('acct_pm_a');
    expect((await post('/api/webhooks/postmark', hardBounce(a), basic(a.credentials.username, a.credentials.password))).status).toBe(401);
  });
});
