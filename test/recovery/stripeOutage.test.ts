import { caseView } from '../../backend/src/api/caseView';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/** While Stripe answers 500, the merchant sees it: the next action and the timeline say so, and the unanswered charge is shown as such. */
const db = useTestDatabase();
const start = new Date('2026-04-16T14:00:00Z');
let world: RecoveryWorld;
beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start });
});
afterEach(() => world.stop());

const theCase = async () => {
  const doc = await db.connection.collection('recoveryCases').findOne({});
  return (await world.container.cases.findById(SELF_HOSTED_ACCOUNT, false, String(doc!._id)))!;
};
const utcMinute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

describe('a Stripe outage in the case view', () => {
  it("says Stripe is unavailable and when we try again, shows the charge as waiting for Stripe's answer, and folds the repeats", async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    world.clock.set((await theCase()).nextActionAt!);

    // Reads answer, the charge itself gets a 500: the attempt is left without an answer.
    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'error_500', method: 'POST', count: 1000 }) });
    await world.runDue();
    const first = await theCase();
    const view = caseView(first);
    expect(view.nextAction).toEqual({ kind: 'retry', at: first.nextActionAt, reason: `Stripe unavailable, trying again at ${utcMinute(first.nextActionAt!)}.` });
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'stripe_unavailable', summary: `Stripe unavailable, trying again at ${utcMinute(first.nextActionAt!)}.` });
    expect(view.retries).toEqual([expect.objectContaining({ number: 1, outcome: 'pending', status: "waiting for Stripe's answer" })]);

    world.clock.set(first.nextActionAt!);
    await world.runDue();
    const second = await theCase();
    expect(second.timeline.filter((entry) => entry.kind === 'stripe_unavailable')).toEqual([
      expect.objectContaining({ count: 2, summary: `Stripe unavailable, trying again at ${utcMinute(second.nextActionAt!)}.` }),
    ]);

    await fetch(`${world.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    world.clock.set(second.nextActionAt!);
    await world.runDue();
    const after = caseView(await theCase());
    expect(after).toMatchObject({ status: 'recovered' });
    expect(after.retries).toEqual([expect.objectContaining({ number: 1, outcome: 'succeeded', status: null })]);
    expect(world.ourCharges()).toHaveLength(1);
  });
});
