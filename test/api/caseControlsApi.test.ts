import request from 'supertest';
import { SELF_HOSTED_ACCOUNT } from '../support/testApp';
import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';

/**
 * The merchant's controls on one case, end to end: the API changes the case,
 * and the worker's jobs (against the Stripe sandbox and the Postmark
 * receiver) honour it.
 */
const db = useTestDatabase();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;
let key: string;
let caseId: string;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true, alsoClear: ['apiKeys'] });
  key = (await world.container.apiKeys.create({ accountId: SELF_HOSTED_ACCOUNT, livemode: true, name: 'controls', scope: 'read_write', now: start })).key;
  const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'insufficient_funds' }], then: 'repeat_last' });
  world.sandbox.billing.renew('platform', subscriptionId);
  await world.settle();
  await world.runDue();
  caseId = (await db.connection.collection('recoveryCases').findOne({ accountId: SELF_HOSTED_ACCOUNT }))!._id.toString();
});
afterEach(async () => {
  await world.stop();
});

const control = (action: string, id = caseId) => request(world.backend.server).post(`/api/recovery/${action}`).set('authorization', `Bearer ${key}`).send({ caseId: id });
const emailTags = () => world.postmark.state.emails.map((email) => email.tag);

/** Runs every action falling due in the next `days`, hour by hour, as a worker would. */
async function liveThrough(days: number) {
  for (let hour = 0; hour < days * 24; hour += 1) {
    world.clock.advance(HOUR);
    await world.runDue();
  }
}

describe('pause and resume', () => {
  it('stops retries and emails while paused, and picks up from the present when resumed', async () => {
    expect(emailTags()).toEqual(['dunning-step-1']);
    const paused = await control('pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: caseId, status: 'active', paused: true });
    const chargesBefore = world.ourCharges().length;

    await liveThrough(8);
    expect(world.ourCharges()).toHaveLength(chargesBefore);
    expect(emailTags()).toEqual(['dunning-step-1']);
    expect((await control('pause')).body.error).toMatchObject({ code: 'already_paused' });

    expect((await control('resume')).body).toMatchObject({ paused: false });
    await liveThrough(4);
    // Day 3's email fell due during the pause: skipped, not sent late; day 7's goes out. The retry waits for payday (15 May).
    expect(emailTags()).toEqual(['dunning-step-1', 'dunning-step-3']);
    expect(world.ourCharges().length).toBeGreaterThan(chargesBefore);
  });
});

describe('send a reminder', () => {
  it('refuses within a day of the last email with Retry-After, then sends the next step at once', async () => {
    const tooSoon = await control('remind');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error).toMatchObject({ type: 'rate_limit_error', code: 'reminder_cooling_down' });
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(23 * 3600);

    world.clock.advance(25 * HOUR);
    const accepted = await control('remind');
    expect(accepted.status).toBe(200);
    await world.runDue();
    expect(emailTags()).toEqual(['dunning-step-1', 'dunning-step-2']);
    expect(world.postmark.state.emails[1]!.receivedAt).toEqual(world.clock.now());
  });
});

describe('cancel', () => {
  it('closes the case for good: no retries, no emails, and later controls answer 409', async () => {
    const canceled = await control('cancel');
    expect(canceled.body).toMatchObject({ status: 'canceled', outcome: { reason: 'merchant_canceled' } });
    const chargesBefore = world.ourCharges().length;
    await liveThrough(4);
    expect(world.ourCharges()).toHaveLength(chargesBefore);
    expect(emailTags()).toEqual(['dunning-step-1']);
    for (const action of ['cancel', 'pause', 'remind', 'retry']) {
      const refused = await control(action);
      expect(refused.status).toBe(409);
      expect(refused.body.error.type).toBe('invalid_request_error');
    }
  });
});

describe('card-update link', () => {
  it("gives the merchant a fresh link that opens the customer's card-update page", async () => {
    const response = await control('card-update-link');
    expect(response.status).toBe(200);
    const url = new URL(response.body.url);
    expect(url.pathname).toBe('/update');
    expect(new Date(response.body.expiresAt).getTime()).toBe(world.clock.now().getTime() + 7 * DAY);
    const page = await request(world.backend.server).get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form');
  });
});
