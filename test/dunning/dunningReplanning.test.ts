import { localParts } from '../../backend/src/retryPolicy';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * Stripe does not order events: a fact that makes an email possible (the
 * address) or changes its timing (the customer's country) arrives whenever
 * it arrives, and the sequence is planned again from it.
 */
const db = useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let world: RecoveryWorld;

async function openWorld(start: Date) {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
}
afterEach(async () => {
  await world.stop();
});

const expiredCard = { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' as const };

describe('the dunning sequence is planned again', () => {
  it('when invoice.payment_failed brings the address after payment_intent.payment_failed opened the case', async () => {
    const start = new Date('2026-05-04T14:00:00Z');
    await openWorld(start);
    const { subscriptionId } = world.customerWithCard('platform', expiredCard);
    world.sandbox.events.hold();
    world.sandbox.billing.renew('platform', subscriptionId);
    const events = world.sandbox.state.account('platform').events;
    const byType = (type: string) => events.find((event) => event.type === type)!;

    await world.backend.deliver(byType('payment_intent.payment_failed'));
    await world.runDue();
    expect(await db.connection.collection('recoveryCases').findOne({})).toMatchObject({ customerEmail: null, nextEmailAt: null });

    world.clock.advance(5_000);
    await world.backend.deliver(byType('invoice.payment_failed'));
    await world.runUntil(new Date(start.getTime() + HOUR));
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1']);
  });

  it("when the customer's country arrives, moving the email into the customer's daytime", async () => {
    const start = new Date('2026-05-04T08:00:00Z'); // 17:00 in Tokyo, before 09:00 in UTC
    await openWorld(start);
    const { subscriptionId } = world.customerWithCard('platform', expiredCard, { country: 'JP' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    // The email job looks before the retry worker has read the customer's country: it looks again half a minute later.
    await world.container.dunning.runNextDue();
    expect((await db.connection.collection('recoveryCases').findOne({}))!.nextEmailAt).toEqual(new Date('2026-05-04T08:00:30Z'));

    await world.runUntil(new Date(start.getTime() + DAY));
    const [email] = world.postmark.state.emails;
    const hour = localParts(email!.receivedAt, 'Asia/Tokyo').hour;
    expect(hour).toBeGreaterThanOrEqual(9);
    expect(hour).toBeLessThan(18);
  });

  it("holds the day-0 email, due in the merchant's daytime, until the customer's place is known (issue 18)", async () => {
    const start = new Date('2026-05-04T14:00:00Z'); // 10:00 in New York (the merchant's default zone), 23:00 in Tokyo
    await openWorld(start);
    const { subscriptionId } = world.customerWithCard('platform', expiredCard, { country: 'JP' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    // The customer lookup is slow: the email job runs first.
    await world.container.dunning.runNextDue();
    await world.runUntil(new Date(start.getTime() + DAY));
    const [email] = world.postmark.state.emails;
    expect(email).toBeDefined();
    const hour = localParts(email!.receivedAt, 'Asia/Tokyo').hour;
    expect(hour).toBeGreaterThanOrEqual(9);
    expect(hour).toBeLessThan(18);
    expect(await db.connection.collection('recoveryCases').findOne({})).toMatchObject({ customerCountry: 'JP', customerTimeZone: 'Asia/Tokyo' });
  });
});
