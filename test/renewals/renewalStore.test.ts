import { createRenewalStore, RenewalCursorInvalid, renewalIdOf, type ReminderSent, type RenewalCard, type RenewalStore, type SubscriptionFact } from '../../backend/src/renewals';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let store: RenewalStore;
beforeAll(() => {
  store = createRenewalStore(db.connection);
});

const day = 24 * 60 * 60 * 1000;
const t0 = new Date('2027-03-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);
let serial = 0;
const nextAccount = () => `acct_store${(serial += 1)}`;

function subscriptionFact(accountId: string, subscriptionId: string, change: Partial<SubscriptionFact> = {}): SubscriptionFact {
  return {
    accountId,
    livemode: false,
    isAppInstall: true,
    subscriptionId,
    customerId: 'cus_1',
    status: 'active',
    cancelAtPeriodEnd: false,
    renewsAt: at(20),
    amountMinor: 2500,
    currency: 'usd',
    at: at(0),
    ...change,
  };
}
const card = (change: Partial<RenewalCard> = {}): RenewalCard => ({
  paymentMethodId: 'pm_1',
  fingerprint: 'fp_1',
  brand: 'visa',
  last4: '4242',
  expMonth: 3,
  expYear: 2027,
  funding: 'credit',
  country: 'US',
  ...change,
});
const reminder = (stepIndex: number, sentAt: Date): ReminderSent => ({
  stepIndex,
  daysBefore: 14,
  at: sentAt,
  messageId: null,
  recordedOnly: true,
  subject: 'Your card expires soon',
  htmlBody: '<p>Update</p>',
  textBody: 'Update',
});

it('declares an index for every query it makes', async () => {
  await Promise.all(Object.values(db.connection.models).map((model) => model.init()));
  const keys = (await db.connection.collection('renewals').indexes()).map((index) => [JSON.stringify(index.key), index.unique === true]);
  expect(keys).toEqual(
    expect.arrayContaining([
      ['{"preDunning.nextReminderAt":1,"preDunning.leaseUntil":1}', false],
      ['{"accountId":1,"livemode":1,"risk.score":-1,"renewsAt":1,"_id":1}', false],
      ['{"accountId":1,"livemode":1,"renewsAt":1,"_id":1}', false],
      ['{"customerId":1,"accountId":1,"livemode":1}', false],
      ['{"card.paymentMethodId":1,"accountId":1,"livemode":1}', false],
      ['{"card.fingerprint":1,"accountId":1,"livemode":1}', false],
      ['{"accountId":1,"livemode":1,"subscriptionId":1}', true],
      ['{"refreshedAt":1,"livemode":1}', false],
    ]),
  );
});

describe('applySubscription', () => {
  it('creates the renewal on first sight with a fresh pre-dunning period', async () => {
    const accountId = nextAccount();
    const saved = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    expect(saved).toMatchObject({ id: renewalIdOf(accountId, false, 'sub_a'), customerId: 'cus_1', renewsAt: at(20), card: null, risk: null, factAt: at(0) });
    expect(saved.preDunning).toEqual({ forRenewalAt: at(20), sent: [], stoppedBecause: null, stoppedAt: null, nextReminderAt: null, leaseUntil: null, leaseOwner: null });
    expect(await store.get({ accountId, livemode: false }, 'sub_a')).toEqual(saved);
  });

  it('ignores a fact older than the last one applied', async () => {
    const accountId = nextAccount();
    await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(2), amountMinor: 3000 }));
    const kept = await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(1), amountMinor: 1000, status: 'canceled' }));
    expect(kept).toMatchObject({ amountMinor: 3000, status: 'active', factAt: at(2) });
  });

  it('starts a fresh period when renewsAt moves, keeping riskAlertedFor keyed by date', async () => {
    const accountId = nextAccount();
    const first = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.planReminder(first.id, at(6));
    const [held] = await store.claimDueReminders(at(6), 10, 'worker', 60_000);
    expect(held?.id).toBe(first.id);
    expect(await store.recordReminder(first.id, 'worker', at(20), reminder(0, at(6)), at(17))).toBe(true);
    await store.stopReminders(first.id, 'card_updated_by_network', at(7));
    expect(await store.markRiskAlerted(first.id, at(20))).toBe(true);

    const sameDate = await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(8), amountMinor: 2600 }));
    expect(sameDate.preDunning.sent).toHaveLength(1);
    expect(sameDate.preDunning.stoppedBecause).toBe('card_updated_by_network');

    const renewed = await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(21), renewsAt: at(51) }));
    expect(renewed.preDunning).toMatchObject({ forRenewalAt: at(51), sent: [], stoppedBecause: null, nextReminderAt: null });
    expect(renewed.riskAlertedFor).toEqual(at(20));
    expect(await store.markRiskAlerted(first.id, at(20))).toBe(false);
    expect(await store.markRiskAlerted(first.id, at(51))).toBe(true);
  });

  it('keeps test and live mode apart', async () => {
    const accountId = nextAccount();
    await store.applySubscription(subscriptionFact(accountId, 'sub_a', { livemode: true, amountMinor: 9900 }));
    expect(await store.get({ accountId, livemode: false }, 'sub_a')).toBeNull();
    expect(await store.findByCustomer({ accountId, livemode: false }, 'cus_1')).toEqual([]);
    expect(await store.findByCustomer({ accountId, livemode: true }, 'cus_1')).toHaveLength(1);
  });
});

