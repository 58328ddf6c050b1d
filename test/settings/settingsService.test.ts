import { DEFAULT_BRANDING } from '../../backend/src/accounts';
import { DEFAULT_DUNNING_POLICY, previewStep, type DunningPolicy } from '../../backend/src/dunning';
import { DEFAULT_RETRY_POLICY } from '../../backend/src/retryPolicy';
import { createRecoveryWorld } from '../support/recoveryWorld';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
const start = new Date('2026-05-04T14:00:00Z');
let world: Awaited<ReturnType<typeof createRecoveryWorld>>;

beforeEach(async () => {
  await Promise.all(['recoveryCases', 'stripeEvents', 'stripeSettlements', 'stripeEventInbox', 'accounts', 'cardAttempts'].map((name) => db.connection.collection(name).deleteMany({})));
  world = await createRecoveryWorld(db.connection, { start, livemode: true });
  await world.container.accounts.ensureSelfHosted(SELF_HOSTED_ACCOUNT, true, start);
});
afterEach(async () => {
  await world.stop();
});

const custom: DunningPolicy = {
  ...DEFAULT_DUNNING_POLICY,
  steps: [
    { dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Oops, {{productName}} payment failed', html: '<p>Pay {{amount}} here: <a href="{{updateLink}}">update</a></p>', text: 'Pay {{amount}}: {{updateLink}}' } },
    { dayOffset: 5, tone: 'final_notice', custom: null },
  ],
};

/** Postmark as it is: each token opens one server, which sends only from its own signatures and domains. */
function strictPostmark(merchantServer: { senderSignatures?: string[]; domains?: string[] }) {
  world.postmark.state.rejectUnknownTokens = true;
  world.postmark.state.addServer({ token: 'server-token-test', name: 'Operator', domains: ['localhost.test'] });
  world.postmark.state.addServer({ token: 'merchant-own-token-1', name: 'Acme transactional', ...merchantServer });
}

describe("a merchant's dunning settings", () => {
  it('are used for the next emails, sent with the merchant’s own Postmark token from their own address', async () => {
    strictPostmark({ domains: ['acme.com'] });
    expect(await world.container.settings.saveDunning(SELF_HOSTED_ACCOUNT, true, custom)).toEqual({ ok: true });
    expect(await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { sender: { fromName: 'Acme Billing', fromAddress: 'billing@acme.com', replyTo: 'help@acme.com' } }, start)).toEqual({ ok: true });
    expect(await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, 'merchant-own-token-1')).toMatchObject({ ok: true, postmarkWebhookCredentials: { username: expect.any(String) } });
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT });
    expect(JSON.stringify(stored)).not.toContain('merchant-own-token-1');

    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * 86_400_000));
    const emails = world.postmark.state.emails;
    expect(emails.map((email) => email.subject)).toEqual(['Oops, our service payment failed', 'Final notice: your subscription to our service is at risk']);
    expect(emails.map((email) => [email.serverToken, email.from, email.replyTo])).toEqual([
      ['merchant-own-token-1', '"Acme Billing" <billing@acme.com>', 'help@acme.com'],
      ['merchant-own-token-1', '"Acme Billing" <billing@acme.com>', 'help@acme.com'],
    ]);
  });

  it('are refused with the step, part, line and variable at fault, and the stored ones keep working', async () => {
    await world.container.settings.saveDunning(SELF_HOSTED_ACCOUNT, true, custom);
    const broken: DunningPolicy = {
      ...custom,
      steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Hi', html: '<p>Hi</p>\n<p>{{firstName}}</p>', text: '{{amount}}' } }],
    };
    const result = await world.container.settings.saveDunning(SELF_HOSTED_ACCOUNT, true, broken);
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^dunning\.steps\[0\]\.custom\.html line 2: Unknown variable "firstName"/)] });
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT });
    expect(stored!.settings.dunning.steps[0].custom.subject).toBe('Oops, {{productName}} payment failed');
  });

  it('refuse a retry policy that would break a network limit, naming it', async () => {
    const result = await world.container.settings.saveRetryPolicy(SELF_HOSTED_ACCOUNT, true, { ...DEFAULT_RETRY_POLICY, maxAttempts: 30 });
    expect(result).toEqual({ ok: false, problems: ['retryPolicy.maxAttempts: at most 15, the Visa limit on reattempts per card in 30 days'] });
  });

  it('preview any step with sample data', () => {
    const preview = previewStep(custom, 0, 'general', { ...DEFAULT_BRANDING, productName: 'Acme Pro' });
    expect(preview).toMatchObject({ subject: 'Oops, Acme Pro payment failed' });
    expect(preview!.textBody).toContain('Pay $49.00: https://recover.example.com/update?token=');
    expect(previewStep(custom, 7, 'general', DEFAULT_BRANDING)).toBeNull();
  });

  it('can remove the merchant’s own token again', async () => {
    strictPostmark({ domains: ['acme.com'] });
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { sender: { fromAddress: 'billing@acme.com' } }, start);
    expect(await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, 'merchant-own-token-1')).toMatchObject({ ok: true });
    await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, null);
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT });
    expect(stored!.settings.postmarkServerTokenSealed).toBeUndefined();
  });
});

