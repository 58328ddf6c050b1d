import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Postmark accepted the email but its answer never reached us (a dropped
 * connection, a worker that died right after sending): before sending the
 * step again we ask Postmark's outbound search by metadata, and record the
 * message it found instead of sending a second one.
 */
const db = useTestDatabase();
const MINUTE = 60_000;
const start = new Date('2026-05-04T14:00:00Z');
let world: RecoveryWorld;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

describe('an email Postmark accepted but whose answer was lost', () => {
  it('is sent once, even when the worker then dies before recording anything', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.postmark.state.setFault('drop_answer', 1);
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    await world.runDue();
    expect(world.postmark.state.emails).toHaveLength(1);

    // As a worker that died right after Postmark accepted leaves the case: the step still due, claimed until the lease runs out
    // (the world's clock moves to the next due time, so the due time is the lease's end).
    const leaseEnd = new Date(start.getTime() + MINUTE);
    await db.connection.collection('recoveryCases').updateOne({}, { $set: { nextEmailAt: leaseEnd, emailLeaseUntil: leaseEnd } });
    await world.runUntil(new Date(start.getTime() + 2 * 86_400_000));

    const step1 = world.postmark.state.emails.filter((email) => email.tag === 'dunning-step-1');
    expect(step1).toHaveLength(1);
    const found = await db.connection.collection('recoveryCases').findOne({});
    expect(found!.emails.filter((email: { stepIndex: number }) => email.stepIndex === 0)).toEqual([expect.objectContaining({ messageId: step1[0]!.messageId })]);
    expect(found!.sendingStep ?? null).toBeNull();
  });
});