describe('customer, card and payment facts', () => {
  it('applies a customer fact to every renewal of that customer unless it is older', async () => {
    const accountId = nextAccount();
    await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_b'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_c', { customerId: 'cus_other' }));
    await store.applyCustomer({ accountId, livemode: false, customerId: 'cus_1', email: 'new@example.com', name: 'New', country: 'DE', at: at(3) });
    await store.applyCustomer({ accountId, livemode: false, customerId: 'cus_1', email: 'old@example.com', name: 'Old', country: 'FR', at: at(2) });
    const mine = await store.findByCustomer({ accountId, livemode: false }, 'cus_1');
    expect(mine.map((found) => [found.subscriptionId, found.customerEmail, found.customerCountry]).sort()).toEqual([
      ['sub_a', 'new@example.com', 'DE'],
      ['sub_b', 'new@example.com', 'DE'],
    ]);
    expect((await store.get({ accountId, livemode: false }, 'sub_c'))?.customerEmail).toBeNull();
  });

  it('sets the card unless an older card fact arrives late, and finds renewals by payment method or fingerprint', async () => {
    const accountId = nextAccount();
    const tenancy = { accountId, livemode: false };
    await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_b'));
    expect(await store.setCard(tenancy, 'sub_a', card(), 'customer', at(2))).toMatchObject({ card: card(), cardSource: 'customer', factAt: at(2) });
    const late = await store.setCard(tenancy, 'sub_a', card({ paymentMethodId: 'pm_old' }), 'subscription', at(1));
    expect(late?.card?.paymentMethodId).toBe('pm_1');
    await store.setCard(tenancy, 'sub_b', card({ paymentMethodId: 'pm_2' }), 'subscription', at(2));
    expect(await store.setCard(tenancy, 'sub_missing', card(), 'customer', at(2))).toBeNull();

    const byPaymentMethod = await store.findByCard(tenancy, { paymentMethodId: 'pm_1', fingerprint: null });
    expect(byPaymentMethod.map((found) => found.subscriptionId)).toEqual(['sub_a']);
    const byFingerprint = await store.findByCard(tenancy, { paymentMethodId: 'pm_9', fingerprint: 'fp_1' });
    expect(byFingerprint.map((found) => found.subscriptionId).sort()).toEqual(['sub_a', 'sub_b']);
    expect(await store.findByCard({ accountId, livemode: true }, { paymentMethodId: 'pm_1', fingerprint: 'fp_1' })).toEqual([]);
  });

  it('keeps the newest paid invoice', async () => {
    const accountId = nextAccount();
    const tenancy = { accountId, livemode: false };
    await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.recordPaid(tenancy, 'sub_a', at(5), 2500);
    await store.recordPaid(tenancy, 'sub_a', at(4), 1000);
    expect(await store.get(tenancy, 'sub_a')).toMatchObject({ lastPaidAt: at(5), lastPaidAmountMinor: 2500 });
  });

  it("counts a dispute once on each of the customer's renewals in its own mode", async () => {
    const accountId = nextAccount();
    const tenancy = { accountId, livemode: false };
    await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_b'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_c', { customerId: 'cus_other' }));
    await store.applySubscription(subscriptionFact(accountId, 'sub_a', { livemode: true }));
    const dispute = { disputeId: 'dp_1', openedAt: at(3) };
    expect(await store.recordDispute(tenancy, 'cus_1', dispute)).toBe(2);
    expect(await store.recordDispute(tenancy, 'cus_1', dispute)).toBe(0);
    expect(await store.recordDispute(tenancy, 'cus_1', { disputeId: 'dp_2', openedAt: at(4) })).toBe(2);
    expect((await store.get(tenancy, 'sub_a'))!.customerDisputes).toEqual([dispute, { disputeId: 'dp_2', openedAt: at(4) }]);
    expect((await store.get(tenancy, 'sub_c'))!.customerDisputes).toEqual([]);
    expect((await store.get({ accountId, livemode: true }, 'sub_a'))!.customerDisputes).toEqual([]);
  });
});

