import { freshRecoveryWorld, type RecoveryWorld } from '../support/recoveryWorld';
import { useTestDatabase } from '../support/testDatabase';
import { localParts } from '../../backend/src/retryPolicy';

/**
 * The dunning sequence end to end: Stripe's renewal fails, the case opens,
 * and the worker's email job sends the steps through the official Postmark
 * client to the local receiver, in the customer's daytime.
 */
const db = useTestDatabase();
const DAY = 86_400_000;
const start = new Date('2026-05-04T14:00:00Z'); // Monday, 10:00 in New York
let world: RecoveryWorld;

beforeEach(async () => {
  world = await freshRecoveryWorld(db.connection, { start, livemode: true });
});
afterEach(async () => {
  await world.stop();
});

const dayOf = (at: Date) => Math.round((at.getTime() - start.getTime()) / DAY);

describe('the dunning sequence', () => {
  it('sends the day 0, 3, 7 and 14 emails in the customer’s daytime while the card must change', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 20 * DAY));

    const emails = world.postmark.state.emails;
    expect(emails.map((email) => dayOf(email.receivedAt))).toEqual([0, 3, 7, 14]);
    expect(emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2', 'dunning-step-3', 'dunning-step-4']);
    for (const email of emails) {
      const hour = localParts(email.receivedAt, 'America/New_York').hour;
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(18);
      expect(email.textBody).toContain('the card on file has expired');
      expect(email.textBody).toMatch(/^Hi Alice,/);
      expect(email.textBody).toMatch(/\/update\?token=[\w.-]+/);
      expect(email.metadata).toMatchObject({ accountId: 'acct_selfhosted_test' });
    }
    expect(emails[3]!.subject).toBe('Final notice: your subscription to our service is at risk');
  });

  it('stops the sequence the moment the invoice is paid, then thanks the customer once', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    const invoice = world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + 4 * DAY));
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2']);

    // The customer pays on the hosted invoice page with another card.
    const card = world.sandbox.billing.createPaymentMethod('platform', { brand: 'visa', behaviour: { declines: [], then: 'succeed' } });
    world.sandbox.billing.payInvoice('platform', invoice.id as string, { payment_method: card.id }, null);
    await world.runUntil(new Date(start.getTime() + 20 * DAY));

    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2', 'recovery-confirmation']);
    const [found] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(found).toMatchObject({ status: 'recovered', confirmationDueAt: null });
  });

  it('thanks the customer from the retry step that recovered the payment, so the email job has nothing left to claim', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    const sentBefore = world.postmark.state.emails.length;
    // Only retry steps, no email job: run them until the case is recovered.
    for (let step = 0; step < 20; step += 1) {
      const [open] = await db.connection.collection('recoveryCases').find({}).toArray();
      if (open?.status === 'recovered') break;
      if (open?.nextActionAt) world.clock.set(new Date(Math.max(open.nextActionAt.getTime(), world.clock.now().getTime())));
      await world.container.retries.runNextDue();
      await world.settle();
    }

    const [found] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(found).toMatchObject({ status: 'recovered', confirmationDueAt: null, emailLeaseUntil: new Date(0) });
    expect(world.postmark.state.emails.slice(sentBefore).map((email) => email.tag)).toEqual(['recovery-confirmation']);
    expect(await world.container.dunning.runNextDue()).toBe(false);
  });

  it('gives a recovered case back with its thank-you over the email\'s send mark, with no save refused', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'processing_error' }], then: 'succeed' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.settle();
    const saves = jest.spyOn(world.container.cases, 'replaceIfUnchanged');
    for (let step = 0; step < 20; step += 1) {
      const [open] = await db.connection.collection('recoveryCases').find({}).toArray();
      if (open?.status === 'recovered') break;
      if (open?.nextActionAt) world.clock.set(new Date(Math.max(open.nextActionAt.getTime(), world.clock.now().getTime())));
      // Only the step's own writes: Stripe's events about its charge are handled after it.
      saves.mockClear();
      await world.container.retries.runNextDue();
      const outcomes = await Promise.all(saves.mock.results.map((result) => result.value as Promise<boolean>));
      expect(outcomes.filter((written) => !written)).toEqual([]);
      await world.settle();
    }
    saves.mockRestore();

    const [found] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(found).toMatchObject({ status: 'recovered', confirmationDueAt: null, sendingStep: null });
    expect(world.postmark.state.emails.map((email) => email.tag)).toContain('recovery-confirmation');
  });

  it('records a sent email and the time of the next one in the same save', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));
    const cases = db.connection.collection('recoveryCases');
    const before = await cases.findOne({});
    expect(before).toMatchObject({ status: 'active', dunningStepsDone: [0] });
    // Every save of a case bumps its revision: watch each one the email job makes.
    const seen: { revision: number; stepsDone: number[]; nextEmailAt: Date | null }[] = [];
    const reads: Promise<unknown>[] = [];
    const watching = setInterval(() => {
      reads.push(cases.findOne({}).then((found) => found && seen.push({ revision: found.revision as number, stepsDone: found.dunningStepsDone as number[], nextEmailAt: found.nextEmailAt as Date | null })));
    }, 1);
    world.clock.set(before!.nextEmailAt as Date);
    expect(await world.container.dunning.runNextDue()).toBe(true);
    clearInterval(watching);
    await Promise.all(reads);

    const after = (await cases.findOne({}))!;
    expect(after.dunningStepsDone).toEqual([0, 1]);
    expect((after.nextEmailAt as Date).getTime()).toBeGreaterThanOrEqual((before!.nextEmailAt as Date).getTime() + 3 * DAY - 12 * 3_600_000);
    // The mark made before the send (it takes the email lease) and the record with the next time: two saves, no third to plan it.
    expect((after.revision as number) - (before!.revision as number)).toBe(2);
    // No moment where the email is recorded but the next one not yet planned.
    expect(seen.filter((state) => state.stepsDone.length > 1 && !(state.nextEmailAt instanceof Date))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('sends each due email once when two email jobs read the same due cases at the same time', async () => {
    for (let customer = 0; customer < 3; customer += 1) {
      const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
      world.sandbox.billing.renew('platform', subscriptionId);
    }
    await world.runUntil(new Date(start.getTime() + DAY));
    const cases = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(cases.map((found) => found.dunningStepsDone)).toEqual([[0], [0], [0]]);
    const sentBefore = world.postmark.state.emails.length;
    world.clock.set(new Date(Math.max(...cases.map((found) => (found.nextEmailAt as Date).getTime()))));

    const claimed = await Promise.all([world.container.dunning.runDue(10), world.container.dunning.runDue(10)]);

    expect(claimed[0] + claimed[1]).toBe(3);
    expect(world.postmark.state.emails.slice(sentBefore).map((email) => email.tag)).toEqual(['dunning-step-2', 'dunning-step-2', 'dunning-step-2']);
    const after = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(after.map((found) => found.dunningStepsDone)).toEqual([[0, 1], [0, 1], [0, 1]]);
  });

  it('sends a customer with two failed subscriptions one email that day, though the email job runs lanes side by side', async () => {
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    const secondSubscription = world.sandbox.billing.createSubscription('platform', { customer: customer.customerId, amount: 2900, currency: 'usd', default_payment_method: null });
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    world.sandbox.billing.renew('platform', secondSubscription.id as string);
    await world.settle();
    expect(await db.connection.collection('recoveryCases').countDocuments({ status: 'active' })).toBe(2);
    // Past the hour a first email waits for the customer's place, still in New York's morning.
    world.clock.set(new Date(start.getTime() + 61 * 60_000));

    expect(await world.container.dunning.runDue(10)).toBe(2);

    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1']);
    const held = await db.connection.collection('recoveryCases').findOne({ dunningStepsDone: [] });
    expect((held!.nextEmailAt as Date).getTime()).toBeGreaterThan(start.getTime() + 12 * 3_600_000);
  });

  /** One customer whose card expired, a day into recovery (the first email sent), the clock at their second email: the case as stored. */
  async function atSecondEmail() {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));
    const stored = (await db.connection.collection('recoveryCases').findOne({}))!;
    world.clock.set(stored.nextEmailAt as Date);
    return stored;
  }

  it('writes a sent email with no save lost to its own send mark', async () => {
    await atSecondEmail();
    const saves = jest.spyOn(world.container.cases, 'replaceIfUnchanged');
    expect(await world.container.dunning.runNextDue()).toBe(true);
    const outcomes = await Promise.all(saves.mock.results.map((result) => result.value as Promise<boolean>));
    saves.mockRestore();
    // The send mark, then the record written over the marked case: a record written over the case as first read
    // would be refused (the mark moved its revision on), read again and written a second time.
    expect(outcomes).toEqual([true, true]);
    expect((await db.connection.collection('recoveryCases').findOne({}))!.dunningStepsDone).toEqual([0, 1]);
  });

  it('writes the case once for a turn that only plans the next email', async () => {
    await atSecondEmail();

    expect(await world.container.dunning.runNextDue()).toBe(true);
    const sent = (await db.connection.collection('recoveryCases').findOne({}))!;
    expect(sent.dunningStepsDone).toEqual([0, 1]);

    // Due now by the stored date, though the plan's next email is days away: the turn writes the plan's date back, once.
    await db.connection.collection('recoveryCases').updateOne({ _id: sent._id }, { $set: { nextEmailAt: world.clock.now() } });
    expect(await world.container.dunning.runNextDue()).toBe(true);
    const planned = (await db.connection.collection('recoveryCases').findOne({}))!;
    // Every write of a case moves its revision on by one: no claim before the turn's one write.
    expect(planned.revision - sent.revision).toBe(1);
    expect(planned.nextEmailAt).toEqual(sent.nextEmailAt);
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2']);
  });

  it('sends nothing and writes nothing for a case written between the email job reading it and marking the send; the next run sends it', async () => {
    const before = await atSecondEmail();
    const read = world.container.cases.findEmailDue.bind(world.container.cases);
    jest.spyOn(world.container.cases, 'findEmailDue').mockImplementationOnce(async (now, limit) => {
      const found = await read(now, limit);
      // Someone (an event, another worker) writes the case after the job's read.
      await db.connection.collection('recoveryCases').updateOne({ _id: before._id }, { $inc: { revision: 1 } });
      return found;
    });

    expect(await world.container.dunning.runDue(10)).toBe(0);
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1']);
    expect((await db.connection.collection('recoveryCases').findOne({}))!).toMatchObject({ revision: before.revision + 1, sendingStep: null, dunningStepsDone: [0] });

    expect(await world.container.dunning.runDue(10)).toBe(1);
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1', 'dunning-step-2']);
  });

  it('marks the case undeliverable and stops when Postmark says the address is inactive', async () => {
    const customer = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    const email = (world.sandbox.billing.customer('platform', customer.customerId).email as string).toLowerCase();
    world.postmark.state.inactiveRecipients.add(email);
    world.sandbox.billing.renew('platform', customer.subscriptionId);
    await world.runUntil(new Date(start.getTime() + 20 * DAY));
    expect(world.postmark.state.emails).toHaveLength(0);
    const [found] = await db.connection.collection('recoveryCases').find({}).toArray();
    expect(found).toMatchObject({ emailStatus: 'undeliverable', nextEmailAt: null });
    expect(await world.container.suppressions.isSuppressed('acct_selfhosted_test', true, email)).toBe(true);
  });

  it('tries again later, and sends each step once, when Postmark is down for a while', async () => {
    const { subscriptionId } = world.customerWithCard('platform', { declines: [{ code: 'card_declined', decline_code: 'expired_card' }], then: 'repeat_last' });
    world.postmark.state.setFault('error_500', 3);
    world.sandbox.billing.renew('platform', subscriptionId);
    await world.runUntil(new Date(start.getTime() + DAY));
    expect(world.postmark.state.emails.map((email) => email.tag)).toEqual(['dunning-step-1']);
    expect(dayOf(world.postmark.state.emails[0]!.receivedAt)).toBe(0);
  });
});
