import request from 'supertest';
import { recordEmailSent } from '../../backend/src/recovery';
import { buildDashboardStats } from '../../backend/src/stats';
import { useTestDatabase } from '../support/testDatabase';
import { createTestApp, SELF_HOSTED_ACCOUNT, TEST_POSTMARK_WEBHOOK_PASSWORD } from '../support/testApp';
import { invoice, stripeEvent } from '../support/stripeEventBuilders';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const credentials = `Basic ${Buffer.from(`postmark:${TEST_POSTMARK_WEBHOOK_PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  testApp = await createTestApp(db.connection);
});
beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'emailSuppressions', 'renewals'].map((name) => db.connection.collection(name).deleteMany({})));
});

async function caseWithEmail() {
  await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_mail', customer_email: 'alice@example.com' })));
  const found = (await testApp.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_mail'))!;
  return testApp.container.recovery.mutate(SELF_HOSTED_ACCOUNT, found, (fresh) =>
    recordEmailSent(fresh, { messageId: 'msg-1', kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Your payment did not go through' }, new Date()),
  );
}

const post = (record: Record<string, unknown>, authorization: string | null = credentials) => {
  const req = request(testApp.server).post('/api/webhooks/postmark').set('content-type', 'application/json');
  if (authorization) req.set('authorization', authorization);
  return req.send(JSON.stringify(record));
};
const metadataOf = (caseId: string) => ({ accountId: SELF_HOSTED_ACCOUNT, caseId, step: '0' });
const emailOf = async (caseId: string) => (await testApp.container.cases.findById(SELF_HOSTED_ACCOUNT, false, caseId))!;

describe('POST /api/webhooks/postmark', () => {
  it.each([
    ['no credentials', null],
    ['a wrong password', `Basic ${Buffer.from('postmark:wrong-password-123456').toString('base64')}`],
    ['a wrong scheme', 'Bearer token'],
  ])('answers 401 to %s and records nothing', async (_name, authorization) => {
    const found = await caseWithEmail();
    const response = await post({ RecordType: 'Delivery', MessageID: 'msg-1', Metadata: metadataOf(found.id) }, authorization);
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ type: 'authentication_error' });
    expect((await emailOf(found.id)).emails[0]!.status).toBe('sent');
  });

  it('records delivery, opens and clicks on the email', async () => {
    const found = await caseWithEmail();
    await post({ RecordType: 'Delivery', MessageID: 'msg-1', DeliveredAt: '2026-05-01T10:00:05Z', Metadata: metadataOf(found.id) });
    await post({ RecordType: 'Open', MessageID: 'msg-1', ReceivedAt: '2026-05-01T11:00:00Z', Metadata: metadataOf(found.id) });
    await post({ RecordType: 'Open', MessageID: 'msg-1', ReceivedAt: '2026-05-01T12:00:00Z', Metadata: metadataOf(found.id) });
    await post({ RecordType: 'Click', MessageID: 'msg-1', ReceivedAt: '2026-05-01T12:01:00Z', Metadata: metadataOf(found.id) });
    expect((await emailOf(found.id)).emails[0]).toMatchObject({
      status: 'delivered',
      deliveredAt: new Date('2026-05-01T10:00:05Z'),
      opens: 2,
      firstOpenedAt: new Date('2026-05-01T11:00:00Z'),
      clicks: 1,
    });
  });

  it.each([
    ['a hard bounce', { RecordType: 'Bounce', Type: 'HardBounce', Inactive: true, Email: 'alice@example.com' }, 'hard_bounce'],
    ['a spam complaint', { RecordType: 'SpamComplaint', Email: 'alice@example.com' }, 'spam_complaint'],
    ['an unsubscribe', { RecordType: 'SubscriptionChange', SuppressSending: true, Recipient: 'alice@example.com' }, 'unsubscribed'],
  ])('stops emails to the address after %s and shows the case as undeliverable', async (_name, record, reason) => {
    const found = await caseWithEmail();
    expect((await post({ ...record, MessageID: 'msg-1', Metadata: metadataOf(found.id) })).status).toBe(200);
    expect(await emailOf(found.id)).toMatchObject({ emailStatus: 'undeliverable' });
    expect(await testApp.container.suppressions.isSuppressed(SELF_HOSTED_ACCOUNT, false, 'Alice@Example.com')).toBe(true);
    expect(await db.connection.collection('emailSuppressions').findOne({})).toMatchObject({ reason });
  });

  it('keeps sending after a soft bounce', async () => {
    const found = await caseWithEmail();
    await post({ RecordType: 'Bounce', Type: 'SoftBounce', Inactive: false, Email: 'alice@example.com', MessageID: 'msg-1', Metadata: metadataOf(found.id) });
    expect(await emailOf(found.id)).toMatchObject({ emailStatus: 'ok' });
    expect(await testApp.container.suppressions.isSuppressed(SELF_HOSTED_ACCOUNT, false, 'alice@example.com')).toBe(false);
  });

  it('lifts an unsubscribe when the customer resubscribes', async () => {
    const found = await caseWithEmail();
    await post({ RecordType: 'SubscriptionChange', SuppressSending: true, Recipient: 'alice@example.com', MessageID: 'msg-1', Metadata: metadataOf(found.id) });
    await post({ RecordType: 'SubscriptionChange', SuppressSending: false, Recipient: 'alice@example.com', MessageID: 'msg-1', Metadata: metadataOf(found.id) });
    expect(await testApp.container.suppressions.isSuppressed(SELF_HOSTED_ACCOUNT, false, 'alice@example.com')).toBe(false);
  });

  it("counts deliveries and bounces in the dashboard's email figures, each email once", async () => {
    await db.connection.collection('recoveryRollups').deleteMany({});
    await testApp.deliver(stripeEvent('invoice.payment_failed', invoice({ id: 'in_mail', customer_email: 'alice@example.com' })));
    const opened = (await testApp.container.cases.findByKey(SELF_HOSTED_ACCOUNT, false, 'invoice:in_mail'))!;
    const sent = await testApp.container.recovery.mutate(SELF_HOSTED_ACCOUNT, opened, (fresh) => {
      const first = recordEmailSent(fresh, { messageId: 'msg-1', kind: 'dunning', stepIndex: 0, skipped: [], subject: 'Your payment did not go through' }, new Date('2026-05-01T10:00:00Z'));
      return recordEmailSent(first, { messageId: 'msg-2', kind: 'dunning', stepIndex: 1, skipped: [], subject: 'We will try again' }, new Date('2026-05-04T10:00:00Z'));
    });
    await post({ RecordType: 'Delivery', MessageID: 'msg-1', DeliveredAt: '2026-05-01T10:00:05Z', Metadata: metadataOf(sent.id) });
    await post({ RecordType: 'Delivery', MessageID: 'msg-1', DeliveredAt: '2026-05-01T10:00:05Z', Metadata: metadataOf(sent.id) });
    await post({ RecordType: 'Bounce', Type: 'SoftBounce', Inactive: false, Email: 'alice@example.com', MessageID: 'msg-2', BouncedAt: '2026-05-04T10:01:00Z', Metadata: { ...metadataOf(sent.id), step: '1' } });
    await testApp.container.outboxRelay.drain();
    const docs = await testApp.container.rollups.readSince(SELF_HOSTED_ACCOUNT, false, '2026-05-01', '2026-05-31');
    expect(buildDashboardStats(docs, new Date('2026-05-20T00:00:00Z')).emails).toEqual({ sent: 2, delivered: 1, opened: 0, clicked: 0, bounced: 1 });
  });

  it("answers 200 for another account's case id and changes nothing there", async () => {
    const found = await caseWithEmail();
    const response = await post({ RecordType: 'Delivery', MessageID: 'msg-1', Metadata: { accountId: 'acct_intruder', caseId: found.id } });
    expect(response.body).toEqual({ received: true, applied: false });
    expect((await emailOf(found.id)).emails[0]!.status).toBe('sent');
  });

  it.each([
    ['malformed JSON', '{"RecordType": '],
    ['an unknown record type', JSON.stringify({ RecordType: 'Teleport', MessageID: 'm' })],
    ['a record without a message id', JSON.stringify({ RecordType: 'Delivery' })],
  ])('answers 400 to %s', async (_name, body) => {
    const response = await request(testApp.server).post('/api/webhooks/postmark').set('authorization', credentials).set('content-type', 'application/json').send(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'malformed_payload' });
  });
});