describe('reminders', () => {
  it('gives a due reminder to one worker at a time and takes back an expired lease', async () => {
    const accountId = nextAccount();
    const renewal = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.planReminder(renewal.id, at(6));
    const mineOnly = (found: { id: string }[]) => found.filter((claimed) => claimed.id === renewal.id);
    expect(mineOnly(await store.claimDueReminders(at(5), 50, 'early', 60_000))).toHaveLength(0);
    const [first, second] = await Promise.all([store.claimDueReminders(at(6), 50, 'one', 60_000), store.claimDueReminders(at(6), 50, 'two', 60_000)]);
    expect(mineOnly([...first, ...second])).toHaveLength(1);
    const winner = mineOnly(first).length === 1 ? 'one' : 'two';
    const later = new Date(at(6).getTime() + 61_000);
    expect(mineOnly(await store.claimDueReminders(later, 50, 'three', 60_000))).toHaveLength(1);
    expect(await store.recordReminder(renewal.id, winner, at(20), reminder(0, at(6)), null)).toBe(false);
    expect(await store.recordReminder(renewal.id, 'three', at(20), reminder(0, at(6)), at(17))).toBe(true);
    expect((await store.get({ accountId, livemode: false }, 'sub_a'))?.preDunning).toMatchObject({ sent: [reminder(0, at(6))], nextReminderAt: at(17), leaseOwner: null, leaseUntil: null });
  });

  it('writes nothing when the period changed while the reminder was held', async () => {
    const accountId = nextAccount();
    const renewal = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.planReminder(renewal.id, at(6));
    await store.claimDueReminders(at(6), 50, 'holder', 60_000);
    await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(7), renewsAt: at(50) }));
    expect(await store.recordReminder(renewal.id, 'holder', at(20), reminder(0, at(6)), at(17))).toBe(false);
    expect((await store.get({ accountId, livemode: false }, 'sub_a'))?.preDunning.sent).toEqual([]);
  });

  it('stops for good with the first reason, and a stopped renewal is never claimed or planned', async () => {
    const accountId = nextAccount();
    const renewal = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.planReminder(renewal.id, at(6));
    await store.stopReminders(renewal.id, 'subscription_ended', at(3));
    await store.stopReminders(renewal.id, 'card_updated_by_customer', at(4));
    await store.planReminder(renewal.id, at(7));
    const stopped = await store.get({ accountId, livemode: false }, 'sub_a');
    expect(stopped?.preDunning).toMatchObject({ stoppedBecause: 'subscription_ended', stoppedAt: at(3), nextReminderAt: null });
    expect((await store.claimDueReminders(at(30), 50, 'any', 60_000)).filter((claimed) => claimed.id === renewal.id)).toEqual([]);
  });

  it('moves a held reminder on release, and records a reminder sent while it was being stopped', async () => {
    const accountId = nextAccount();
    const renewal = await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.planReminder(renewal.id, at(6));
    await store.claimDueReminders(at(6), 50, 'holder', 60_000);
    await store.releaseReminder(renewal.id, 'holder', at(7));
    expect((await store.get({ accountId, livemode: false }, 'sub_a'))?.preDunning).toMatchObject({ nextReminderAt: at(7), leaseOwner: null });

    await store.claimDueReminders(at(7), 50, 'holder', 60_000);
    await store.stopReminders(renewal.id, 'card_updated_by_network', at(7));
    expect(await store.recordReminder(renewal.id, 'holder', at(20), reminder(0, at(7)), at(17))).toBe(true);
    expect((await store.get({ accountId, livemode: false }, 'sub_a'))?.preDunning).toMatchObject({ sent: [reminder(0, at(7))], nextReminderAt: null, stoppedBecause: 'card_updated_by_network', leaseOwner: null });
  });
});

