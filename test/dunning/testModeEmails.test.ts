import { Types } from 'mongoose';
import request from 'supertest';
import { createEmailContentStore, DEFAULT_DUNNING_POLICY, type DunningPolicy } from '../../backend/src/dunning';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Test mode never emails customers: anyone can install on a test account and
 * create customers with any address. The email is recorded, fully rendered,
 * for the merchant to read; only the Stripe account's own (verified) address
 * gets it. Merchant HTML is sanitized before it is stored and before it is sent.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;

afterEach(async () => {
  await world?.stop();
});

async function openWorld(livemode: boolean) {
  world = await freshRecoveryWorld(db.connection, { start, livemode, alsoClear: ['apiKeys'] });
  const { key } = await world.container.apiKeys.create({ accountId: SELF_HOSTED_ACCOUNT, livemode, name: 'emails', scope: 'read', now: start });
  return (path: string) => request(world.backend.server).get(path).set('authorization', `Bearer ${key}`);
}

const expiredCard = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' as const };

describe('dunning emails in test mode', () => {
  it('reach nobody: each is recorded as it would be sent, and the merchant reads it through the API', async () => {
    const get = await openWorld(false);
    const customer = world.customerWithCard('platform', expiredCard);
    const invoice = world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 4 * DAY));

    expect(world.postmark.state.emails).toHaveLength(0);
    const status = await get(`/api/recovery/status?invoiceId=${invoice.id as string}`);
    expect(status.status).toBe(200);
    expect(status.body.emails.map((email: { step: number; delivery: string }) => [email.step, email.delivery])).toEqual([
      [0, 'recorded_test_mode'],
      [1, 'recorded_test_mode'],
    ]);

    const shown = await get(`/api/recovery/emails/${status.body.id as string}/0`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ object: 'recovery_email', delivery: 'recorded_test_mode', step: 0, kind: 'dunning', to: world.sandbox.billing.customer('platform', customer.customerId).email });
    expect(shown.body.subject).toBe('Your payment for our service did not go through');
    expect(shown.body.html).toContain('the card on file has expired');
    expect(shown.body.text).toMatch(/\/update\?token=[\w.-]+/);
    expect(typeof shown.body.from).toBe('string');
    expect(new Date(shown.body.at as string).getTime()).toBe(start.getTime());
    expect((await get(`/api/recovery/emails/${status.body.id as string}/7`)).status).toBe(404);
  });

  it('are kept beside their case, which names each by id; one recorded inline before that is still shown', async () => {
    const get = await openWorld(false);
    const customer = world.customerWithCard('platform', expiredCard);
    const invoice = world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));
    const caseId = (await get(`/api/recovery/status?invoiceId=${invoice.id as string}`)).body.id as string;

    const stored = await db.connection.collection('recoveryCases').findOne({ _id: new Types.ObjectId(caseId) });
    const [recorded] = stored!.emails as { contentId: string }[];
    // The case is read and rewritten at every step: the email's body is not in it.
    expect(JSON.stringify(stored!.emails)).not.toContain('did not go through');
    const kept = await db.connection.collection('emailContents').findOne({ _id: new Types.ObjectId(recorded!.contentId) });
    expect(kept).toMatchObject({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, caseId, stripeCustomerId: customer.customerId, subject: 'Your payment for our service did not go through' });
    // Found only within its account, mode and case, even by its id.
    const contents = createEmailContentStore(db.connection);
    expect(await contents.find({ accountId: SELF_HOSTED_ACCOUNT, livemode: false, caseId }, recorded!.contentId)).toMatchObject({ subject: kept!.subject });
    for (const elsewhere of [{ accountId: 'acct_other', livemode: false, caseId }, { accountId: SELF_HOSTED_ACCOUNT, livemode: true, caseId }, { accountId: SELF_HOSTED_ACCOUNT, livemode: false, caseId: '64b7f0c2a1b2c3d4e5f60718' }]) {
      expect(await contents.find(elsewhere, recorded!.contentId)).toBeNull();
    }

    const inline = { to: 'earlier@example.com', from: 'billing@example.com', replyTo: null, subject: 'Recorded before', html: '<p>Before</p>', text: 'Before' };
    await db.connection.collection('recoveryCases').updateOne({ _id: stored!._id }, { $set: { emails: [{ ...recorded, contentId: undefined, content: inline }] } });
    expect((await get(`/api/recovery/emails/${caseId}/0`)).body).toMatchObject({ to: 'earlier@example.com', subject: 'Recorded before', html: '<p>Before</p>' });
  });

  it("are delivered to the Stripe account's own verified address, read from Stripe and remembered", async () => {
    await openWorld(false);
    const customer = world.customerWithCard('platform', expiredCard);
    const address = world.sandbox.billing.customer('platform', customer.customerId).email as string;
    world.sandbox.state.setAccountEmail('platform', address);
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));

    expect(world.postmark.state.emails.map((email) => [email.to, email.tag])).toEqual([[address, 'dunning-step-1']]);
    const account = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT, livemode: false });
    expect(account!.stripeAccountEmail).toMatchObject({ email: address });
  });
});

describe("a merchant's own HTML", () => {
  const hostile = '<p>Pay {{amount}}</p><script>alert(1)</script><img src="https://x.test/a.png" onerror="alert(2)"><a href="javascript:alert(3)">win</a> <a href="{{updateLink}}">update</a>';
  const policyWith = (html: string): DunningPolicy => ({
    ...DEFAULT_DUNNING_POLICY,
    steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Payment for {{productName}}', html, text: 'Pay {{amount}}: {{updateLink}}' } }],
  });
  const unsafe = (html: string) => /<script|onerror|javascript:/i.test(html);

  it('is stored and sent without scripts, event handlers or javascript: links, and the merchant is told', async () => {
    await openWorld(true);
    await world.container.accounts.ensureSelfHosted(SELF_HOSTED_ACCOUNT, true, start);
    const saved = await world.container.settings.saveDunning(SELF_HOSTED_ACCOUNT, true, policyWith(hostile));
    expect(saved).toMatchObject({ ok: true, sanitizerRemoved: ['dunning.steps[0].custom.html'] });
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT, livemode: true });
    const storedHtml = stored!.settings.dunning.steps[0].custom.html as string;
    expect(unsafe(storedHtml)).toBe(false);
    expect(storedHtml).toContain('href="{{updateLink}}"');

    // A template stored before sanitizing existed is cleaned again when sent.
    await db.connection.collection('accounts').updateOne({ accountId: SELF_HOSTED_ACCOUNT, livemode: true }, { $set: { 'settings.dunning.steps.0.custom.html': hostile } });
    const { subscriptionId } = world.customerWithCard('platform', expiredCard);
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));
    const [sent] = world.postmark.state.emails;
    expect(sent!.htmlBody).toContain('/update?token=');
    expect(unsafe(sent!.htmlBody!)).toBe(false);
  });
});