describe('POST /api/webhooks/postmark for a pre-dunning reminder', () => {
  const live = { accountId: SELF_HOSTED_ACCOUNT, livemode: true };

  /** A live-mode renewal whose reminder Postmark accepted as msg-r1, recorded as the pre-dunning service records it. */
  async function renewalWithReminder() {
    const renewals = testApp.container.renewals;
    const now = new Date();
    const renewsAt = new Date(now.getTime() + 30 * 86_400_000);
    const renewal = await renewals.applySubscription({ ...live, isAppInstall: false, subscriptionId: 'sub_reminded', customerId: 'cus_reminded', status: 'active', cancelAtPeriodEnd: false, renewsAt, amountMinor: 4900, currency: 'usd', at: now });
    await renewals.planReminder(renewal.id, now);
    await renewals.claimDueReminders(now, 1, 'test-worker', 60_000);
    const sent = { stepIndex: 0, daysBefore: 30, at: now, messageId: 'msg-r1', recordedOnly: false, subject: 'Your card expires soon', htmlBody: '<p>Update</p>', textBody: 'Update' };
    expect(await renewals.recordReminder(renewal.id, 'test-worker', renewsAt, sent, null)).toBe(true);
  }
  // What the pre-dunning service attaches to a reminder (preDunningService.ts), and Postmark sends back.
  const reminderMetadata = (fields: Record<string, string> = {}) => ({ accountId: SELF_HOSTED_ACCOUNT, kind: 'pre_dunning', subscriptionId: 'sub_reminded', step: '0', sendKey: 'key-1', ...fields });
  const suppressedIn = (livemode: boolean) => testApp.container.suppressions.isSuppressed(SELF_HOSTED_ACCOUNT, livemode, 'alice@example.com');

  it.each([
    ['a hard bounce', { RecordType: 'Bounce', Type: 'HardBounce', Inactive: true, Email: 'Alice@Example.com' }, 'hard_bounce'],
    ['a spam complaint', { RecordType: 'SpamComplaint', Email: 'alice@example.com' }, 'spam_complaint'],
  ])('suppresses the address, which reminders and dunning both check before sending, after %s of a reminder, in its mode only', async (_name, record, reason) => {
    await renewalWithReminder();
    const response = await post({ ...record, MessageID: 'msg-r1', Metadata: reminderMetadata() });
    expect(response.body).toEqual({ received: true, applied: true });
    expect(await suppressedIn(true)).toBe(true);
    expect(await suppressedIn(false)).toBe(false);
    expect(await db.connection.collection('emailSuppressions').findOne({})).toMatchObject({ accountId: SELF_HOSTED_ACCOUNT, livemode: true, email: 'alice@example.com', reason });
  });

  it('keeps emailing the address after a soft bounce of a reminder', async () => {
    await renewalWithReminder();
    await post({ RecordType: 'Bounce', Type: 'SoftBounce', Inactive: false, Email: 'alice@example.com', MessageID: 'msg-r1', Metadata: reminderMetadata() });
    expect(await suppressedIn(true)).toBe(false);
  });

  it.each([
    ['another account', { MessageID: 'msg-r1', Metadata: reminderMetadata({ accountId: 'acct_intruder' }) }],
    ['another subscription', { MessageID: 'msg-r1', Metadata: reminderMetadata({ subscriptionId: 'sub_other' }) }],
    ['a message we never sent on it', { MessageID: 'msg-forged', Metadata: reminderMetadata() }],
    ['no pre-dunning kind', { MessageID: 'msg-r1', Metadata: { accountId: SELF_HOSTED_ACCOUNT, subscriptionId: 'sub_reminded' } }],
  ])('suppresses nothing for a reminder record naming %s', async (_name, fields) => {
    await renewalWithReminder();
    const response = await post({ RecordType: 'Bounce', Type: 'HardBounce', Inactive: true, Email: 'alice@example.com', ...fields });
    expect(response.body).toEqual({ received: true, applied: false });
    expect(await db.connection.collection('emailSuppressions').countDocuments({})).toBe(0);
  });
});
