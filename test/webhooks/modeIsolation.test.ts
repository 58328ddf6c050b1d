import request from 'supertest';
import { recordEmailSent, type RecoveryCase } from '../../backend/src/recovery';
import { createTestApp } from '../support/testApp';
import { TEST_POSTMARK_WEBHOOK_PASSWORD } from '../support/testSecrets';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';
import { useTestDatabase } from '../support/testDatabase';

/** Facts from Stripe and Postmark stay in their own account and mode. */
const db = useTestDatabase();
const ACCOUNT = 'acct_isolated';
const OTHER = 'acct_isolated_other';
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const credentials = `Basic ${Buffer.from(`postmark:${TEST_POSTMARK_WEBHOOK_PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  testApp = await createTestApp(db.connection);
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'emailSuppressions'].map((name) => db.connection.collection(name).deleteMany({})));
});

async function openCase(accountId: string, livemode: boolean, invoiceId: string, email: string): Promise<RecoveryCase> {
  await testApp.deliver(stripeEvent('account.application.authorized', { id: 'ca_app', object: 'application' }, { account: accountId, livemode }));
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: invoiceId, customer: `cus_${invoiceId}`, customer_email: email }), { account: accountId, livemode }));
  const doc = (await db.connection.collection('recoveryCases').findOne({ accountId, livemode, caseKey: `invoice:${invoiceId}` }))!;
  return { ...(doc as unknown as RecoveryCase), id: String(doc._id) };
}

async function withEmailSent(found: RecoveryCase, messageId: string): Promise<RecoveryCase> {
  return testApp.container.recovery.mutate(found.accountId, found, (fresh) =>
    recordEmailSent(fresh, { messageId, kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Your payment did not go through' }, new Date()),
  );
}

const bounce = (messageId: string, metadata: Record<string, string>, recipient: string) =>
  request(testApp.server)
    .post('/api/webhooks/postmark')
    .set('content-type', 'application/json')
    .set('authorization', credentials)
    .send(JSON.stringify({ RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, MessageID: messageId, Email: recipient, Recipient: recipient, BouncedAt: '2026-05-01T10:00:00Z', Description: 'Unknown user', Metadata: metadata }));

describe('account.application.deauthorized in test mode', () => {
  it('leaves the live cases of the same account active', async () => {
    await openCase(ACCOUNT, true, 'in_live', 'live@example.com');
    await openCase(ACCOUNT, false, 'in_test', 'test@example.com');
    await testApp.deliver(stripeEvent('account.application.deauthorized', { id: 'ca_app', object: 'application' }, { account: ACCOUNT, livemode: false }));

    expect(await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, livemode: true })).toMatchObject({ status: 'active' });
    expect(await db.connection.collection('recoveryCases').findOne({ accountId: ACCOUNT, livemode: false })).toMatchObject({ status: 'canceled' });
  });
});

describe('Postmark bounces', () => {
  it('suppress nothing when the metadata names a case of another account', async () => {
    const theirs = await withEmailSent(await openCase(OTHER, false, 'in_other', 'shared@example.com'), 'msg-other');
    await openCase(ACCOUNT, false, 'in_mine', 'shared@example.com');
    await bounce('msg-forged', { accountId: ACCOUNT, caseId: theirs.id, step: '0' }, 'shared@example.com');
    expect(await db.connection.collection('emailSuppressions').countDocuments({})).toBe(0);
  });

  it('suppress nothing for a message id we never sent on the named case', async () => {
    const mine = await withEmailSent(await openCase(ACCOUNT, false, 'in_mine', 'alice@example.com'), 'msg-real');
    await bounce('msg-never-sent', { accountId: ACCOUNT, caseId: mine.id, step: '0' }, 'alice@example.com');
    expect(await db.connection.collection('emailSuppressions').countDocuments({})).toBe(0);
  });

  it('in test mode do not suppress the same address in live mode', async () => {
    const testCase = await withEmailSent(await openCase(ACCOUNT, false, 'in_test', 'alice@example.com'), 'msg-test');
    await openCase(ACCOUNT, true, 'in_live', 'alice@example.com');
    const response = await bounce('msg-test', { accountId: ACCOUNT, caseId: testCase.id, step: '0' }, 'alice@example.com');
    expect(response.body).toMatchObject({ applied: true });
    const suppressions = db.connection.collection('emailSuppressions');
    // Anything not marked test mode would also stop live emails.
    expect(await suppressions.countDocuments({ accountId: ACCOUNT, email: 'alice@example.com', livemode: { $ne: false } })).toBe(0);
    expect(await suppressions.countDocuments({ accountId: ACCOUNT, email: 'alice@example.com', livemode: false })).toBe(1);
  });
});
