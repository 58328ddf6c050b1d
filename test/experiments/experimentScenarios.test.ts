import { DEFAULT_DUNNING_POLICY } from '../../backend/src/dunning';
import { armFor, type Arm } from '../../backend/src/experiments';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Experiments end to end: Stripe's renewals fail, each case opens in its
 * customer's arm, and the worker's jobs run each case on its arm's settings.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
const ACCOUNT = 'acct_selfhosted_test';
let world: RecoveryWorld;

beforeEach(async () => {
  await Promise.all(['experiments', 'emailSuppressions'].map((name) => db.connection.collection(name).deleteMany({})));
  // Live mode: test mode records emails to customers instead of sending them.
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

const dayOf = (at: Date) => Math.round((at.getTime() - start.getTime()) / DAY);
const declining = { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'repeat_last' as const };

/** One renewing customer in each arm of the experiment (customers are made until both arms have one). */
function customerPerArm(experimentId: string) {
  const found: Partial<Record<Arm, ReturnType<RecoveryWorld['customerWithCard']>>> = {};
  for (let tries = 0; tries < 40 && !(found.A && found.B); tries += 1) {
    const customer = world.customerWithCard('platform', declining);
    found[armFor(experimentId, customer.customerId)] ??= customer;
  }
  return found as Record<Arm, ReturnType<RecoveryWorld['customerWithCard']>>;
}

const caseOf = async (customerId: string) => db.connection.collection('recoveryCases').findOne({ stripeCustomerId: customerId });

describe('an email-sequence experiment', () => {
  it("sends arm-B customers B's subject and steps, and arm-A customers the account's sequence", async () => {
    const variant = {
      ...DEFAULT_DUNNING_POLICY,
      steps: [
        { dayOffset: 0, tone: 'soft_reminder' as const, custom: { subject: 'B: a quick fix for {{productName}}', html: '<p>Update your card: {{updateLink}}</p>', text: 'Update your card: {{updateLink}}' } },
        { dayOffset: 2, tone: 'final_notice' as const, custom: { subject: 'B: last call', html: '<p>{{updateLink}}</p>', text: '{{updateLink}}' } },
      ],
    };
    const created = await world.container.experiments.create(ACCOUNT, true, { name: 'Two short emails', kind: 'email_sequence', variant: { dunning: variant }, horizonCases: 50 });
    if (created.kind !== 'created') throw new Error(`not created: ${JSON.stringify(created)}`);
    const { A, B } = customerPerArm(created.experiment.id);
    world.sandbox.billing.renew('platform', A.subscriptionId);
    world.sandbox.billing.renew('platform', B.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 8 * DAY));

    const sentTo = async (customerId: string) => {
      const address = (world.sandbox.billing.customer('platform', customerId).email as string).toLowerCase();
      return world.postmark.state.emails.filter((email) => email.to.toLowerCase() === address).map((email) => ({ day: dayOf(email.receivedAt), subject: email.subject }));
    };
    expect(await sentTo(B.customerId)).toEqual([
      { day: 0, subject: 'B: a quick fix for our service' },
      { day: 2, subject: 'B: last call' },
    ]);
    const toA = await sentTo(A.customerId);
    expect(toA.map((email) => email.day)).toEqual([0, 3, 7]);
    expect(toA.every((email) => !email.subject.startsWith('B:'))).toBe(true);

    expect((await caseOf(B.customerId))?.experiments).toEqual([{ id: created.experiment.id, kind: 'email_sequence', arm: 'B' }]);
    expect((await caseOf(A.customerId))?.experiments).toEqual([{ id: created.experiment.id, kind: 'email_sequence', arm: 'A' }]);
    const shown = await world.container.experiments.find(ACCOUNT, true, created.experiment.id);
    expect(shown?.tallies).toMatchObject({ A: { cases: 1, ended: 0 }, B: { cases: 1, ended: 0 } });
  });
});

describe('a retry-policy experiment', () => {
  it("plans B's policy for B's cases and the account's policy for A's", async () => {
    const created = await world.container.experiments.create(ACCOUNT, true, { name: 'One retry only', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 1 } }, horizonCases: 50 });
    if (created.kind !== 'created') throw new Error(`not created: ${JSON.stringify(created)}`);
    const { A, B } = customerPerArm(created.experiment.id);
    world.sandbox.billing.renew('platform', A.subscriptionId);
    world.sandbox.billing.renew('platform', B.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * DAY));

    const caseB = await caseOf(B.customerId);
    const caseA = await caseOf(A.customerId);
    expect(caseB?.ourAttempts).toHaveLength(1);
    expect(caseB?.status).toBe('exhausted');
    expect(caseA?.ourAttempts.length).toBeGreaterThan(1);
    expect(caseA?.status).toBe('active');

    // The exhausted B case counts as ended in its arm; A's is still open.
    const shown = await world.container.experiments.find(ACCOUNT, true, created.experiment.id);
    expect(shown?.tallies).toMatchObject({ A: { cases: 1, ended: 0 }, B: { cases: 1, ended: 1, recovered: 0 } });
  });

  it('enrolls no case once the experiment is stopped, and the cases already in it keep their arm', async () => {
    const created = await world.container.experiments.create(ACCOUNT, true, { name: 'One retry only', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 1 } }, horizonCases: 50 });
    if (created.kind !== 'created') throw new Error(`not created: ${JSON.stringify(created)}`);
    const { A, B } = customerPerArm(created.experiment.id);
    world.sandbox.billing.renew('platform', B.subscriptionId);
    await world.settle();
    await world.container.experiments.stop(ACCOUNT, true, created.experiment.id);
    world.sandbox.billing.renew('platform', A.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 10 * DAY));
    expect((await caseOf(A.customerId))?.experiments ?? []).toEqual([]);
    expect(await caseOf(B.customerId)).toMatchObject({ experiments: [{ arm: 'B' }], status: 'exhausted', ourAttempts: [expect.anything()] });
  });
});
