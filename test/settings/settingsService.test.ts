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

describe("a merchant's dunning settings", () => {
  it('are used for the next emails, sent with the merchant’s own Postmark token', async () => {
    expect(await world.container.settings.saveDunning(SELF_HOSTED_ACCOUNT, true, custom)).toEqual({ ok: true });
    expect(await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, 'merchant-own-token-1')).toEqual({ ok: true });
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT });
    expect(JSON.stringify(stored)).not.toContain('merchant-own-token-1');

    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * 86_400_000));
    const emails = world.postmark.state.emails;
    expect(emails.map((email) => email.subject)).toEqual(['Oops, our service payment failed', 'Final notice: your subscription to our service is at risk']);
    expect(emails.every((email) => email.serverToken === 'merchant-own-token-1')).toBe(true);
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
    await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, 'merchant-own-token-1');
    await world.container.settings.savePostmarkToken(SELF_HOSTED_ACCOUNT, true, null);
    const stored = await db.connection.collection('accounts').findOne({ accountId: SELF_HOSTED_ACCOUNT });
    expect(stored!.settings.postmarkServerTokenSealed).toBeUndefined();
  });
});