describe('lists', () => {
  it('pages renewals due in a window soonest first, only those that still renew, with stable cursors', async () => {
    const accountId = nextAccount();
    const tenancy = { accountId, livemode: false };
    for (let index = 0; index < 7; index += 1) {
      // Two renewals share each date so the id breaks ties.
      await store.applySubscription(subscriptionFact(accountId, `sub_${index}`, { renewsAt: at(10 + Math.floor(index / 2)) }));
    }
    await store.applySubscription(subscriptionFact(accountId, 'sub_canceled', { renewsAt: at(11), status: 'canceled' }));
    await store.applySubscription(subscriptionFact(accountId, 'sub_ending', { renewsAt: at(11), cancelAtPeriodEnd: true }));
    await store.applySubscription(subscriptionFact(accountId, 'sub_late', { renewsAt: at(40) }));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listRenewingBetween(tenancy, at(0), at(30), cursor, 3);
      seen.push(...page.renewals.map((found) => found.subscriptionId));
      cursor = page.nextCursor;
      if (seen.length === 3) await store.applySubscription(subscriptionFact(accountId, 'sub_added_early', { renewsAt: at(9) }));
    } while (cursor);
    expect(seen).toEqual(['sub_0', 'sub_1', 'sub_2', 'sub_3', 'sub_4', 'sub_5', 'sub_6']);
    await expect(store.listRenewingBetween(tenancy, at(0), at(30), 'not-a-cursor', 3)).rejects.toBeInstanceOf(RenewalCursorInvalid);
  });

  it('lists scored renewals highest risk first, ties soonest, filtered and paged', async () => {
    const accountId = nextAccount();
    const tenancy = { accountId, livemode: false };
    const scores = [
      ['sub_a', 80, 12, 'card_expires_before_renewal'],
      ['sub_b', 80, 10, 'prepaid_card'],
      ['sub_c', 40, 5, 'card_expires_before_renewal'],
      ['sub_d', 95, 25, 'earlier_failures'],
      ['sub_e', 95, 45, 'earlier_failures'],
    ] as const;
    for (const [subscriptionId, score, days, code] of scores) {
      const renewal = await store.applySubscription(subscriptionFact(accountId, subscriptionId, { renewsAt: at(days) }));
      await store.saveRisk(renewal.id, { score, reasons: [{ code, text: code, weight: score }], model: 'rules', scoredAt: at(0) });
    }
    await store.applySubscription(subscriptionFact(accountId, 'sub_unscored', { renewsAt: at(3) }));
    const sent = await store.applySubscription(subscriptionFact(accountId, 'sub_f', { renewsAt: at(8) }));
    await store.saveRisk(sent.id, { score: 60, reasons: [], model: 'account_model', scoredAt: at(0) });
    await store.planReminder(sent.id, at(1));
    await store.claimDueReminders(at(1), 50, 'w', 60_000);
    await store.recordReminder(sent.id, 'w', at(8), reminder(0, at(1)), null);

    const window = { renewsFrom: at(0), renewsBefore: at(30) };
    const ids = async (filter: object, limit = 10) => (await store.listAtRisk(tenancy, { ...window, ...filter }, null, limit)).renewals.map((found) => found.subscriptionId);
    expect(await ids({})).toEqual(['sub_d', 'sub_b', 'sub_a', 'sub_f', 'sub_c']);
    expect(await ids({ minScore: 80 })).toEqual(['sub_d', 'sub_b', 'sub_a']);
    expect(await ids({ reasonCode: 'card_expires_before_renewal' })).toEqual(['sub_a', 'sub_c']);
    expect(await ids({ preDunning: 'sent' })).toEqual(['sub_f']);
    expect(await ids({ preDunning: 'none' })).toEqual(['sub_d', 'sub_b', 'sub_a', 'sub_c']);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listAtRisk(tenancy, window, cursor, 2);
      paged.push(...page.renewals.map((found) => found.subscriptionId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(['sub_d', 'sub_b', 'sub_a', 'sub_f', 'sub_c']);
  });

  it('lists every account and mode that has renewals', async () => {
    const accountId = nextAccount();
    await store.applySubscription(subscriptionFact(accountId, 'sub_a'));
    await store.applySubscription(subscriptionFact(accountId, 'sub_b', { livemode: true }));
    const tenancies = await store.listTenancies();
    expect(tenancies.filter((tenancy) => tenancy.accountId === accountId)).toEqual([
      { accountId, livemode: false },
      { accountId, livemode: true },
    ]);
  });

  it("claims each renewing renewal of a mode for the daily pass once per window, never the other mode's", async () => {
    const accountId = nextAccount();
    await store.applySubscription(subscriptionFact(accountId, 'sub_a', { at: at(0) }));
    await store.applySubscription(subscriptionFact(accountId, 'sub_live', { livemode: true, at: at(0) }));
    await store.applySubscription(subscriptionFact(accountId, 'sub_canceled', { status: 'canceled', at: at(0) }));
    const mine = (found: { accountId: string; subscriptionId: string }[]) => found.filter((claimed) => claimed.accountId === accountId).map((claimed) => claimed.subscriptionId);
    expect(mine(await store.claimForRefresh(false, at(0), at(-1), 1000))).toEqual([]);
    expect(mine(await store.claimForRefresh(false, at(2), at(1), 1000))).toEqual(['sub_a']);
    expect(mine(await store.claimForRefresh(false, at(2), at(1), 1000))).toEqual([]);
  });
});