describe("a merchant's sender", () => {
  const failOnce = () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
  };

  it("on a domain our Postmark server has not verified: our address under the merchant's name, replies to the merchant", async () => {
    strictPostmark({ domains: ['acme.com'] });
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { branding: { merchantName: 'Acme' }, sender: { fromAddress: 'billing@acme.com' } }, start);
    failOnce();
    await world.runUntil(new Date(start.getTime() + 86_400_000));
    expect(world.postmark.state.emails.map((email) => [email.serverToken, email.from, email.replyTo])).toEqual([['server-token-test', '"Acme" <billing@localhost.test>', 'billing@acme.com']]);
  });

  it('on a domain our server has verified: the merchant address, through our server', async () => {
    await world.stop();
    world = await createRecoveryWorld(db.connection, { start, livemode: true, env: { POSTMARK_VERIFIED_DOMAINS: 'acme.com' } });
    await world.container.accounts.ensureSelfHosted(SELF_HOSTED_ACCOUNT, true, start);
    world.postmark.state.rejectUnknownTokens = true;
    world.postmark.state.addServer({ token: 'server-token-test', name: 'Operator', domains: ['localhost.test', 'acme.com'] });
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { sender: { fromName: 'Acme', fromAddress: 'billing@acme.com' } }, start);
    failOnce();
    await world.runUntil(new Date(start.getTime() + 86_400_000));
    expect(world.postmark.state.emails.map((email) => [email.serverToken, email.from])).toEqual([['server-token-test', '"Acme" <billing@acme.com>']]);
  });

  it("not confirmed on the merchant's own server: Postmark refuses it, nothing is sent, the customer's address stays good, settings say why", async () => {
    strictPostmark({ senderSignatures: ['someone-else@acme.com'] });
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, true, { sender: { fromAddress: 'billing@acme.com' } }, start);
    await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, 'merchant-own-token-1');
    failOnce();
    await world.runUntil(new Date(start.getTime() + 30 * 60_000));
    expect(world.postmark.state.emails).toEqual([]);
    const [found] = await world.container.cases.listByCustomer(SELF_HOSTED_ACCOUNT, true, (await db.connection.collection('recoveryCases').findOne({}))!.stripeCustomerId as string, 5);
    // A sender the merchant must fix is asked about again in an hour, not blamed on the customer.
    expect(found).toMatchObject({ emailStatus: 'ok', emails: [] });
    expect(found!.nextEmailAt!.getTime()).toBe(start.getTime() + 60 * 60_000);
    expect((await world.container.settings.read(SELF_HOSTED_ACCOUNT, true)).sender.lastRefusal).toEqual({ message: expect.stringContaining("The 'From' address you supplied (billing@acme.com) is not a Sender Signature"), at: start });

    // The merchant confirms the address at Postmark: the next try goes out, and the refusal is gone.
    world.postmark.state.servers.get('merchant-own-token-1')!.senderSignatures.add('billing@acme.com');
    await world.runUntil(new Date(start.getTime() + 2 * 60 * 60_000));
    expect(world.postmark.state.emails.map((email) => email.from)).toEqual(['billing@acme.com']);
    expect((await world.container.settings.read(SELF_HOSTED_ACCOUNT, true)).sender.lastRefusal).toBeNull();
  });

  it("in test mode, even through the merchant's own server: the email is recorded with its sender, never sent to the customer", async () => {
    await world.stop();
    world = await createRecoveryWorld(db.connection, { start, livemode: false });
    strictPostmark({ domains: ['acme.com'] });
    await world.container.settings.update(SELF_HOSTED_ACCOUNT, false, { sender: { fromAddress: 'billing@acme.com' } }, start);
    expect(await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, false, 'merchant-own-token-1')).toMatchObject({ ok: true });
    failOnce();
    await world.runUntil(new Date(start.getTime() + 86_400_000));
    expect(world.postmark.state.emails).toEqual([]);
    const stored = await db.connection.collection('recoveryCases').findOne({ livemode: false });
    const content = await db.connection.collection('emailContents').findOne({ livemode: false });
    expect(stored!.emails).toEqual([expect.objectContaining({ delivery: 'recorded_test_mode', contentId: String(content!._id) })]);
    expect(content).toMatchObject({ from: 'billing@acme.com' });
  });
});
